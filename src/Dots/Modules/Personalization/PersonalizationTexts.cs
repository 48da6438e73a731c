namespace Dots.Modules.Personalization;

/// <summary>Marker for the module's texts (PersonalizationTexts.resx, PersonalizationTexts.ko.resx); keys are the English text.</summary>
public sealed class PersonalizationTexts;
