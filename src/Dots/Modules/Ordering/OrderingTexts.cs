namespace Dots.Modules.Ordering;

/// <summary>Marker for the Ordering module's UI texts (OrderingTexts.resx, OrderingTexts.ko.resx); keys are the English text.</summary>
public sealed class OrderingTexts;
