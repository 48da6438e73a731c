using Dots.Recommend.Data;
using Dots.Recommend.Models;
using Dots.Recommend.Sparse;

namespace Dots.Recommend.Blending;

/// <summary>
/// Tunes blend weights on a validation split carved from the training data only: every user with at least two
/// baskets has the last basket held out, the models are refit on the rest, and coordinate ascent over a weight
/// grid maximises Recall@k + NDCG@k on the held-out baskets. The test data never enters this class.
/// </summary>
internal static class BlendTuner
{
    private static readonly float[] Grid = [0f, 0.02f, 0.05f, 0.1f, 0.2f, 0.35f, 0.5f, 0.75f, 1f, 1.5f, 2f, 3f, 5f, 8f, 12f, 20f, 30f, 50f];

    internal sealed record Result(float[] Weights, double Objective, int Users, IReadOnlyList<string> Log);

    /// <summary>Last basket of each user with ≥ 2 baskets becomes the target; the rest is the history.</summary>
    internal static (TrainingData Train, List<(int User, int[] Target)> Targets) Split(TrainingData full, bool keepSeen, int maxUsers)
    {
        var histories = new UserHistory[full.UserCount];
        var targets = new List<(int, int[])>();
        for (var u = 0; u < histories.Length; u++)
        {
            var h = full.Histories[u];
            if (h.GroupCount < 2)
            {
                histories[u] = h;
                continue;
            }
            var prefix = h.Prefix(h.GroupCount - 1);
            histories[u] = prefix;
            var target = h.Group(h.GroupCount - 1).ToArray();
            if (!keepSeen)
            {
                var seen = prefix.DistinctItems();
                target = [.. target.Where(i => !seen.Contains(i))];
            }
            if (target.Length > 0)
            {
                targets.Add((u, target));
            }
        }
        if (targets.Count > maxUsers)
        {
            // A deterministic, evenly spread sample keeps tuning time bounded on large data.
            var step = (double)targets.Count / maxUsers;
            targets = [.. Enumerable.Range(0, maxUsers).Select(k => targets[(int)(k * step)])];
        }
        return (full.WithHistories(histories), targets);
    }

    public static Result Tune(TrainingData valTrain, IReadOnlyList<(int User, int[] Target)> targets, IScoringModel[] models,
        bool keepSeen, int k, Action<string>? progress, int candidatesPerModel = 60)
    {
        var m = models.Length;
        var n = valTrain.ItemCount;
        var cases = new Case[targets.Count];
        Parallel.For(0, targets.Count, Dots.Recommend.Serving.TrainingScope.Options,
            () => new float[m][],
            (t, _, rows) =>
            {
                var (user, target) = targets[t];
                var h = valTrain.Histories[user];
                HashSet<int>? seen = keepSeen ? null : h.DistinctItems();
                var candidates = new HashSet<int>();
                for (var j = 0; j < m; j++)
                {
                    rows[j] ??= new float[n];
                    Array.Clear(rows[j]);
                    models[j].Score(h, rows[j]);
                    BlendedModel.Normalise(rows[j], seen);
                    foreach (var i in TopKHeap.Select(rows[j], candidatesPerModel, 0f))
                    {
                        candidates.Add(i);
                    }
                }
                // Popular items fill lists where the models are silent, as they do at serving time.
                for (int i = 0, added = 0; i < n && added < k; i++)
                {
                    if (seen is null || !seen.Contains(i))
                    {
                        candidates.Add(i);
                        added++;
                    }
                }
                var cand = candidates.ToArray();
                Array.Sort(cand);
                var scores = new float[m * cand.Length];
                for (var j = 0; j < m; j++)
                {
                    for (var c = 0; c < cand.Length; c++)
                    {
                        scores[(j * cand.Length) + c] = rows[j][cand[c]];
                    }
                }
                var targetSet = target.ToHashSet();
                cases[t] = new Case(cand, scores, [.. cand.Select(targetSet.Contains)], target.Length);
                return rows;
            },
            _ => { });

        var log = new List<string>();
        var weights = Enumerable.Repeat(1f, m).ToArray();
        // A model that scores nothing on any validation user (re-purchase when history is excluded) gets weight 0,
        // so the reported weights only name models that can matter.
        var silent = new bool[m];
        for (var j = 0; j < m; j++)
        {
            silent[j] = cases.All(c => c.Scores.AsSpan(j * c.Candidates.Length, c.Candidates.Length).IndexOfAnyExcept(0f) < 0);
            if (silent[j])
            {
                weights[j] = 0f;
            }
        }
        if (weights.All(w => w == 0f))
        {
            weights = Enumerable.Repeat(1f, m).ToArray();
        }
        var best = Objective(cases, weights, k);
        log.Add($"start {Describe(models, weights)} objective {best:F4}");
        for (var round = 0; round < 3; round++)
        {
            var improved = false;
            for (var j = 0; j < m; j++)
            {
                if (silent[j])
                {
                    continue;
                }
                foreach (var g in Grid)
                {
                    if (g == weights[j])
                    {
                        continue;
                    }
                    var trial = (float[])weights.Clone();
                    trial[j] = g;
                    if (trial.All(w => w == 0f))
                    {
                        continue;
                    }
                    var value = Objective(cases, trial, k);
                    if (value > best + 1e-6)
                    {
                        best = value;
                        weights = trial;
                        improved = true;
                    }
                }
            }
            var line = $"round {round + 1} {Describe(models, weights)} objective {best:F4}";
            log.Add(line);
            progress?.Invoke(line);
            if (!improved)
            {
                break;
            }
        }
        return new Result(weights, best, cases.Length, log);
    }

    private static string Describe(IScoringModel[] models, float[] w) =>
        string.Join(" ", models.Select((x, j) => $"{x.Name}={w[j]:0.###}"));

    private sealed record Case(int[] Candidates, float[] Scores, bool[] Relevant, int TargetCount);

    /// <summary>Mean Recall@k + NDCG@k over the validation users.</summary>
    private static double Objective(Case[] cases, float[] weights, int k)
    {
        double sum = 0;
        object gate = new();
        Parallel.For(0, cases.Length, Dots.Recommend.Serving.TrainingScope.Options,
            () => (Sum: 0.0, Heap: new TopKHeap(k), Blend: new float[64]),
            (t, _, local) =>
            {
                var c = cases[t];
                var len = c.Candidates.Length;
                if (local.Blend.Length < len)
                {
                    local.Blend = new float[len * 2];
                }
                var blend = local.Blend.AsSpan(0, len);
                blend.Clear();
                for (var j = 0; j < weights.Length; j++)
                {
                    var w = weights[j];
                    if (w == 0f)
                    {
                        continue;
                    }
                    var row = c.Scores.AsSpan(j * len, len);
                    for (var x = 0; x < len; x++)
                    {
                        blend[x] += w * row[x];
                    }
                }
                // Candidates are sorted by item index, so index order breaks ties towards popular items.
                local.Heap.Clear();
                for (var x = 0; x < len; x++)
                {
                    local.Heap.Offer(x, blend[x]);
                }
                var top = local.Heap.DrainDescending();
                double hits = 0, dcg = 0;
                for (var r = 0; r < top.Length; r++)
                {
                    if (c.Relevant[top[r]])
                    {
                        hits++;
                        dcg += 1.0 / Math.Log2(r + 2);
                    }
                }
                double idcg = 0;
                for (var r = 0; r < Math.Min(k, c.TargetCount); r++)
                {
                    idcg += 1.0 / Math.Log2(r + 2);
                }
                local.Sum += (hits / c.TargetCount) + (dcg / idcg);
                return local;
            },
            local => { lock (gate) { sum += local.Sum; } });
        return cases.Length == 0 ? 0 : sum / cases.Length;
    }
}
