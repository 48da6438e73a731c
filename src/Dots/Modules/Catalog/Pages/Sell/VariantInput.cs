namespace Dots.Modules.Catalog.Pages.Sell;

/// <summary>One variant row of the product form, as typed (prices and stock stay text until saved, so nothing typed is lost).</summary>
public sealed class VariantInput
{
    public string? Id { get; set; }
    public string? Sku { get; set; }
    public string? Options { get; set; }
    public string? Price { get; set; }
    public string? Stock { get; set; }

    public bool IsEmpty => Id is null && string.IsNullOrWhiteSpace(Sku) && string.IsNullOrWhiteSpace(Options) && string.IsNullOrWhiteSpace(Price) && string.IsNullOrWhiteSpace(Stock);

    /// <summary><c>size=M, color=Ivory</c> (or <c>size: M</c>) into options; a bare value is an "option".</summary>
    public static Dictionary<string, string> ParseOptions(string? text)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cut = part.IndexOfAny(['=', ':']);
            var key = cut > 0 ? part[..cut].Trim() : "option";
            var value = cut > 0 ? part[(cut + 1)..].Trim() : part;
            options[key] = value;
        }
        return options;
    }

    public static string FormatOptions(IReadOnlyDictionary<string, string> options) => string.Join(", ", options.Select(o => $"{o.Key}={o.Value}"));
}
