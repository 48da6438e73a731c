namespace Dots.Modules.Catalog;

/// <summary>A product search matched, with the relevance search gave it, before personal re-ranking.</summary>
public sealed record SearchCandidate(string ProductId, string ShopId, double Relevance, bool ExactTitleMatch);

/// <summary>
/// The seam through which another module (personalization) re-orders search results for one customer. Search calls it
/// only for relevance-sorted queries and only to re-order among comparable matches: an exact title match is never
/// moved below a fuzzier one. Returns a personal score per product (absent = no signal); search decides how far the
/// score may move a candidate. When no implementation is registered, results are the non-personal ones.
/// </summary>
public interface ISearchPersonalizer
{
    Task<IReadOnlyDictionary<string, double>> ScoreAsync(string? userId, string? sessionId, IReadOnlyList<SearchCandidate> candidates, CancellationToken ct);
}
