namespace Dots.Modules.CoCreation;

/// <summary>Marker for the Co-creation module's UI texts (CoCreationTexts.resx, CoCreationTexts.ko.resx); keys are the English text.</summary>
public sealed class CoCreationTexts;
