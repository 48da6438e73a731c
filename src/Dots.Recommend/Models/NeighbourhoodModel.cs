using Dots.Recommend.Data;
using Dots.Recommend.Sparse;

namespace Dots.Recommend.Models;

/// <summary>
/// Shared scoring for item-to-item models: score(j) = Σ over history items i of w(i) · S[i, j], where w weighs
/// recent and repeated purchases more and S is a pruned sparse item × item matrix.
/// </summary>
internal abstract class NeighbourhoodModel(SparseRows similarity, float historyDecay) : IScoringModel
{
    public abstract string Name { get; }

    public abstract ReasonKind Reason { get; }

    internal SparseRows Similarity { get; } = similarity;

    public void Score(UserHistory history, Span<float> scores)
    {
        var (items, weights) = HistoryWeights.Of(history, historyDecay);
        for (var k = 0; k < items.Length; k++)
        {
            if (items[k] < Similarity.RowCount)
            {
                Similarity.AddRow(items[k], weights[k], scores);
            }
        }
    }

    public int Explain(UserHistory history, int item)
    {
        var (items, weights) = HistoryWeights.Of(history, historyDecay);
        var best = -1;
        var bestValue = 0f;
        for (var k = 0; k < items.Length; k++)
        {
            if (items[k] >= Similarity.RowCount)
            {
                continue;
            }
            var v = weights[k] * Similarity.Get(items[k], item);
            if (v > bestValue)
            {
                bestValue = v;
                best = items[k];
            }
        }
        return best;
    }

    /// <summary>The strongest neighbours of one item, best first.</summary>
    public int[] Neighbours(int item, int k)
    {
        if (item < 0 || item >= Similarity.RowCount)
        {
            return [];
        }
        var heap = new TopKHeap(k);
        var cols = Similarity.RowCols(item);
        var vals = Similarity.RowVals(item);
        for (var n = 0; n < cols.Length; n++)
        {
            heap.Offer(cols[n], vals[n]);
        }
        return heap.DrainDescending();
    }
}

/// <summary>
/// Item-based CF on the binary user × item matrix: s(i, j) = |U_i ∩ U_j| / (|U_i|^α |U_j|^(1-α) + shrink),
/// keeping the top-k neighbours of each item. α = 0.5 and shrink = 0 is the reference cosine; the shrink
/// damps similarities resting on a handful of shared users.
/// </summary>
internal sealed class ItemKnnModel(SparseRows similarity, float historyDecay) : NeighbourhoodModel(similarity, historyDecay)
{
    public override string Name => "itemknn";

    public override ReasonKind Reason => ReasonKind.BecauseYouBought;

    public static ItemKnnModel Fit(TrainingData data, int topK = 100, float shrink = 10f, float alpha = 0.5f, float historyDecay = 1f)
    {
        var n = data.ItemCount;
        var count = data.UserCount;
        var sim = SparseRows.BuildPruned(n, topK, (i, acc, touched) =>
        {
            foreach (var u in data.UsersOf(i))
            {
                foreach (var j in data.ItemsOf(u))
                {
                    if (acc[j] == 0f)
                    {
                        touched.Add(j);
                    }
                    acc[j] += 1f;
                }
            }
            var ni = MathF.Pow(count[i], alpha);
            foreach (var j in touched)
            {
                acc[j] /= (ni * MathF.Pow(count[j], 1f - alpha)) + shrink;
            }
        });
        return new ItemKnnModel(sim, historyDecay);
    }
}

/// <summary>
/// RP3beta (Paudel et al. 2017; Dacrema et al. 2019): three-step random walk item → user → item with
/// transition probabilities raised to α, divided by the target's popularity^β to lift the long tail.
/// </summary>
internal sealed class Rp3BetaModel(SparseRows similarity, float historyDecay) : NeighbourhoodModel(similarity, historyDecay)
{
    public override string Name => "rp3beta";

    public override ReasonKind Reason => ReasonKind.BecauseYouBought;

    public static Rp3BetaModel Fit(TrainingData data, int topK = 100, float alpha = 1f, float beta = 0.5f, float historyDecay = 1f)
    {
        var n = data.ItemCount;
        var count = data.UserCount;
        var userWeight = new float[data.UserCountTotal];
        for (var u = 0; u < userWeight.Length; u++)
        {
            var d = data.ItemsOf(u).Length;
            userWeight[u] = d > 0 ? MathF.Pow(1f / d, alpha) : 0f;
        }
        var sim = SparseRows.BuildPruned(n, topK, (i, acc, touched) =>
        {
            foreach (var u in data.UsersOf(i))
            {
                var w = userWeight[u];
                foreach (var j in data.ItemsOf(u))
                {
                    if (acc[j] == 0f)
                    {
                        touched.Add(j);
                    }
                    acc[j] += w;
                }
            }
            var pi = MathF.Pow(1f / Math.Max(count[i], 1), alpha);
            foreach (var j in touched)
            {
                acc[j] *= pi / MathF.Pow(Math.Max(count[j], 1), beta);
            }
        });
        return new Rp3BetaModel(sim, historyDecay);
    }
}

/// <summary>
/// Sequence-aware item-to-item model: counts how often j is bought within <c>window</c> baskets after i
/// (weight decay^(gap-1)), plus a smaller backward term, normalised by |i|^α |j|^β. Scored from the user's
/// history with a steep recency decay, it is a "what comes next after your last purchases" signal.
/// </summary>
internal sealed class SequenceModel(SparseRows transitions, float historyDecay) : NeighbourhoodModel(transitions, historyDecay)
{
    public override string Name => "sequence";

    public override ReasonKind Reason => ReasonKind.BoughtAfter;

    public static SequenceModel Fit(TrainingData data, int window = 3, float gapDecay = 0.6f, float backward = 0.3f,
        float alpha = 0.5f, float beta = 0.5f, int topK = 100, float historyDecay = 0.5f)
    {
        var n = data.ItemCount;
        var count = data.EventCount;
        var sim = SparseRows.BuildPruned(n, topK, (i, acc, touched) =>
        {
            for (var o = data.OccurrencePtr[i]; o < data.OccurrencePtr[i + 1]; o++)
            {
                var h = data.Histories[data.OccurrenceUser[o]];
                var g = data.OccurrenceGroup[o];
                var w = 1f;
                for (var d = 1; d <= window; d++, w *= gapDecay)
                {
                    if (g + d < h.GroupCount)
                    {
                        foreach (var j in h.Group(g + d))
                        {
                            if (acc[j] == 0f)
                            {
                                touched.Add(j);
                            }
                            acc[j] += w;
                        }
                    }
                    if (backward > 0f && g - d >= 0)
                    {
                        foreach (var j in h.Group(g - d))
                        {
                            if (acc[j] == 0f)
                            {
                                touched.Add(j);
                            }
                            acc[j] += backward * w;
                        }
                    }
                }
            }
            var ni = MathF.Pow(Math.Max(count[i], 1), alpha);
            foreach (var j in touched)
            {
                acc[j] /= ni * MathF.Pow(Math.Max(count[j], 1), beta);
            }
        });
        return new SequenceModel(sim, historyDecay);
    }
}
