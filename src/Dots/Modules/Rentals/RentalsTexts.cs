namespace Dots.Modules.Rentals;

/// <summary>Marker for the Rentals module's UI texts (RentalsTexts.resx, RentalsTexts.ko.resx); keys are the English text.</summary>
public sealed class RentalsTexts;
