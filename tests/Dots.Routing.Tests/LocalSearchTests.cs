using Dots.Routing.Search;

namespace Dots.Routing.Tests;

public sealed class LocalSearchTests
{
    private static double IndependentPenalisedCost(ProblemData d, Penalties p, List<int[]> routes)
    {
        double total = 0;
        foreach (var route in routes)
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
            total += dist + p.Capacity * Math.Max(load - d.Capacity, 0) + p.TimeWarp * warp;
        }
        return total;
    }

    [SharedDataTheory]
    [InlineData("R101", 1)]
    [InlineData("RC105", 2)]
    [InlineData("C201", 3)]
    [InlineData("R211", 4)]
    public void EveryAppliedMove_ChangesThePenalisedCostByExactlyItsEvaluatedDelta(string name, int seed)
    {
        var instance = SolomonFormat.Load(TestData.Instance(name));
        var d = new ProblemData(instance, Enumerable.Range(0, instance.NodeCount).ToArray(), 20);
        var rng = new Rng(seed);
        var ls = new LocalSearch(d, rng);
        var splitter = new Splitter(d);
        int moves = 0;
        foreach (var (pc, ptw) in new[] { (1.0, 1.0), (100.0, 0.2), (0.5, 50.0) })
        {
            var penalties = new Penalties(pc, ptw);
            var tour = Enumerable.Range(1, d.Customers).ToArray();
            rng.Shuffle(tour);
            var start = splitter.Split(tour, penalties);
            double current = IndependentPenalisedCost(d, penalties, start);
            ls.MoveApplied = delta =>
            {
                double now = IndependentPenalisedCost(d, penalties, ls.CurrentRoutes());
                Assert.Equal(current + delta, now, 6);
                Assert.True(now < current, "a move must improve");
                current = now;
                moves++;
            };
            var result = ls.Run(start, penalties, SearchClock.Wall(), TimeSpan.FromMinutes(1));
            Assert.Equal(current, IndependentPenalisedCost(d, penalties, result), 6);
            Assert.Equal(Enumerable.Range(1, d.Customers), result.SelectMany(r => r).Order());
        }
        Assert.True(moves > 50, $"only {moves} moves were exercised");
    }
}
