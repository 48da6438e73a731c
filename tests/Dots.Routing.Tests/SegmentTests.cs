using Dots.Routing.Search;

namespace Dots.Routing.Tests;

public sealed class SegmentTests
{
    /// <summary>Forward simulation with time warp: leave at the depot's ready time, wait when early, warp back to the due time when late.</summary>
    private static (double Distance, double Load, double TimeWarp) Simulate(ProblemData d, IReadOnlyList<int> route)
    {
        double t = d.Ready[0], warp = 0, dist = 0, load = 0;
        int prev = 0;
        foreach (var c in route.Append(0))
        {
            dist += d.Dist[prev * d.N + c];
            t = Math.Max(t + d.Time[prev * d.N + c], d.Ready[c]);
            if (t > d.Due[c]) { warp += t - d.Due[c]; t = d.Due[c]; }
            t += d.Service[c];
            load += d.Demand[c];
            prev = c;
        }
        return (dist, load, warp);
    }

    [SharedDataTheory]
    [InlineData("R101")]
    [InlineData("RC201")]
    [InlineData("C105")]
    public void ConcatenatingRandomCutsOfRandomRoutes_EqualsFullRecomputation(string name)
    {
        var instance = SolomonFormat.Load(TestData.Instance(name));
        var d = new ProblemData(instance, Enumerable.Range(0, instance.NodeCount).ToArray(), 10);
        var rng = new Random(42);
        for (int trial = 0; trial < 2000; trial++)
        {
            int len = rng.Next(1, 25);
            var route = Enumerable.Range(1, d.Customers).OrderBy(_ => rng.Next()).Take(len).ToList();
            var expected = Simulate(d, route);

            // Left-to-right merge of single nodes, as the search's forward data.
            var forward = d.NodeSegment[0];
            foreach (var c in route) forward = Segment.Merge(d, forward, d.NodeSegment[c]);
            forward = Segment.Merge(d, forward, d.NodeSegment[0]);

            // Prefix ⊕ middle ⊕ suffix at random cut points, as a move evaluation sees it.
            var nodes = route.Prepend(0).Append(0).ToList();
            int a = rng.Next(1, nodes.Count), b = rng.Next(a, nodes.Count);
            var prefix = Build(d, nodes.Take(a));
            var middle = Build(d, nodes.Skip(a).Take(b - a));
            var suffix = Build(d, nodes.Skip(b));
            var cut = middle is { } m ? Segment.Merge(d, Segment.Merge(d, prefix!.Value, m), suffix!.Value) : Segment.Merge(d, prefix!.Value, suffix!.Value);

            foreach (var s in new[] { forward, cut })
            {
                Assert.Equal(expected.Distance, s.Distance, 6);
                Assert.Equal(expected.Load, s.Load, 9);
                Assert.Equal(expected.TimeWarp, s.TimeWarp, 6);
            }
            var report = FeasibilityChecker.Check(instance, [route], instance.Customers.Select(c => c.Id).ToArray());
            Assert.Equal(report.IsFeasible, cut.TimeWarp <= 1e-9 && cut.Load <= d.Capacity);
        }
    }

    /// <summary>Builds a segment right-to-left (as backward data), so both association orders are exercised.</summary>
    private static Segment? Build(ProblemData d, IEnumerable<int> nodes)
    {
        Segment? s = null;
        foreach (var c in nodes.Reverse()) s = s is { } t ? Segment.Merge(d, d.NodeSegment[c], t) : d.NodeSegment[c];
        return s;
    }
}
