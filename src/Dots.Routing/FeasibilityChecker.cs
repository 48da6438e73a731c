using System.Globalization;

namespace Dots.Routing;

/// <summary>The verdict of <see cref="FeasibilityChecker"/> on a set of routes.</summary>
/// <param name="IsFeasible">True when no rule is broken.</param>
/// <param name="Violations">One readable line per broken rule.</param>
/// <param name="Distance">Total distance, unrounded.</param>
/// <param name="Vehicles">Number of non-empty routes.</param>
public sealed record FeasibilityReport(bool IsFeasible, IReadOnlyList<string> Violations, double Distance, int Vehicles)
{
    /// <summary>Distance plus the fixed costs of the vehicles used.</summary>
    public double Cost { get; init; }
}

/// <summary>
/// Checks routes against an instance by plain forward simulation, independently of the solver's
/// own bookkeeping: leave the start at the shift start (the depot's ready time), wait for windows,
/// start service no later than the due time, reach the end by the shift end (the depot's due time);
/// capacity in every dimension, fleet size, every customer exactly once, served prefixes, pinned
/// vehicles, precedences and maximum durations (with the latest departure that keeps every window).
/// Same conventions and tolerance (1e-6 on times) as <c>shared/tools/vrptw_check.py</c>.
/// </summary>
public static class FeasibilityChecker
{
    /// <summary>Tolerance on time comparisons, as in the reference checker.</summary>
    public const double TimeTolerance = 1e-6;

    /// <summary>
    /// Checks routes given as customer ids (the depot implicit; a leading or trailing 0 is ignored).
    /// <paramref name="routeVehicles"/> gives the vehicle index of each route; null means route k is driven by vehicle k.
    /// </summary>
    public static FeasibilityReport Check(VrptwInstance instance, IEnumerable<IReadOnlyList<int>> routes, IReadOnlyCollection<int>? allowedMissing = null,
        IReadOnlyList<int>? routeVehicles = null)
    {
        var violations = new List<string>();
        var indexOfId = new Dictionary<int, int>();
        for (int k = 0; k < instance.Customers.Count; k++) indexOfId[instance.Customers[k].Id] = k + 1;
        var seenIn = new Dictionary<int, int>();
        var usedVehicles = new HashSet<int>();
        double total = 0, fixedCosts = 0;
        int vehicles = 0, routeNo = -1;
        var depot = instance.Depot;
        int dims = instance.LoadDimensions;
        foreach (var raw in routes)
        {
            routeNo++;
            var route = raw.ToList();
            if (route.Count > 0 && route[0] == depot.Id) route.RemoveAt(0);
            if (route.Count > 0 && route[^1] == depot.Id) route.RemoveAt(route.Count - 1);
            if (route.Count == 0) continue;
            vehicles++;
            int v = routeVehicles != null && routeNo < routeVehicles.Count ? routeVehicles[routeNo] : routeNo;
            if (instance.Vehicles != null && (v < 0 || v >= instance.VehicleCount))
            {
                violations.Add($"route {routeNo}: vehicle {v} does not exist");
                continue;
            }
            if (instance.Vehicles != null && !usedVehicles.Add(v)) violations.Add($"route {routeNo}: vehicle {v} drives more than one route");
            var vehicle = instance.VehicleAt(Math.Min(v, instance.VehicleCount - 1));
            fixedCosts += vehicle.FixedCost;
            double shiftStart = vehicle.ShiftStart ?? depot.ReadyTime, shiftEnd = vehicle.ShiftEnd ?? depot.DueTime;
            int startNode = vehicle.StartNode, endNode = vehicle.EndNode;

            for (int s = 0; s < vehicle.Served.Count; s++)
                if (s >= route.Count || route[s] != vehicle.Served[s])
                {
                    violations.Add($"route {routeNo}: does not begin with the stops vehicle {v} has already served ({string.Join(' ', vehicle.Served)})");
                    break;
                }
            if (vehicle.Closed && route.Count > vehicle.Served.Count) violations.Add($"route {routeNo}: vehicle {v} is closed but gets new stops");

            var nodes = new List<int>();
            foreach (var id in route)
            {
                if (!indexOfId.TryGetValue(id, out int node))
                {
                    violations.Add($"route {routeNo}: unknown customer id {id}");
                    continue;
                }
                if (!seenIn.TryAdd(id, routeNo)) violations.Add($"customer {id} visited more than once (routes {seenIn[id]} and {routeNo})");
                nodes.Add(node);
            }

            double time = shiftStart, dist = 0;
            var load = new double[VrptwInstance.MaxLoadDimensions];
            var before = new HashSet<int>();
            int prev = startNode;
            for (int k = 0; k < nodes.Count; k++)
            {
                int node = nodes[k];
                var c = instance.Node(node);
                if (instance.Vehicles != null && c.Vehicle is { } pinned && pinned != v)
                    violations.Add($"route {routeNo}: customer {c.Id} is pinned to vehicle {pinned} but rides on vehicle {v}");
                if (c.After is { } after && !before.Contains(after))
                    violations.Add($"route {routeNo}: customer {c.Id} must come after customer {after} on the same vehicle");
                dist += instance.Distance(prev, node);
                double arrival = time + instance.TravelTime(prev, node);
                double serviceStart = Math.Max(arrival, c.ReadyTime);
                if (serviceStart > c.DueTime + TimeTolerance)
                    violations.Add($"route {routeNo}: customer {c.Id} service starts at {serviceStart:F6} > due date {c.DueTime}");
                time = serviceStart + c.ServiceTime;
                if (k == vehicle.Served.Count - 1 && vehicle.AvailableAt is { } at) time = Math.Max(time, at);
                for (int d = 0; d < dims; d++) load[d] += c.Load(d);
                before.Add(c.Id);
                prev = node;
            }
            dist += instance.Distance(prev, endNode);
            double back = time + instance.TravelTime(prev, endNode);
            string endName = instance.Vehicles == null ? "depot" : $"end of vehicle {v}'s shift";
            if (back > shiftEnd + TimeTolerance)
                violations.Add(instance.Vehicles == null
                    ? $"route {routeNo}: returns to depot at {back:F6} > depot due date {depot.DueTime}"
                    : $"route {routeNo}: reaches the {endName} at {back:F6} > {shiftEnd}");
            if ((vehicle.MaxDuration ?? instance.MaxRouteDuration) is { } maxDuration)
            {
                double lasts = ShortestDuration(instance, nodes, startNode, endNode, shiftStart, shiftEnd);
                if (lasts > maxDuration + TimeTolerance) violations.Add($"route {routeNo}: lasts {lasts:F6} > maximum {maxDuration}");
            }
            for (int d = 0; d < dims; d++)
            {
                double cap = instance.CapacityOf(Math.Min(v, instance.VehicleCount - 1), d);
                if (load[d] > cap + 1e-9)
                    violations.Add(d == 0 && dims == 1
                        ? $"route {routeNo}: load {load[d].ToString(CultureInfo.InvariantCulture)} > capacity {cap.ToString(CultureInfo.InvariantCulture)}"
                        : $"route {routeNo}: load {load[d].ToString(CultureInfo.InvariantCulture)} in dimension {d} > capacity {cap.ToString(CultureInfo.InvariantCulture)}");
            }
            total += dist;
        }
        var missing = instance.Customers.Select(c => c.Id).Where(id => !seenIn.ContainsKey(id) && (allowedMissing == null || !allowedMissing.Contains(id))).ToList();
        if (missing.Count > 0) violations.Add($"{missing.Count} customer(s) not visited: {string.Join(' ', missing.Take(30))}{(missing.Count > 30 ? " ..." : "")}");
        if (vehicles > instance.VehicleCount) violations.Add($"{vehicles} routes used but the instance has only {instance.VehicleCount} vehicles");
        if (instance.Vehicles != null)
            for (int v = 0; v < instance.VehicleCount; v++)
                if (instance.Vehicles[v].Served.Count > 0 && !usedVehicles.Contains(v))
                    violations.Add($"vehicle {v} has served stops but no route");
        return new FeasibilityReport(violations.Count == 0, violations, total, vehicles) { Cost = total + fixedCosts };
    }

    /// <summary>
    /// Duration with the latest departure that keeps every window (waiting only shrinks by leaving later):
    /// a backward pass gives the latest feasible service starts, a forward pass from that departure the return.
    /// </summary>
    private static double ShortestDuration(VrptwInstance instance, List<int> nodes, int start, int end, double shiftStart, double shiftEnd)
    {
        if (nodes.Count == 0) return 0;
        double latest = shiftEnd;
        int next = end;
        for (int k = nodes.Count - 1; k >= 0; k--)
        {
            var c = instance.Node(nodes[k]);
            latest = Math.Min(c.DueTime, latest - instance.TravelTime(nodes[k], next) - c.ServiceTime);
            next = nodes[k];
        }
        double departure = Math.Max(shiftStart, latest - instance.TravelTime(start, nodes[0]));
        double time = departure;
        int prev = start;
        foreach (int node in nodes)
        {
            var c = instance.Node(node);
            time = Math.Max(time + instance.TravelTime(prev, node), c.ReadyTime) + c.ServiceTime;
            prev = node;
        }
        return time + instance.TravelTime(prev, end) - departure;
    }
}
