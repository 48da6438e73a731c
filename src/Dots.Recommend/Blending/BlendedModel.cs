using Dots.Recommend.Data;
using Dots.Recommend.Models;
using Dots.Recommend.Sparse;

namespace Dots.Recommend.Blending;

/// <summary>
/// A weighted sum of models whose per-user scores are first divided by their maximum over the eligible items,
/// so a weight means the same thing for a heavy buyer and a one-purchase user. Items that score zero everywhere
/// keep their popularity order because item indices are popularity ranks and ties go to the lower index.
/// </summary>
internal sealed class BlendedModel(IScoringModel[] models, float[] weights)
{
    public IScoringModel[] Models { get; } = models;

    public float[] Weights { get; } = weights;

    /// <summary>
    /// Fills <paramref name="total"/> with blended scores; excluded items get -∞.
    /// <paramref name="contributions"/>, when given, receives each model's weighted normalised score rows.
    /// </summary>
    public void Score(UserHistory history, bool excludeSeen, Span<float> total, float[][]? contributions = null)
    {
        total.Clear();
        var tmp = new float[total.Length];
        HashSet<int>? seen = excludeSeen ? history.DistinctItems() : null;
        for (var m = 0; m < Models.Length; m++)
        {
            if (Weights[m] <= 0f && contributions is null)
            {
                continue;
            }
            Array.Clear(tmp);
            Models[m].Score(history, tmp);
            Normalise(tmp, seen);
            var w = Weights[m];
            for (var i = 0; i < tmp.Length; i++)
            {
                total[i] += w * tmp[i];
            }
            if (contributions is not null)
            {
                var row = contributions[m];
                for (var i = 0; i < tmp.Length; i++)
                {
                    row[i] = w * tmp[i];
                }
            }
        }
        if (seen is not null)
        {
            foreach (var i in seen)
            {
                if (i < total.Length)
                {
                    total[i] = float.NegativeInfinity;
                }
            }
        }
    }

    /// <summary>Scales to [0, 1] by the maximum over eligible items; excluded items become 0.</summary>
    internal static void Normalise(Span<float> scores, HashSet<int>? excluded)
    {
        if (excluded is not null)
        {
            foreach (var i in excluded)
            {
                if (i < scores.Length)
                {
                    scores[i] = 0f;
                }
            }
        }
        var max = 0f;
        foreach (var v in scores)
        {
            max = MathF.Max(max, v);
        }
        if (max > 0f)
        {
            var inv = 1f / max;
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] *= inv;
            }
        }
    }

    public int[] Top(UserHistory history, bool excludeSeen, int k)
    {
        var total = new float[Models.Length == 0 ? 0 : CatalogSize];
        Score(history, excludeSeen, total);
        return TopKHeap.Select(total, k);
    }

    public int CatalogSize { get; init; }
}
