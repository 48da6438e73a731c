namespace Dots.Modules.Payments;

/// <summary>Marker for the Payments module's UI strings (PaymentsTexts.resx, PaymentsTexts.ko.resx); keys are the English text.</summary>
public sealed class PaymentsTexts;
