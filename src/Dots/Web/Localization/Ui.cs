namespace Dots.Web.Localization;

/// <summary>
/// The web UI's one string table: <c>Ui.resx</c> (English, the neutral culture) and <c>Ui.ko.resx</c> (Korean).
/// Keys are the English text, so a missing translation shows English rather than a key.
/// </summary>
public sealed class Ui;
