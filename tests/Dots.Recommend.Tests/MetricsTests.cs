using System.Diagnostics;
using System.Globalization;
using Dots.Recommend.Data;
using Dots.Recommend.Evaluation;

namespace Dots.Recommend.Tests;

public sealed class MetricsTests : IDisposable
{
    private const string Train = "user,item,basket\nu1,a,1\nu1,b,1\nu1,c,2\nu2,a,1\nu2,d,2\nu3,e,1\nu3,a,2\nu4,b,1\n";
    private const string Test = "user,item,basket\nu1,a,3\nu1,d,3\nu2,b,3\nu2,c,3\nu2,e,3\nu3,f,3\nu5,a,1\n";
    private const string Recs = "user,item,rank\nu1,d,1\nu1,x,2\nu1,a,3\nu1,b,4\nu2,a,1\nu2,b,2\nu2,e,3\nu2,c,4\nu3,a,1\nu3,e,2\nu3,b,3\nu3,c,4\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("recs-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private MetricsReport Evaluate(bool excludeTrain)
    {
        var train = Write("train.csv", Train);
        var test = Write("test.csv", Test);
        var recs = Write("recs.csv", Recs);
        return RankingMetrics.Evaluate(
            RankingMetrics.ToSets(InteractionCsv.Read(train)),
            RankingMetrics.ToSets(InteractionCsv.Read(test)),
            InteractionCsv.ReadRecommendations(recs),
            [1, 2, 3],
            excludeTrain);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Metrics_AtTwo_MatchValuesComputedByHand()
    {
        var m = Evaluate(excludeTrain: false).At(2);

        // u1 {a,d} gets [d,x]: 1 hit at rank 1 → recall 1/2, NDCG 1 / (1 + 1/log2 3).
        // u2 {b,c,e} gets [a,b]: 1 hit at rank 2 → recall 1/3, NDCG (1/log2 3) / (1 + 1/log2 3).
        // u3 {f} gets [a,e]: nothing. u5 has no list and still counts, as zero.
        var idcg2 = 1 + (1 / Math.Log2(3));
        Assert.Equal(((1.0 / 2) + (1.0 / 3)) / 4, m.Recall, 12);
        Assert.Equal(((1 / idcg2) + (1 / Math.Log2(3) / idcg2)) / 4, m.Ndcg, 12);
        Assert.Equal(2.0 / 4, m.HitRate, 12);
        Assert.Equal(2.0 / 2 / 4, m.Precision, 12);
        // Top-2 items over all lists {d,x,a,b,e} minus x (not in train ∪ test), over 6 catalog items.
        Assert.Equal(5.0 / 6, m.Coverage, 12);
    }

    // Expected values produced once by `python3 shared/tools/recsys_eval.py train.csv test.csv recs.csv --k 1,2,3 --json`
    // (and again with --exclude-train) on exactly the files above.
    [Theory]
    [InlineData(false, 1, 0.125, 0.25, 0.25, 0.3333333333333333)]
    [InlineData(false, 2, 0.20833333333333331, 0.25, 0.5, 0.8333333333333334)]
    [InlineData(false, 3, 0.41666666666666663, 0.3626105157813577, 0.5, 0.8333333333333334)]
    [InlineData(true, 1, 0.20833333333333331, 0.5, 0.5, 0.3333333333333333)]
    [InlineData(true, 2, 0.29166666666666663, 0.4032867981913646, 0.5, 0.8333333333333334)]
    [InlineData(true, 3, 0.375, 0.4032867981913646, 0.5, 0.8333333333333334)]
    public void Metrics_MatchStoredOutputOfTheReferenceScorer(bool excludeTrain, int k, double recall, double ndcg, double hr, double coverage)
    {
        var report = Evaluate(excludeTrain);
        var m = report.At(k);
        Assert.Equal(recall, m.Recall, 12);
        Assert.Equal(ndcg, m.Ndcg, 12);
        Assert.Equal(hr, m.HitRate, 12);
        Assert.Equal(coverage, m.Coverage, 12);
        Assert.Equal(4, report.UsersEvaluated);
        Assert.Equal(1, report.UsersWithoutRecommendations);
        Assert.Equal(6, report.CatalogItems);
    }

    [SharedDataFact("tools/recsys_eval.py")]
    public void Metrics_AgreeWithTheReferenceScorerRunLive_WhenPythonIsAvailable()
    {
        var script = SharedDir.Find() is { } shared ? Path.Combine(shared, "tools", "recsys_eval.py") : null;
        if (script is null || !File.Exists(script))
        {
            return; // The stored values above still pin the behaviour.
        }
        foreach (var exclude in new[] { false, true })
        {
            var ours = Evaluate(exclude);
            var reference = RunReference(script, exclude);
            if (reference is null)
            {
                return; // no python3 on this machine
            }
            foreach (var m in ours.ByK)
            {
                Assert.Equal(reference[$"Recall@{m.K}"], m.Recall, 4);
                Assert.Equal(reference[$"NDCG@{m.K}"], m.Ndcg, 4);
                Assert.Equal(reference[$"HR@{m.K}"], m.HitRate, 4);
                Assert.Equal(reference[$"Precision@{m.K}"], m.Precision, 4);
                Assert.Equal(reference[$"MRR@{m.K}"], m.Mrr, 4);
                Assert.Equal(reference[$"Coverage@{m.K}"], m.Coverage, 4);
            }
        }
    }

    private Dictionary<string, double>? RunReference(string script, bool exclude)
    {
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { script, Path.Combine(_dir, "train.csv"), Path.Combine(_dir, "test.csv"), Path.Combine(_dir, "recs.csv"), "--k", "1,2,3" })
        {
            psi.ArgumentList.Add(a);
        }
        if (exclude)
        {
            psi.ArgumentList.Add("--exclude-train");
        }
        Process? p;
        try
        {
            p = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        if (p is null)
        {
            return null;
        }
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(c => c.Length == 2 && c[0].Contains('@'))
            .ToDictionary(c => c[0], c => double.Parse(c[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Recall_IsNotCappedByK_WhenTheTestBasketIsLargerThanK()
    {
        var test = new Dictionary<string, HashSet<string>> { ["u"] = ["a", "b", "c", "d"] };
        var recs = new Dictionary<string, List<string>> { ["u"] = ["a", "b"] };

        var m = RankingMetrics.Evaluate(new Dictionary<string, HashSet<string>>(), test, recs, [2], false).At(2);

        Assert.Equal(0.5, m.Recall, 12);
        Assert.Equal(1.0, m.Ndcg, 12);
    }
}
