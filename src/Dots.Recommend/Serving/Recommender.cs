using System.Diagnostics;
using Dots.Recommend.Blending;
using Dots.Recommend.Data;
using Dots.Recommend.Models;
using Dots.Recommend.Sparse;

namespace Dots.Recommend.Serving;

/// <summary>What a training run produced and how long it took.</summary>
public sealed record TrainingSummary(
    IReadOnlyList<string> Models,
    IReadOnlyList<float> Weights,
    double ValidationObjective,
    int ValidationUsers,
    TimeSpan TuningTime,
    TimeSpan FitTime,
    IReadOnlyList<string> TuningLog);

/// <summary>
/// An immutable trained recommender held in memory. Every method is thread-safe and allocation-light; the
/// storefront retrains periodically with <see cref="Train"/> and swaps the reference atomically.
/// Items and users are strings at this boundary; unknown ones degrade to content similarity and popularity.
/// </summary>
public sealed class Recommender
{
    private readonly BlendedModel _blend;
    private readonly ContentIndex? _content;

    // Per-thread score rows reused across requests (see BlendedModel): results copy what they need out of them.
    [ThreadStatic]
    private static float[]? _total;

    [ThreadStatic]
    private static float[][]? _contributions;

    private Recommender(TrainingData data, BlendedModel blend, ContentIndex? content, bool keepSeen, TrainingSummary summary)
    {
        Data = data;
        _blend = blend;
        _content = content;
        KeepSeen = keepSeen;
        Summary = summary;
    }

    public TrainingData Data { get; }

    public TrainingSummary Summary { get; }

    /// <summary>True when already-bought items are recommended by default (repeat-purchase data).</summary>
    public bool KeepSeen { get; }

    public IReadOnlyList<string> ModelNames => [.. _blend.Models.Select(m => m.Name)];

    public static Recommender Train(IEnumerable<Interaction> interactions, RecommenderOptions? options = null, Action<string>? progress = null) =>
        Train(interactions, options, progress, CancellationToken.None);

    /// <summary>
    /// Trains a new recommender using at most <see cref="RecommenderOptions.MaxDegreeOfParallelism"/> cores; throws
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires (between and inside the parallel stages).
    /// </summary>
    public static Recommender Train(IEnumerable<Interaction> interactions, RecommenderOptions? options, Action<string>? progress, CancellationToken ct)
    {
        options ??= new RecommenderOptions();
        using var scope = TrainingScope.Enter(options.MaxDegreeOfParallelism, ct);
        ct.ThrowIfCancellationRequested();
        var data = TrainingData.Build(interactions);
        progress?.Invoke($"indexed {data.UserCount} users, {data.ItemCount} items");
        var watch = Stopwatch.StartNew();
        float[]? weights = null;
        BlendTuner.Result? tuned = null;
        if (options.Weights is { Count: > 0 } fixedWeights)
        {
            weights = [.. fixedWeights];
        }
        else if (options.TuneBlend && data.ItemCount > 0)
        {
            var (valTrain, targets) = BlendTuner.Split(data, options.KeepSeen, options.MaxValidationUsers);
            if (targets.Count > 0)
            {
                progress?.Invoke($"validation split: last basket of {targets.Count} users held out of the training data");
                ct.ThrowIfCancellationRequested();
                var valModels = BuildModels(valTrain, options);
                tuned = BlendTuner.Tune(valTrain, targets, valModels, options.KeepSeen, options.TuneAtK, progress);
                weights = tuned.Weights;
            }
        }
        var tuning = watch.Elapsed;
        watch.Restart();
        ct.ThrowIfCancellationRequested();
        var models = BuildModels(data, options);
        weights ??= DefaultWeights(models);
        if (weights.Length != models.Length)
        {
            throw new ArgumentException($"Weights has {weights.Length} values; the blend has {models.Length} models ({string.Join(", ", models.Select(m => m.Name))}).", nameof(options));
        }
        ct.ThrowIfCancellationRequested();
        var content = options.Content is { Count: > 0 } ? ContentIndex.Build(options.Content) : null;
        var fit = watch.Elapsed;
        var summary = new TrainingSummary([.. models.Select(m => m.Name)], weights, tuned?.Objective ?? double.NaN,
            tuned?.Users ?? 0, tuning, fit, tuned?.Log ?? []);
        return new Recommender(data, new BlendedModel(models, weights) { CatalogSize = data.ItemCount }, content, options.KeepSeen, summary);
    }

    internal static IScoringModel[] BuildModels(TrainingData data, RecommenderOptions o) =>
    [
        new PopularityModel(data),
        new PopularityModel(data, o.TrendingDecay),
        new RepeatModel(o.RepeatDecay),
        new RebuyModel(data, o.RepeatDecay),
        ItemKnnModel.Fit(data, o.Neighbours, o.KnnShrink, 0.5f, o.KnnHistoryDecay),
        Rp3BetaModel.Fit(data, o.Neighbours, o.Rp3Alpha, o.Rp3Beta, o.KnnHistoryDecay),
        SequenceModel.Fit(data, o.SequenceWindow, o.SequenceGapDecay, o.SequenceBackward, 0.5f, o.SequenceBeta, o.Neighbours, o.SequenceHistoryDecay),
        new UserKnnModel(data, o.UserNeighbours, o.UserDecay),
    ];

    private static float[] DefaultWeights(IScoringModel[] models) =>
        [.. models.Select(m => m.Name switch { "pop" => 0.05f, "trending" => 0f, _ => 1f })];

    // ---------------------------------------------------------------- serving

    public IReadOnlyList<Recommendation> ForUser(string userId, RecommendRequest? request = null) =>
        Rank(Data.HistoryOf(userId), request ?? new RecommendRequest(), []);

    /// <summary>
    /// A known (or new) user plus items bought or viewed since this model was trained, as one newest basket: the
    /// host's freshness overlay between retrains. Unknown item ids are ignored.
    /// </summary>
    public IReadOnlyList<Recommendation> ForUser(string userId, IReadOnlyList<string> since, RecommendRequest? request = null)
    {
        var h = Data.HistoryOf(userId);
        if (since.Count > 0)
        {
            var extra = new List<int>(since.Count);
            foreach (var id in since)
            {
                if (Data.TryGetItem(id, out var i) && !extra.Contains(i))
                {
                    extra.Add(i);
                }
            }
            h = h.WithBasket(extra);
        }
        return Rank(h, request ?? new RecommendRequest(), []);
    }

    /// <summary>An anonymous session: the items viewed or carted, oldest first.</summary>
    public IReadOnlyList<Recommendation> ForSession(IReadOnlyList<string> itemIds, RecommendRequest? request = null)
    {
        request ??= new RecommendRequest();
        var known = new List<int>();
        var unknown = new List<string>();
        foreach (var id in itemIds)
        {
            if (Data.TryGetItem(id, out var i))
            {
                known.Add(i);
            }
            else
            {
                unknown.Add(id);
            }
        }
        var contentHits = known.Count == 0 && _content is not null && unknown.Count > 0
            ? _content.SimilarToAny(unknown, (request.Count * 5) + 50)
            : [];
        return Rank(UserHistory.FromSequence(known), request, contentHits, unknown.LastOrDefault());
    }

    /// <summary>"Similar items" / "bought together" for a product page; content similarity for new products.</summary>
    public IReadOnlyList<Recommendation> SimilarItems(string itemId, RecommendRequest? request = null)
    {
        request ??= new RecommendRequest();
        if (!Data.TryGetItem(itemId, out var item))
        {
            var content = _content?.SimilarTo(itemId, (request.Count * 5) + 50) ?? [];
            return Rank(UserHistory.Empty, request with { ExcludePurchased = false, Exclude = With(request.Exclude, itemId) }, content, itemId);
        }
        var n = Data.ItemCount;
        var (total, contributions) = Rows();
        var tmp = new float[n];
        var h = UserHistory.FromSequence([item]);
        // A product page always shows item-to-item evidence: a neighbourhood model the blend tuned to zero (common on
        // small data) still counts with a small floor weight, so "bought together" does not go empty.
        var floor = 0.05f * Math.Max(1e-6f, _blend.Weights.Max());
        for (var m = 0; m < _blend.Models.Length; m++)
        {
            if (_blend.Models[m] is not NeighbourhoodModel)
            {
                continue;
            }
            var weight = Math.Max(_blend.Weights[m], floor);
            Array.Clear(tmp);
            _blend.Models[m].Score(h, tmp);
            tmp[item] = 0f;
            BlendedModel.Normalise(tmp, null);
            for (var i = 0; i < n; i++)
            {
                contributions[m][i] = weight * tmp[i];
                total[i] += contributions[m][i];
            }
        }
        total[item] = float.NegativeInfinity;
        var result = Select(total, request with { ExcludePurchased = false }, h, contributions, []);
        // Nothing co-bought yet: fall back on the product text if we have it.
        if (result.All(r => r.Reason.Kind is ReasonKind.PopularNow) && _content?.Contains(itemId) == true)
        {
            return Rank(UserHistory.Empty, request with { ExcludePurchased = false, Exclude = With(request.Exclude, itemId) },
                _content.SimilarTo(itemId, (request.Count * 5) + 50), itemId);
        }
        return result;
    }

    private (float[] Total, float[][] Contributions) Rows()
    {
        var n = Data.ItemCount;
        var total = Scratch.Get(ref _total, n);
        if (_contributions is null || _contributions.Length != _blend.Models.Length || (_contributions.Length > 0 && _contributions[0].Length != n))
        {
            _contributions = [.. _blend.Models.Select(_ => new float[n])];
        }
        else
        {
            foreach (var row in _contributions)
            {
                Array.Clear(row);
            }
        }
        return (total, _contributions);
    }

    private static HashSet<string> With(IReadOnlySet<string>? set, string id) => [.. set ?? new HashSet<string>(), id];

    private List<Recommendation> Rank(UserHistory h, RecommendRequest request, IReadOnlyList<(string Id, float Score)> content, string? contentAnchor = null)
    {
        var excludeSeen = request.ExcludePurchased ?? !KeepSeen;
        var (total, contributions) = Rows();
        _blend.Score(h, excludeSeen, total, contributions);
        return Select(total, request, h, contributions, content, contentAnchor);
    }

    private List<Recommendation> Select(float[] total, RecommendRequest request, UserHistory h, float[][] contributions,
        IReadOnlyList<(string Id, float Score)> content, string? contentAnchor = null)
    {
        var result = new List<Recommendation>(request.Count);
        var perShop = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);

        bool Accept(string id)
        {
            if (taken.Contains(id) || request.Exclude?.Contains(id) == true || request.IsAvailable?.Invoke(id) == false)
            {
                return false;
            }
            if (request.MaxPerShop > 0 && request.ShopOf?.TryGetValue(id, out var shop) == true)
            {
                var c = perShop.GetValueOrDefault(shop);
                if (c >= request.MaxPerShop)
                {
                    return false;
                }
                perShop[shop] = c + 1;
            }
            taken.Add(id);
            return true;
        }

        // Content neighbours first: they only exist when collaborative signals are absent (cold start).
        foreach (var (id, score) in content)
        {
            if (result.Count >= request.Count)
            {
                return result;
            }
            if (Accept(id))
            {
                result.Add(new Recommendation(id, score, RecommendationReason.Of(ReasonKind.SimilarTo, contentAnchor)));
            }
        }
        var window = (request.Count * 4) + 32;
        var ranked = TopKHeap.Select(total, Math.Min(window, total.Length));
        var pos = 0;
        while (result.Count < request.Count)
        {
            if (pos == ranked.Length)
            {
                // Filters ate the window: widen to the whole catalog once.
                if (ranked.Length >= total.Length || window >= total.Length)
                {
                    break;
                }
                window = total.Length;
                ranked = TopKHeap.Select(total, total.Length);
                continue;
            }
            var i = ranked[pos++];
            var id = Data.ItemIds[i];
            if (!Accept(id))
            {
                continue;
            }
            result.Add(new Recommendation(id, total[i], Explain(h, i, contributions)));
        }
        return result;
    }

    /// <summary>
    /// "You bought this before" when re-purchase contributes most; otherwise a named purchase ("because you
    /// bought X", the history item with the largest weighted similarity) whenever an item-to-item component
    /// supports the item at all, since shoppers trust a concrete purchase more than "customers like you";
    /// otherwise the reason of the top contributor.
    /// </summary>
    private RecommendationReason Explain(UserHistory h, int item, float[][] contributions)
    {
        var best = -1;
        var bestValue = 0f;
        for (var m = 0; m < contributions.Length; m++)
        {
            if (contributions[m][item] > bestValue)
            {
                bestValue = contributions[m][item];
                best = m;
            }
        }
        if (best < 0)
        {
            return RecommendationReason.Of(ReasonKind.PopularNow, null);
        }
        var anchoredBest = -1;
        var anchoredValue = 0f;
        for (var m = 0; m < contributions.Length; m++)
        {
            if (_blend.Models[m] is NeighbourhoodModel && contributions[m][item] > anchoredValue)
            {
                anchoredValue = contributions[m][item];
                anchoredBest = m;
            }
        }
        if (anchoredBest >= 0 && _blend.Models[best].Reason != ReasonKind.BuyAgain)
        {
            var anchorItem = _blend.Models[anchoredBest].Explain(h, item);
            if (anchorItem >= 0)
            {
                return RecommendationReason.Of(_blend.Models[anchoredBest].Reason, Data.ItemIds[anchorItem]);
            }
        }
        var model = _blend.Models[best];
        var anchor = model.Explain(h, item);
        if (model.Reason is ReasonKind.BecauseYouBought or ReasonKind.BoughtAfter or ReasonKind.SimilarTo && anchor < 0)
        {
            return RecommendationReason.Of(ReasonKind.PopularNow, null);
        }
        return RecommendationReason.Of(model.Reason, anchor >= 0 ? Data.ItemIds[anchor] : null);
    }

    // ---------------------------------------------------------------- batch (CLI, benchmarks)

    /// <summary>
    /// Top-k item ids for many users in parallel: the blend, or one component model alone when
    /// <paramref name="modelIndex"/> is given (its gaps filled by popularity, like the reference baselines).
    /// </summary>
    public string[][] RecommendBatch(IReadOnlyList<string> users, int k, bool excludeSeen, int? modelIndex = null, Action<int>? progress = null)
    {
        var blend = _blend;
        if (modelIndex is int m)
        {
            var w = new float[_blend.Models.Length];
            w[m] = 1f;
            blend = new BlendedModel(_blend.Models, w) { CatalogSize = Data.ItemCount };
        }
        var result = new string[users.Count][];
        var done = 0;
        Parallel.For(0, users.Count, TrainingScope.Options,
            () => new float[Data.ItemCount],
            (u, _, total) =>
            {
                blend.Score(Data.HistoryOf(users[u]), excludeSeen, total);
                result[u] = [.. TopKHeap.Select(total, k).Select(i => Data.ItemIds[i])];
                var d = Interlocked.Increment(ref done);
                if (progress is not null && d % 2000 == 0)
                {
                    progress(d);
                }
                return total;
            },
            _ => { });
        return result;
    }
}
