namespace Dots.Modules.Stores;

/// <summary>Marker for the Stores module's UI texts (StoresTexts.resx, StoresTexts.ko.resx); keys are the English text.</summary>
public sealed class StoresTexts;
