using Dots.Recommend.Data;

namespace Dots.Recommend.Models;

/// <summary>Why an item was recommended; the serving layer turns it into text.</summary>
public enum ReasonKind
{
    BuyAgain,
    BecauseYouBought,
    BoughtAfter,
    CustomersLikeYou,
    SimilarTo,
    PopularNow,
    Trending,
}

/// <summary>
/// A trained model: adds non-negative scores for every catalog item into a dense span (the catalog is at most
/// tens of thousands of items, so a dense score vector per request is cheap; the item × item model itself is sparse).
/// Implementations are immutable after construction and safe to call from many threads.
/// </summary>
internal interface IScoringModel
{
    string Name { get; }

    ReasonKind Reason { get; }

    void Score(UserHistory history, Span<float> scores);

    /// <summary>The history item that contributes most to <paramref name="item"/>'s score, or -1.</summary>
    int Explain(UserHistory history, int item);
}

internal static class HistoryWeights
{
    /// <summary>
    /// Distinct history items with weight Σ decay^(baskets since that purchase): recent and repeated
    /// purchases count more.
    /// </summary>
    public static (int[] Items, float[] Weights) Of(UserHistory h, float decay)
    {
        var weights = new Dictionary<int, float>();
        var g = h.GroupCount;
        var w = 1f;
        for (var b = g - 1; b >= 0; b--)
        {
            foreach (var i in h.Group(b))
            {
                weights[i] = weights.GetValueOrDefault(i) + w;
            }
            w *= decay;
        }
        var items = weights.Keys.ToArray();
        var vals = items.Select(i => weights[i]).ToArray();
        return (items, vals);
    }
}
