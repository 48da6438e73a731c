namespace Dots.Recommend.Evaluation;

/// <summary>Offline top-N metrics for one cut-off, averaged over evaluated users.</summary>
public sealed record MetricsAtK(int K, double Recall, double Ndcg, double HitRate, double Precision, double Mrr, double Coverage);

public sealed record MetricsReport(int UsersEvaluated, int UsersWithoutRecommendations, int CatalogItems, IReadOnlyList<MetricsAtK> ByK)
{
    public MetricsAtK At(int k) => ByK.First(m => m.K == k);
}

/// <summary>
/// The definitions of <c>shared/data/recsys/baselines.md</c>, computed exactly as <c>shared/tools/recsys_eval.py</c>:
/// users with at least one test item are evaluated (missing lists score 0), Recall = hits / |test| (not capped by k),
/// NDCG with binary gains and IDCG over min(k, |test|), coverage = distinct top-k items / items in train ∪ test.
/// </summary>
public static class RankingMetrics
{
    public static MetricsReport Evaluate(
        IReadOnlyDictionary<string, HashSet<string>> train,
        IReadOnlyDictionary<string, HashSet<string>> test,
        IReadOnlyDictionary<string, List<string>> recommendations,
        IReadOnlyList<int> ks,
        bool excludeTrain)
    {
        var sortedKs = ks.Distinct().Order().ToArray();
        var maxK = sortedKs.Length == 0 ? 0 : sortedKs[^1];
        var catalog = new HashSet<string>(StringComparer.Ordinal);
        foreach (var items in train.Values.Concat(test.Values))
        {
            catalog.UnionWith(items);
        }
        var users = test.Where(p => p.Value.Count > 0).Select(p => p.Key).ToList();
        var sums = new double[sortedKs.Length, 5];
        var covered = sortedKs.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var missing = 0;
        foreach (var user in users)
        {
            var relevant = test[user];
            if (!recommendations.TryGetValue(user, out var list))
            {
                missing++;
                list = [];
            }
            IEnumerable<string> ranked = list;
            if (excludeTrain && train.TryGetValue(user, out var seen))
            {
                ranked = ranked.Where(i => !seen.Contains(i));
            }
            var top = ranked.Take(maxK).ToList();
            for (var x = 0; x < sortedKs.Length; x++)
            {
                var k = sortedKs[x];
                double hits = 0, dcg = 0, idcg = 0;
                var first = -1;
                for (var r = 0; r < Math.Min(k, top.Count); r++)
                {
                    covered[x].Add(top[r]);
                    if (relevant.Contains(top[r]))
                    {
                        hits++;
                        dcg += 1.0 / Math.Log2(r + 2);
                        if (first < 0)
                        {
                            first = r;
                        }
                    }
                }
                for (var r = 0; r < Math.Min(k, relevant.Count); r++)
                {
                    idcg += 1.0 / Math.Log2(r + 2);
                }
                sums[x, 0] += hits / relevant.Count;
                sums[x, 1] += idcg > 0 ? dcg / idcg : 0;
                sums[x, 2] += hits > 0 ? 1 : 0;
                sums[x, 3] += hits / k;
                sums[x, 4] += first >= 0 ? 1.0 / (first + 1) : 0;
            }
        }
        var n = users.Count;
        var byK = sortedKs.Select((k, x) => new MetricsAtK(
            k,
            n > 0 ? sums[x, 0] / n : 0,
            n > 0 ? sums[x, 1] / n : 0,
            n > 0 ? sums[x, 2] / n : 0,
            n > 0 ? sums[x, 3] / n : 0,
            n > 0 ? sums[x, 4] / n : 0,
            catalog.Count > 0 ? (double)covered[x].Count / catalog.Count : 0)).ToList();
        return new MetricsReport(n, missing, catalog.Count, byK);
    }

    /// <summary>user → set of items, the shape the metrics take.</summary>
    public static Dictionary<string, HashSet<string>> ToSets(IEnumerable<Data.Interaction> rows)
    {
        var sets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (!sets.TryGetValue(r.User, out var s))
            {
                sets[r.User] = s = new HashSet<string>(StringComparer.Ordinal);
            }
            s.Add(r.Item);
        }
        return sets;
    }
}
