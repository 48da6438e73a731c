using Dots.Recommend.Models;

namespace Dots.Recommend.Serving;

/// <summary>
/// Why an item is on the list, as data: the kind of reason and the items involved (the purchase or view that caused
/// it, most important first; empty when the reason names no item). The host renders it in the reader's language
/// with the items' titles; the library never produces display text.
/// </summary>
public sealed record RecommendationReason(ReasonKind Kind, IReadOnlyList<string> Items)
{
    /// <summary>The item the reason names first, or null.</summary>
    public string? AnchorItemId => Items.Count > 0 ? Items[0] : null;

    internal static RecommendationReason Of(ReasonKind kind, string? anchor) =>
        new(kind, anchor is null ? [] : [anchor]);

    /// <summary>
    /// A plain English rendering for tools and logs (the CLI); <paramref name="name"/> turns an item id into a
    /// title (the id itself when absent). Storefronts localize from <see cref="Kind"/> and <see cref="Items"/>.
    /// </summary>
    public string Describe(Func<string, string>? name = null)
    {
        var anchor = AnchorItemId is { } a ? name?.Invoke(a) ?? a : null;
        return Kind switch
        {
            ReasonKind.BuyAgain => "you bought this before",
            ReasonKind.BecauseYouBought when anchor is not null => $"because you bought {anchor}",
            ReasonKind.BoughtAfter when anchor is not null => $"often bought after {anchor}",
            ReasonKind.CustomersLikeYou => "customers who shop like you bought this",
            ReasonKind.SimilarTo when anchor is not null => $"similar to {anchor}",
            ReasonKind.Trending => "trending now",
            _ => "popular now",
        };
    }

    public bool Equals(RecommendationReason? other) =>
        other is not null && Kind == other.Kind && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => HashCode.Combine(Kind, AnchorItemId);
}

public sealed record Recommendation(string ItemId, float Score, RecommendationReason Reason);

/// <summary>
/// One serving request. Filters are applied after scoring so the caller's stock and shop data stay outside the
/// model and can change between retrains.
/// </summary>
public sealed record RecommendRequest
{
    public int Count { get; init; } = 10;

    /// <summary>Drop items the user already bought; null uses the recommender's default (off for repeat-purchase data).</summary>
    public bool? ExcludePurchased { get; init; }

    /// <summary>Items that must not appear (out of stock, delisted, already in the cart).</summary>
    public IReadOnlySet<string>? Exclude { get; init; }

    /// <summary>Availability check, for instance "in stock"; items for which it returns false are skipped.</summary>
    public Func<string, bool>? IsAvailable { get; init; }

    /// <summary>Item → shop, for the diversity cap; items missing from the map are not capped.</summary>
    public IReadOnlyDictionary<string, string>? ShopOf { get; init; }

    /// <summary>At most this many items per shop; 0 means no cap.</summary>
    public int MaxPerShop { get; init; }
}
