using Dots.Infrastructure;
using Dots.Infrastructure.Database;

namespace Dots.Modules.Catalog;

/// <summary>Who is searching, for personal re-ranking: the signed-in user and/or the browser's anonymous session.</summary>
public sealed record SearchCaller(string? UserId, string? SessionId);

public sealed record ProductSuggestionDto(string Id, string Title, string? TitleKo, string ShopId, string ShopName, MoneyDto Price);

public sealed record ShopSuggestionDto(string Id, string Name);

/// <summary>Autocomplete for a query being typed: products, categories and shops; <c>didYouMean</c> when the query finds nothing.</summary>
public sealed record SearchSuggestionsDto(
    string Query,
    IReadOnlyList<ProductSuggestionDto> Products,
    IReadOnlyList<CategoryDto> Categories,
    IReadOnlyList<ShopSuggestionDto> Shops,
    string? DidYouMean);

/// <summary>
/// What a results page shows around a query: how many products it found (<c>ResultCount</c>, what a zero-result
/// search signal carries), and for zero results a corrected query, the nearest matches and popular products.
/// </summary>
public sealed record SearchHelpDto(
    string Query,
    int ResultCount,
    string? DidYouMean,
    IReadOnlyList<ProductSummaryDto> NearestMatches,
    IReadOnlyList<ProductSummaryDto> Popular);

/// <summary>Suggestions as the user types and help for a query that found nothing, served from the in-memory index.</summary>
public sealed class SearchAssist(DotsDbContext db, ProductSearchEngine engine, CatalogService catalog)
{
    public const int MaxQueryLength = 200;

    public async Task<SearchSuggestionsDto> SuggestAsync(string? q, int limit, CancellationToken ct)
    {
        new Validation()
            .Require((q?.Length ?? 0) <= MaxQueryLength, "q", $"The query must be at most {MaxQueryLength} characters.")
            .Require(limit is >= 1 and <= 20, "limit", "The limit must be between 1 and 20.")
            .ThrowIfInvalid();
        var query = q?.Trim() ?? "";
        if (SearchText.Words(query).Count == 0)
        {
            return new SearchSuggestionsDto(query, [], [], [], null);
        }
        var index = await engine.IndexAsync(db, ct);
        var hits = index.Search(query, limit: limit);
        var compact = string.Concat(SearchText.Words(query));
        var top = hits.Take(3).Select(h => h.Document.Category).ToHashSet(StringComparer.Ordinal);
        var categories = index.Categories
            .Where(c => c.Compact.Contains(compact, StringComparison.Ordinal) || (compact.Length >= 2 && top.Contains(c.Category.Slug)))
            .OrderByDescending(c => c.Compact.Contains(compact, StringComparison.Ordinal))
            .Take(3).Select(c => c.Category).ToList();
        var shops = index.Shops.Where(s => compact.Length >= 2 && s.Compact.Contains(compact, StringComparison.Ordinal)).Take(3).Select(s => s.Shop).ToList();
        var didYouMean = hits.Count == 0 ? index.DidYouMean(query) : null;
        return new SearchSuggestionsDto(query, hits.Select(h => ToSuggestion(h.Document)).ToList(), categories, shops, didYouMean);
    }

    /// <summary>The help around a results page: the count, and for zero results a correction, nearest matches and popular products.</summary>
    public async Task<SearchHelpDto> HelpAsync(string? q, int resultCount, CancellationToken ct)
    {
        var query = q?.Trim() ?? "";
        if (resultCount > 0 || query.Length == 0 || query.Length > MaxQueryLength)
        {
            return new SearchHelpDto(query, resultCount, null, [], []);
        }
        var index = await engine.IndexAsync(db, ct);
        var didYouMean = index.DidYouMean(query);
        var nearest = index.NearestMatches(query, 4);
        if (nearest.Count == 0 && didYouMean is not null)
        {
            nearest = index.Search(didYouMean, limit: 4).Select(h => h.Document).ToList();
        }
        var popular = index.Popular(8).Where(p => nearest.All(n => n.Id != p.Id)).Take(4);
        return new SearchHelpDto(query, resultCount, didYouMean,
            await catalog.SummariesAsync(nearest.Select(d => d.Id).ToList(), ct), await catalog.SummariesAsync(popular.Select(d => d.Id).ToList(), ct));
    }

    private static ProductSuggestionDto ToSuggestion(SearchDocument d) => new(d.Id, d.Title, d.TitleKo, d.ShopId, d.ShopName, MoneyDto.Of(d.Price, d.Currency));
}
