using Dots.Routing.Search;

namespace Dots.Routing.Tests;

/// <summary>The local search on differing vehicles: every move's predicted change matches an independent simulation.</summary>
public sealed class FleetLocalSearchTests
{
    private static VrptwInstance Night()
    {
        var rng = new Random(17);
        var depot = new VrptwStop(0, 50, 50, 0, 0, 500, 0);
        var customers = Enumerable.Range(1, 45).Select(i =>
        {
            double ready = rng.Next(0, 300);
            return new VrptwStop(i, rng.Next(0, 101), rng.Next(0, 101), 0, ready, ready + rng.Next(30, 150), 3) { Loads = [rng.Next(1, 20), rng.Next(1, 8)] };
        }).ToList();
        customers[4] = customers[4] with { Vehicle = 2 };
        customers[9] = customers[9] with { Vehicle = 0 };
        customers[14] = customers[14] with { After = customers[15].Id };
        var places = new[] { new VrptwStop(900, 10, 90, 0, 0, 500, 0) };
        var vans = new[]
        {
            new Vehicle { Capacities = [120, 40], FixedCost = 30 },
            new Vehicle { Capacities = [80, 60], FixedCost = 10, StartNode = customers.Count + 1, ShiftStart = 50, ShiftEnd = 450 },
            new Vehicle { Capacities = [150, 30], Served = [customers[20].Id, customers[21].Id], AvailableAt = 120 },
            new Vehicle { Capacities = [100, 50], EndNode = customers.Count + 1, ShiftEnd = 480 },
            new Vehicle { Capacities = [60, 20], FixedCost = 5 },
        };
        return VrptwInstance.FromCoordinates("fleet", vans.Length, 0, depot, customers, vehicles: vans, places: places);
    }

    /// <summary>Penalised cost of all slots by forward simulation from the instance (not from ProblemData's segments).</summary>
    private static double Independent(VrptwInstance instance, ProblemData d, Penalties p, List<int[]> bySlot)
    {
        double total = 0;
        for (int r = 0; r < bySlot.Count; r++)
        {
            var v = instance.VehicleAt(d.VehicleIndex[r]);
            var nodes = v.Served.Select(instance.NodeOfId).Concat(bySlot[r].Select(c => d.InstanceNode[c])).ToList();
            double t = v.ShiftStart ?? instance.Depot.ReadyTime, warp = 0, dist = 0;
            var load = new double[2];
            int prev = v.StartNode;
            for (int k = 0; k < nodes.Count; k++)
            {
                var c = instance.Node(nodes[k]);
                dist += instance.Distance(prev, nodes[k]);
                t = Math.Max(t + instance.TravelTime(prev, nodes[k]), c.ReadyTime);
                if (t > c.DueTime) { warp += t - c.DueTime; t = c.DueTime; }
                t += c.ServiceTime;
                if (k == v.Served.Count - 1 && v.AvailableAt is { } at) t = Math.Max(t, at);
                load[0] += c.Load(0);
                load[1] += c.Load(1);
                prev = nodes[k];
            }
            dist += instance.Distance(prev, v.EndNode);
            t += instance.TravelTime(prev, v.EndNode);
            double end = v.ShiftEnd ?? instance.Depot.DueTime;
            if (t > end) warp += t - end;
            double excess = Math.Max(load[0] - v.Capacities![0], 0) + Math.Max(load[1] - v.Capacities[1], 0);
            total += dist + (nodes.Count > 0 ? v.FixedCost : 0) + p.Capacity * excess + p.TimeWarp * warp;
        }
        return total;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryAppliedMoveOnDifferingVans_ChangesThePenalisedCostByItsDeltaAndKeepsPinsAndPrecedences(int seed)
    {
        var instance = Night();
        var served = instance.Vehicles!.SelectMany(v => v.Served).ToHashSet();
        var keep = new[] { 0 }.Concat(Enumerable.Range(1, instance.Customers.Count).Where(n => !served.Contains(instance.Node(n).Id))).ToArray();
        var d = new ProblemData(instance, keep, 15);
        var rng = new Rng(seed);
        var ls = new LocalSearch(d, rng);
        var splitter = new Splitter(d);
        int moves = 0;
        foreach (var (pc, ptw) in new[] { (1.0, 1.0), (50.0, 0.3), (0.5, 20.0) })
        {
            var penalties = new Penalties(pc, ptw);
            var tour = Enumerable.Range(1, d.Customers).ToArray();
            rng.Shuffle(tour);
            // A short unchecked descent under other penalties gives a start that already satisfies pins and
            // precedences (loading repairs them); reloading it on the same slots reproduces that state exactly.
            ls.MoveApplied = null;
            var start = ls.Run(splitter.Split(tour, penalties), new Penalties(1, 1), SearchClock.Wall(), TimeSpan.Zero);
            var slots = ls.ExportedSlots;
            double current = Independent(instance, d, penalties, ls.CurrentRoutesBySlot());
            ls.MoveApplied = delta =>
            {
                double now = Independent(instance, d, penalties, ls.CurrentRoutesBySlot());
                Assert.Equal(current + delta, now, 6);
                Assert.True(now < current, "a move must improve");
                current = now;
                moves++;
            };
            ls.Run(start, penalties, SearchClock.Wall(), TimeSpan.FromMinutes(1), slots: slots);
            var bySlot = ls.CurrentRoutesBySlot();
            for (int r = 0; r < bySlot.Count; r++)
                foreach (int c in bySlot[r])
                {
                    Assert.True(d.Allowed(c, r), $"customer {c} is pinned elsewhere than slot {r}");
                    if (d.AfterNode[c] >= 0) Assert.True(Array.IndexOf(bySlot[r], d.AfterNode[c]) is >= 0 and var i && i < Array.IndexOf(bySlot[r], c));
                }
        }
        Assert.True(moves > 30, $"only {moves} moves were exercised");
    }
}
