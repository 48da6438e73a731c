namespace Dots.Modules.Catalog;

/// <summary>Marker for the Catalog module's UI texts (CatalogTexts.resx, CatalogTexts.ko.resx); keys are the English text.</summary>
public sealed class CatalogTexts;
