namespace Dots.Modules.Identity;

/// <summary>Marker for the Identity module's own UI texts (IdentityTexts.resx, IdentityTexts.ko.resx; keys are the English text).</summary>
public sealed class IdentityTexts;
