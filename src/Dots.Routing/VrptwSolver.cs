using System.Globalization;
using Dots.Routing.Search;

namespace Dots.Routing;

/// <summary>Solves VRPTW instances with a hybrid genetic search (see docs/decisions/0005-route-solver.md).</summary>
public static class VrptwSolver
{
    /// <summary>
    /// Searches until <see cref="SolverOptions.TimeLimit"/>, <see cref="SolverOptions.MaxIterations"/> or cancellation,
    /// and returns the best feasible solution found (anytime). Cancellation is not an error: it ends the search early.
    /// </summary>
    /// <exception cref="UnservableCustomerException">A customer cannot be served by any vehicle and dropping is not allowed.</exception>
    public static VrptwSolution Solve(VrptwInstance instance, SolverOptions? options = null, CancellationToken cancellationToken = default,
        IProgress<SolverProgress>? progress = null)
    {
        options ??= new SolverOptions();
        var clock = options.CpuTime ? SearchClock.Cpu() : SearchClock.Wall();
        var served = new HashSet<int>();
        for (int v = 0; v < instance.VehicleCount; v++) served.UnionWith(instance.VehicleAt(v).Served);
        var keep = new List<int> { 0 };
        var dropped = new List<int>();
        var reasons = new Dictionary<int, string>();
        for (int node = 1; node < instance.NodeCount; node++)
        {
            int id = instance.Node(node).Id;
            if (served.Contains(id)) continue;
            var why = WhyUnservable(instance, node);
            if (why == null) keep.Add(node);
            else if (options.AllowDropping) { dropped.Add(id); reasons[id] = why; }
            else throw new UnservableCustomerException(id, $"Customer {id} cannot be served: {why}.");
        }
        // A customer that must follow one that cannot be served cannot be served either (chains included).
        for (bool more = dropped.Count > 0; more;)
        {
            more = false;
            for (int k = keep.Count - 1; k >= 1; k--)
            {
                var c = instance.Node(keep[k]);
                if (c.After is not { } a || !reasons.ContainsKey(a)) continue;
                keep.RemoveAt(k);
                dropped.Add(c.Id);
                reasons[c.Id] = $"it must follow customer {a}, which cannot be served";
                more = true;
            }
        }

        // Granular neighbourhood: 40 only for small instances with a budget of seconds; at one second, and
        // from 200 customers on, 20 neighbours buy more offspring than the extra moves are worth (docs/bench/routing.md).
        int neighbours = options.Neighbours ?? (keep.Count - 1 <= 150 && options.TimeLimit >= TimeSpan.FromSeconds(5) ? 40 : 20);
        var data = new ProblemData(instance, keep, neighbours);
        List<int[]> bestRoutes = [];
        int[] bestSlots = [];
        long iterations = 0;
        bool found = true;
        if (keep.Count > 1)
        {
            var search = new HybridGeneticSearch(data, options);
            if (options.InitialRoutes is { } initial) search.WarmStart = WarmStart(instance, data, initial);
            search.Run(clock, cancellationToken, progress);
            iterations = search.Iterations;
            var best = search.Best ?? search.BestInfeasible;
            found = best != null;
            if (best != null) { bestRoutes = best.Routes; bestSlots = best.Slots; }
        }
        if (!found) return new VrptwSolution([], 0, false, dropped, iterations, clock.WallElapsed) { UnassignedReasons = reasons };

        // Every vehicle's served prefix stays first in its route; closed vans keep only that prefix.
        var routeOfVehicle = new Dictionary<int, List<int>>();
        for (int k = 0; k < bestRoutes.Count; k++)
            routeOfVehicle[data.VehicleIndex[bestSlots[k]]] = bestRoutes[k].Select(c => instance.Node(data.InstanceNode[c]).Id).ToList();
        var routes = new List<IReadOnlyList<int>>();
        var vehicles = new List<int>();
        for (int v = 0; v < instance.VehicleCount; v++)
        {
            var route = instance.VehicleAt(v).Served.ToList();
            if (routeOfVehicle.TryGetValue(v, out var planned)) route.AddRange(planned);
            if (route.Count == 0) continue;
            routes.Add(route);
            vehicles.Add(v);
        }
        // The independent checker, not the search's bookkeeping, decides what is reported as feasible.
        var report = FeasibilityChecker.Check(instance, routes, dropped, vehicles);
        return new VrptwSolution(routes, report.Distance, report.IsFeasible, dropped, iterations, clock.WallElapsed)
        {
            RouteVehicles = vehicles,
            Cost = report.Cost,
            UnassignedReasons = reasons,
        };
    }

    private static (List<int[]>, int[], List<int>) WarmStart(VrptwInstance instance, ProblemData data, IReadOnlyList<IReadOnlyList<int>> initial)
    {
        var localOf = new Dictionary<int, int>();
        for (int c = 1; c <= data.Customers; c++) localOf[instance.Node(data.InstanceNode[c]).Id] = c;
        var slotOf = new Dictionary<int, int>();
        for (int r = 0; r < data.Fleet; r++) slotOf[data.VehicleIndex[r]] = r;
        var placed = new HashSet<int>();
        var routes = new List<int[]>();
        var slots = new List<int>();
        int nextFree = 0;
        for (int k = 0; k < initial.Count; k++)
        {
            var route = initial[k].Where(id => localOf.ContainsKey(id) && placed.Add(id)).Select(id => localOf[id]).ToArray();
            int slot;
            if (instance.Vehicles == null)
            {
                if (route.Length == 0 || nextFree >= data.Fleet) { foreach (var c in route) placed.Remove(instance.Node(data.InstanceNode[c]).Id); continue; }
                slot = nextFree++;
            }
            else if (!slotOf.TryGetValue(k, out slot))
            {
                // A closed van: its stops go back to the pool and are inserted elsewhere.
                foreach (var c in route) placed.Remove(instance.Node(data.InstanceNode[c]).Id);
                continue;
            }
            routes.Add(route);
            slots.Add(slot);
        }
        var missing = Enumerable.Range(1, data.Customers).Where(c => !placed.Contains(instance.Node(data.InstanceNode[c]).Id))
            .OrderBy(c => Depth(data, c)).ToList();
        return (routes, slots.ToArray(), missing);

        static int Depth(ProblemData d, int c)
        {
            int depth = 0;
            for (int a = d.AfterNode[c]; a >= 0; a = d.AfterNode[a]) depth++;
            return depth;
        }
    }

    /// <summary>Why a customer cannot be served even by a vehicle that visits it alone, or null if it can.</summary>
    public static string? WhyUnservable(VrptwInstance instance, int node)
    {
        var c = instance.Node(node);
        if (instance.Vehicles == null) return WhyUnservableBy(instance, node, -1);
        var candidates = c.Vehicle is { } pinned ? [pinned] : Enumerable.Range(0, instance.VehicleCount).ToArray();
        string? first = null;
        var byCapacity = 0;
        foreach (int v in candidates)
        {
            var why = WhyUnservableBy(instance, node, v);
            if (why == null) return null;
            first ??= why;
            if (why.StartsWith("its load", StringComparison.Ordinal)) byCapacity++;
        }
        if (c.Vehicle is { } p) return $"it is pinned to vehicle {p}, and {first}";
        if (byCapacity == candidates.Length) return $"its load exceeds every vehicle's capacity ({first})";
        return $"no vehicle can serve it (vehicle 0: {first})";
    }

    /// <summary>Why vehicle <paramref name="v"/> (-1: the instance's identical vehicles) cannot serve the customer alone, or null.</summary>
    private static string? WhyUnservableBy(VrptwInstance instance, int node, int v)
    {
        var c = instance.Node(node);
        var depot = instance.Depot;
        string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
        if (v < 0)
        {
            if (c.Demand > instance.Capacity) return $"its demand {F(c.Demand)} exceeds the vehicle capacity {F(instance.Capacity)}";
        }
        else
        {
            var vehicle = instance.VehicleAt(v);
            if (vehicle.Closed) return $"vehicle {v} takes no more stops";
            for (int dim = 0; dim < VrptwInstance.MaxLoadDimensions; dim++)
            {
                double served = vehicle.Served.Sum(id => instance.Node(instance.NodeOfId(id)).Load(dim));
                if (c.Load(dim) + served > instance.CapacityOf(v, dim) + 1e-9)
                    return $"its load {F(c.Load(dim))} in dimension {dim} exceeds the capacity {F(instance.CapacityOf(v, dim))} of vehicle {v}"
                        + (served > 0 ? $" (after {F(served)} already on board)" : "");
            }
        }
        // Time: from the vehicle's start (after its served stops) to the customer and on to its end.
        var vv = v < 0 ? null : instance.VehicleAt(v);
        double time = vv?.ShiftStart ?? depot.ReadyTime;
        int at = vv?.StartNode ?? 0;
        double departure = time;
        if (vv != null)
        {
            foreach (var id in vv.Served)
            {
                int n = instance.NodeOfId(id);
                var s = instance.Node(n);
                time = Math.Max(time + instance.TravelTime(at, n), s.ReadyTime) + s.ServiceTime;
                at = n;
            }
            if (vv.AvailableAt is { } avail) time = Math.Max(time, avail);
        }
        double arrival = time + instance.TravelTime(at, node);
        string from = vv == null ? "the depot" : vv.Served.Count > 0 ? $"vehicle {v}'s last served stop" : $"vehicle {v}'s start";
        if (arrival > c.DueTime + FeasibilityChecker.TimeTolerance)
            return $"the earliest arrival from {from} is {F(arrival)}, after its due time {F(c.DueTime)}";
        double start = Math.Max(arrival, c.ReadyTime);
        int end = vv?.EndNode ?? 0;
        double closes = vv?.ShiftEnd ?? depot.DueTime;
        double back = start + c.ServiceTime + instance.TravelTime(node, end);
        if (back > closes + FeasibilityChecker.TimeTolerance)
            return vv == null
                ? $"a vehicle serving it cannot be back at the depot before it closes at {F(depot.DueTime)} (earliest return {F(back)})"
                : $"vehicle {v} serving it cannot reach its end before its shift ends at {F(closes)} (earliest {F(back)})";
        if ((vv?.MaxDuration ?? instance.MaxRouteDuration) is { } max && (vv == null || vv.Served.Count == 0))
        {
            double leave = Math.Max(departure, c.ReadyTime - instance.TravelTime(at, node));
            if (back - leave > max + FeasibilityChecker.TimeTolerance)
                return $"a route to it lasts at least {F(back - leave)}, above the maximum route duration {F(max)}";
        }
        return null;
    }
}
