namespace Dots.Modules.Demand;

/// <summary>Marker for the Demand module's UI strings (DemandTexts.resx, DemandTexts.ko.resx); keys are the English text.</summary>
public sealed class DemandTexts;
