namespace Dots.Modules.Delivery;

/// <summary>Marker for the Delivery module's UI texts (DeliveryTexts.resx, DeliveryTexts.ko.resx; keys are the English text).</summary>
public sealed class DeliveryTexts;
