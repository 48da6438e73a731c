namespace Dots.Routing.Search;

/// <summary>A member of the population: its routes, its giant tour, and its measures.</summary>
internal sealed class Individual
{
    /// <param name="data">The problem.</param>
    /// <param name="routes">Routes of customers.</param>
    /// <param name="slots">Vehicle slot of each route; null: route k on slot k.</param>
    public Individual(ProblemData data, List<int[]> routes, int[]? slots = null)
    {
        Routes = routes;
        Slots = slots ?? Enumerable.Range(0, routes.Count).ToArray();
        Tour = new int[data.Customers];
        Successor = new int[data.N];
        Predecessor = new int[data.N];
        int t = 0;
        for (int rk = 0; rk < routes.Count; rk++)
        {
            var route = routes[rk];
            int slot = Slots[rk];
            var seg = data.StartSegment[slot];
            for (int k = 0; k < route.Length; k++)
            {
                int c = route[k];
                Tour[t++] = c;
                Predecessor[c] = k == 0 ? 0 : route[k - 1];
                Successor[c] = k == route.Length - 1 ? 0 : route[k + 1];
                seg = Segment.Merge(data, seg, data.NodeSegment[c]);
            }
            seg = Segment.Merge(data, seg, data.EndSegment[slot]);
            Distance += seg.Distance;
            if (route.Length > 0) FixedCost += data.FixedCost[slot];
            CapacityExcess += data.Excess(seg, slot);
            TimeWarp += seg.RouteTimeWarp(data, slot);
        }
        // Slots without new stops still drive their served prefix home: count them, or the search would
        // see emptying a van that already drove as a saving.
        if (!data.Uniform || data.HasServed)
        {
            var used = new bool[data.Fleet];
            foreach (int slot in Slots) used[slot] = true;
            for (int r = 0; r < data.Fleet; r++)
            {
                if (used[r]) continue;
                var seg = Segment.Merge(data, data.StartSegment[r], data.EndSegment[r]);
                Distance += seg.Distance;
                if (seg.Stops > 0) FixedCost += data.FixedCost[r];
                CapacityExcess += data.Excess(seg, r);
                TimeWarp += seg.RouteTimeWarp(data, r);
            }
        }
        IsFeasible = CapacityExcess <= 1e-9 && TimeWarp <= 1e-9 && routes.Count <= data.Fleet;
    }

    public List<int[]> Routes { get; }
    /// <summary>Vehicle slot of each route.</summary>
    public int[] Slots { get; }
    /// <summary>Fixed costs of the vehicles used.</summary>
    public double FixedCost { get; }
    /// <summary>What the search minimises among feasible solutions: distance plus fixed costs.</summary>
    public double Objective => Distance + FixedCost;
    public int[] Tour { get; }
    public int[] Successor { get; }
    public int[] Predecessor { get; }
    public double Distance { get; }
    public double CapacityExcess { get; }
    public double TimeWarp { get; }
    public bool IsFeasible { get; }

    /// <summary>Other members of the same sub-population sorted by broken-pairs distance.</summary>
    public List<(double Distance, Individual Other)> Proximity { get; } = [];

    public double BiasedFitness { get; set; }

    public double Cost(Penalties p) => Distance + FixedCost + p.Capacity * CapacityExcess + p.TimeWarp * TimeWarp;

    /// <summary>Broken-pairs distance of HGS-CVRP: the share of customers whose neighbours differ.</summary>
    public double BrokenPairs(Individual other)
    {
        int differences = 0;
        for (int i = 0; i < Tour.Length; i++)
        {
            int c = Tour[i];
            if (Successor[c] != other.Successor[c] && Successor[c] != other.Predecessor[c]) differences++;
            if (Predecessor[c] == 0 && other.Predecessor[c] != 0 && other.Predecessor[c] != other.Successor[c]) differences++;
        }
        return Tour.Length == 0 ? 0 : (double)differences / Tour.Length;
    }

    public double AverageDistanceToClosest(int count)
    {
        int m = Math.Min(count, Proximity.Count);
        if (m == 0) return 0;
        double sum = 0;
        for (int i = 0; i < m; i++) sum += Proximity[i].Distance;
        return sum / m;
    }
}

/// <summary>
/// Splits a giant tour into routes by a shortest path over the tour (Prins 2004), with the current
/// penalties on overload and time warp, so that infeasible offspring stay comparable.
/// </summary>
internal sealed class Splitter(ProblemData data)
{
    private readonly double[] _potential = new double[data.Customers + 1];
    private readonly int[] _predecessor = new int[data.Customers + 1];

    public List<int[]> Split(ReadOnlySpan<int> tour, Penalties penalties)
    {
        int n = tour.Length;
        Array.Fill(_potential, double.PositiveInfinity);
        _potential[0] = 0;
        // Split routes for the first vehicle; differing vehicles are assigned afterwards by the local search.
        var depot = data.StartSegment[0];
        var endSegment = data.EndSegment[0];
        double capacity = data.Cap[0];
        for (int i = 0; i < n; i++)
        {
            if (double.IsPositiveInfinity(_potential[i])) continue;
            var seg = depot;
            for (int j = i + 1; j <= n; j++)
            {
                seg = Segment.Merge(data, seg, data.NodeSegment[tour[j - 1]]);
                // Routes far over capacity are never worth it; cutting them keeps the split near-linear.
                if (j > i + 1 && seg.Load > 1.5 * capacity + 1e-9) break;
                var closed = Segment.Merge(data, seg, endSegment);
                double cost = _potential[i] + penalties.RouteCost(data, closed, 0);
                if (cost < _potential[j])
                {
                    _potential[j] = cost;
                    _predecessor[j] = i;
                }
            }
        }
        var routes = new List<int[]>();
        for (int end = n; end > 0;)
        {
            int start = _predecessor[end];
            routes.Add(tour[start..end].ToArray());
            end = start;
        }
        routes.Reverse();
        // The split ignores the fleet size; surplus routes are appended to the last allowed one and
        // the local search, which only has the fleet's route slots, repairs the penalised overload.
        while (routes.Count > data.Fleet)
        {
            var last = routes[^1];
            routes.RemoveAt(routes.Count - 1);
            routes[^1] = [.. routes[^1], .. last];
        }
        return routes;
    }
}
