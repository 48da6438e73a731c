namespace Dots.Routing;

/// <summary>The verdict of <see cref="FeasibilityChecker"/> on a set of routes.</summary>
/// <param name="IsFeasible">True when no rule is broken.</param>
/// <param name="Violations">One readable line per broken rule.</param>
/// <param name="Distance">Total distance, unrounded.</param>
/// <param name="Vehicles">Number of non-empty routes.</param>
public sealed record FeasibilityReport(bool IsFeasible, IReadOnlyList<string> Violations, double Distance, int Vehicles);

/// <summary>
/// Checks routes against an instance by plain forward simulation, independently of the solver's
/// own bookkeeping: leave the depot at its ready time, wait for windows, start service no later than
/// the due time, return by the depot's due time; capacity, fleet size, and every customer exactly once.
/// Same conventions and tolerance (1e-6 on times) as <c>shared/tools/vrptw_check.py</c>.
/// </summary>
public static class FeasibilityChecker
{
    /// <summary>Tolerance on time comparisons, as in the reference checker.</summary>
    public const double TimeTolerance = 1e-6;

    /// <summary>Checks routes given as customer ids (the depot implicit; a leading or trailing 0 is ignored).</summary>
    public static FeasibilityReport Check(VrptwInstance instance, IEnumerable<IReadOnlyList<int>> routes, IReadOnlyCollection<int>? allowedMissing = null)
    {
        var violations = new List<string>();
        var indexOfId = new Dictionary<int, int>();
        for (int k = 0; k < instance.Customers.Count; k++) indexOfId[instance.Customers[k].Id] = k + 1;
        var seenIn = new Dictionary<int, int>();
        double total = 0;
        int vehicles = 0, routeNo = -1;
        var depot = instance.Depot;
        foreach (var raw in routes)
        {
            routeNo++;
            var route = raw.ToList();
            if (route.Count > 0 && route[0] == depot.Id) route.RemoveAt(0);
            if (route.Count > 0 && route[^1] == depot.Id) route.RemoveAt(route.Count - 1);
            if (route.Count == 0) continue;
            vehicles++;
            double time = depot.ReadyTime, load = 0, dist = 0, start = depot.ReadyTime;
            int prev = 0;
            foreach (var id in route)
            {
                if (!indexOfId.TryGetValue(id, out int node))
                {
                    violations.Add($"route {routeNo}: unknown customer id {id}");
                    continue;
                }
                if (!seenIn.TryAdd(id, routeNo)) violations.Add($"customer {id} visited more than once (routes {seenIn[id]} and {routeNo})");
                var c = instance.Node(node);
                dist += instance.Distance(prev, node);
                double arrival = time + instance.TravelTime(prev, node);
                double serviceStart = Math.Max(arrival, c.ReadyTime);
                if (serviceStart > c.DueTime + TimeTolerance)
                    violations.Add($"route {routeNo}: customer {id} service starts at {serviceStart:F6} > due date {c.DueTime}");
                time = serviceStart + c.ServiceTime;
                load += c.Demand;
                prev = node;
            }
            dist += instance.Distance(prev, 0);
            double back = time + instance.TravelTime(prev, 0);
            if (back > depot.DueTime + TimeTolerance) violations.Add($"route {routeNo}: returns to depot at {back:F6} > depot due date {depot.DueTime}");
            if (instance.MaxRouteDuration is { } maxDuration && back - start > maxDuration + TimeTolerance)
                violations.Add($"route {routeNo}: lasts {back - start:F6} > maximum {maxDuration}");
            if (load > instance.Capacity + 1e-9) violations.Add($"route {routeNo}: load {load} > capacity {instance.Capacity}");
            total += dist;
        }
        var missing = instance.Customers.Select(c => c.Id).Where(id => !seenIn.ContainsKey(id) && (allowedMissing == null || !allowedMissing.Contains(id))).ToList();
        if (missing.Count > 0) violations.Add($"{missing.Count} customer(s) not visited: {string.Join(' ', missing.Take(30))}{(missing.Count > 30 ? " ..." : "")}");
        if (vehicles > instance.VehicleCount) violations.Add($"{vehicles} routes used but the instance has only {instance.VehicleCount} vehicles");
        return new FeasibilityReport(violations.Count == 0, violations, total, vehicles);
    }
}
