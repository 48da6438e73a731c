using System.Diagnostics;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Delivery;

/// <summary>
/// Plans (and re-plans) a wave's routes with Dots.Routing: a travel-time matrix from coordinates, vans with capacities,
/// the depot's opening, customers' windows, a maximum route duration; every route passes the library's independent
/// feasibility checker before it is published, and what cannot be served is said with a reason. Runs on the planner's
/// background worker, never inside a request.
/// </summary>
internal sealed class WaveRouting(DotsDbContext db, ITravelMatrix matrix, TimeProvider clock, IOptions<DeliveryOptions> options, ILogger<WaveRouting> logger)
{
    private readonly DeliveryOptions _o = options.Value;
    private static readonly string Instance = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 80);

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];

    /// <summary>The problem as the solver sees it, with what is needed to map its answer back.</summary>
    internal sealed record Night(VrptwInstance Instance, List<DeliveryBooking> Bookings, List<DeliveryVehicle> Vehicles,
        Dictionary<string, DeliveryRoute> RoutesByVehicle, DateTimeOffset Origin, IReadOnlyList<IReadOnlyList<int>>? Current);

    /// <summary>Claims the wave (compare-and-set on its lease) and plans it; false when another planner holds it or it is not waiting.</summary>
    public async Task<bool> PlanAsync(string waveId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + _o.PlanningLease;
        var claimed = await db.Set<DeliveryWave>()
            .Where(w => w.Id == waveId && w.Status == WaveStatus.Planning && (w.LeaseUntil == null || w.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseUntil, until).SetProperty(w => w.LeasedBy, Instance), ct);
        if (claimed != 1)
        {
            return false;
        }
        try
        {
            await SolveAndPublishAsync(waveId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Planning wave {WaveId} failed", waveId);
            db.ChangeTracker.Clear();
            await db.Set<DeliveryWave>().Where(w => w.Id == waveId && w.LeasedBy == Instance)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WaveStatus.Failed).SetProperty(w => w.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(w => w.Error, e.Message.Length > 500 ? e.Message[..500] : e.Message), CancellationToken.None);
        }
        return true;
    }

    internal async Task<Night> BuildAsync(string waveId, CancellationToken ct)
    {
        var wave = await db.Set<DeliveryWave>().AsNoTracking().FirstAsync(w => w.Id == waveId, ct);
        var centre = await db.Set<FulfilmentCentre>().AsNoTracking().FirstAsync(c => c.Id == wave.CentreId, ct);
        var bookings = await db.Set<DeliveryBooking>().Include(b => b.Lines)
            .Where(b => b.WaveId == waveId && b.Status != BookingStatus.Released).OrderBy(b => b.OrderId).ToListAsync(ct);
        var routes = await db.Set<DeliveryRoute>().Where(r => r.WaveId == waveId).ToListAsync(ct);
        var vehicleIds = routes.Select(r => r.VehicleId).ToList();
        var vehicles = await db.Set<DeliveryVehicle>().AsNoTracking()
            .Where(v => v.CentreId == centre.Id && (v.Active || vehicleIds.Contains(v.Id))).OrderBy(v => v.Name).ToListAsync(ct);
        if (vehicles.Count == 0)
        {
            throw new InvalidOperationException("The centre has no vans.");
        }
        var night = WaveService.ParseDate(wave.Date);
        var origin = DeliveryService.CutoffOf(centre, night);
        var deliverBy = (DeliveryService.DeliverByOf(centre, night) - origin).TotalMinutes;
        var morning = DeliveryService.LocalInstant(centre, night.AddDays(1), 0);
        var opens = _o.DepotOpensAfterCutoff.TotalMinutes;

        var points = new List<GeoPoint> { new(centre.Latitude, centre.Longitude) };
        points.AddRange(bookings.Select(b => new GeoPoint(b.Latitude, b.Longitude)));
        var (km, minutes) = matrix.Build(points);
        var (x0, y0) = Project(points[0], points[0]);
        var depot = new VrptwStop(0, x0, y0, 0, opens, deliverBy + 90, 0);
        var customers = bookings.Select((b, i) =>
        {
            var (x, y) = Project(points[0], points[i + 1]);
            var ready = b.NotBeforeMinutes is { } nb ? Math.Max(0, (morning.AddMinutes(nb) - origin).TotalMinutes) : 0;
            return new VrptwStop(i + 1, x, y, b.Units, Math.Min(ready, deliverBy), deliverBy, ServiceMinutes(b)) { Loads = [b.Units, b.WeightKg] };
        }).ToList();

        var byVehicle = routes.ToDictionary(r => r.VehicleId);
        var idOf = bookings.Select((b, i) => (b.OrderId, Id: i + 1)).ToDictionary(t => t.OrderId, t => t.Id);
        var nowMinutes = (clock.GetUtcNow() - origin).TotalMinutes;
        var fleet = vehicles.Select(v =>
        {
            var route = byVehicle.GetValueOrDefault(v.Id);
            var served = route is null ? [] : bookings.Where(b => b.RouteId == route.Id && b.Status is BookingStatus.Delivered or BookingStatus.Failed)
                .OrderBy(b => b.Sequence).Select(b => idOf[b.OrderId]).ToArray();
            var started = route is { Status: RouteStatus.OutForDelivery or RouteStatus.BrokenDown } || served.Length > 0;
            return new Vehicle
            {
                Name = v.Name,
                Capacities = [v.CapacityUnits, v.CapacityKg],
                MaxDuration = _o.MaxRouteDuration.TotalMinutes,
                Served = served,
                AvailableAt = started ? Math.Max(nowMinutes, opens) : null,
                Closed = !v.Active || route?.Status == RouteStatus.BrokenDown,
            };
        }).ToList();
        List<IReadOnlyList<int>>? current = null;
        if (routes.Count > 0)
        {
            current = vehicles.Select(v => byVehicle.TryGetValue(v.Id, out var r)
                ? (IReadOnlyList<int>)bookings.Where(b => b.RouteId == r.Id).OrderBy(b => b.Sequence).Select(b => idOf[b.OrderId]).ToList()
                : []).ToList();
        }
        var instance = VrptwInstance.FromMatrices("wave " + wave.Date, fleet.Count, 0, depot, customers, km, minutes,
            _o.MaxRouteDuration.TotalMinutes, fleet);
        return new Night(instance, bookings, vehicles, byVehicle, origin, current);
    }

    private double ServiceMinutes(DeliveryBooking b) =>
        _o.ServiceMinutesAmbient + (b.HasChilled ? _o.ServiceMinutesChilled : 0) + (b.HasFrozen ? _o.ServiceMinutesFrozen : 0);

    /// <summary>Kilometres east and north of the depot: the solver's geometry (its distances come from the matrix).</summary>
    private static (double X, double Y) Project(GeoPoint origin, GeoPoint p) =>
        ((p.Longitude - origin.Longitude) * 111.32 * Math.Cos(origin.Latitude * Math.PI / 180), (p.Latitude - origin.Latitude) * 110.57);

    private async Task SolveAndPublishAsync(string waveId, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var night = await BuildAsync(waveId, ct);
        var instance = night.Instance;
        VrptwSolution solution;
        if (instance.Customers.Count == 0)
        {
            solution = new VrptwSolution([], 0, true, [], 0, TimeSpan.Zero);
        }
        else if (night.Current is not null && RepairLocally(night) is { } repaired)
        {
            // A late change (a cancelled order, a broken-down van) changes only what it must: the other routes keep their
            // stops in their order; the orphaned stops go where they cost least (ADR 0019).
            logger.LogInformation("Wave {WaveId}: re-planned locally", waveId);
            await PublishAsync(waveId, night, repaired, new(), watch.Elapsed, ct);
            return;
        }
        else
        {
            var budget = night.Current is null ? _o.PlanningBudget : _o.ReplanBudget;
            solution = await Task.Run(() => VrptwSolver.Solve(instance, new SolverOptions
            {
                TimeLimit = budget,
                AllowDropping = true,
                InitialRoutes = night.Current,
            }, ct), ct);
        }
        var unservable = solution.Unassigned.ToDictionary(id => id, id => Categorise(night.Bookings[id - 1], solution.UnassignedReasons.GetValueOrDefault(id) ?? ""));
        var routes = solution.Routes.Select((r, k) => (Stops: r, Vehicle: solution.RouteVehicles.Count > k ? solution.RouteVehicles[k] : k)).ToList();
        var report = FeasibilityChecker.Check(instance, routes.Select(r => r.Stops), solution.Unassigned, routes.Select(r => r.Vehicle).ToList());
        if (!report.IsFeasible)
        {
            // Publish only the routes that pass on their own; the others' orders wait for more vans, and say so.
            var kept = new List<(IReadOnlyList<int> Stops, int Vehicle)>();
            foreach (var route in routes)
            {
                var missing = instance.Customers.Select(c => c.Id).Where(id => !route.Stops.Contains(id)).ToList();
                if (FeasibilityChecker.Check(instance, [route.Stops], missing, [route.Vehicle]).IsFeasible)
                {
                    kept.Add(route);
                }
                else
                {
                    foreach (var id in route.Stops.Where(id => !instance.VehicleAt(route.Vehicle).Served.Contains(id)))
                    {
                        unservable[id] = ("fleet too small", "No van can fit this stop into a route that meets capacity, windows and duration tonight.");
                    }
                }
            }
            routes = kept;
            logger.LogWarning("Wave {WaveId}: {Count} orders left out, the plan was not feasible: {Violations}", waveId, unservable.Count,
                string.Join("; ", report.Violations.Take(3)));
        }
        await PublishAsync(waveId, night, routes, unservable, watch.Elapsed, ct);
    }

    /// <summary>
    /// The local repair of a re-plan: the current routes minus cancelled stops, a closed van's unserved stops and any
    /// order on no route inserted one by one at their cheapest feasible place (after each van's served prefix). Null
    /// when an orphan fits nowhere or the whole plan fails the checker: the solver then re-plans the wave.
    /// </summary>
    internal static List<(IReadOnlyList<int> Stops, int Vehicle)>? RepairLocally(Night night)
    {
        var instance = night.Instance;
        var current = night.Current!;
        var routes = new List<List<int>>();
        var orphans = new List<int>();
        var all = instance.Customers.Select(c => c.Id).ToHashSet();
        var placed = new HashSet<int>();
        for (var k = 0; k < instance.VehicleCount; k++)
        {
            var vehicle = instance.VehicleAt(k);
            var stops = (k < current.Count ? current[k] : []).Where(all.Contains).ToList();
            if (vehicle.Closed)
            {
                var served = vehicle.Served.ToHashSet();
                orphans.AddRange(stops.Where(id => !served.Contains(id)));
                stops = stops.Where(served.Contains).ToList();
            }
            routes.Add(stops);
            placed.UnionWith(stops);
        }
        orphans.AddRange(all.Where(id => !placed.Contains(id) && !orphans.Contains(id)).Order());
        bool Feasible(List<int> route, int k) =>
            FeasibilityChecker.Check(instance, [route], all.Where(id => !route.Contains(id)).ToList(), [k]).IsFeasible;
        foreach (var orphan in orphans)
        {
            (int K, int At, double Cost)? best = null;
            for (var k = 0; k < routes.Count; k++)
            {
                var vehicle = instance.VehicleAt(k);
                if (vehicle.Closed)
                {
                    continue;
                }
                var route = routes[k];
                for (var at = vehicle.Served.Count; at <= route.Count; at++)
                {
                    var before = at == 0 ? 0 : instance.NodeOfId(route[at - 1]);
                    var after = at == route.Count ? 0 : instance.NodeOfId(route[at]);
                    var node = instance.NodeOfId(orphan);
                    var cost = instance.Distance(before, node) + instance.Distance(node, after) - instance.Distance(before, after);
                    if (best is { } b && cost >= b.Cost)
                    {
                        continue;
                    }
                    route.Insert(at, orphan);
                    if (Feasible(route, k))
                    {
                        best = (k, at, cost);
                    }
                    route.RemoveAt(at);
                }
            }
            if (best is not { } chosen)
            {
                return null;
            }
            routes[chosen.K].Insert(chosen.At, orphan);
        }
        var plan = routes.Select((r, k) => (Stops: (IReadOnlyList<int>)r, Vehicle: k)).Where(r => r.Stops.Count > 0).ToList();
        return FeasibilityChecker.Check(instance, plan.Select(p => p.Stops), [], plan.Select(p => p.Vehicle).ToList()).IsFeasible ? plan : null;
    }

    private static (string Reason, string Detail) Categorise(DeliveryBooking booking, string why)
    {
        if (why.Contains("load", StringComparison.Ordinal))
        {
            return ("fleet too small", "The order is heavier or bigger than every van: " + why);
        }
        if (booking.NotBeforeMinutes is not null && why.Contains("due time", StringComparison.Ordinal))
        {
            return ("window impossible", "The customer's window cannot be met: " + why);
        }
        return ("too far", "No van can reach the address and be back in time: " + why);
    }

    private async Task PublishAsync(string waveId, Night night, List<(IReadOnlyList<int> Stops, int Vehicle)> routes,
        Dictionary<int, (string Reason, string Detail)> unservable, TimeSpan elapsed, CancellationToken ct)
    {
        var instance = night.Instance;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var used = new HashSet<string>();
        double total = 0;
        var index = 0;
        foreach (var (stops, k) in routes.OrderBy(r => night.Vehicles[r.Vehicle].Name, StringComparer.Ordinal))
        {
            var vehicle = night.Vehicles[k];
            if (!night.RoutesByVehicle.TryGetValue(vehicle.Id, out var route))
            {
                route = new DeliveryRoute { Id = Ids.New(), WaveId = waveId, VehicleId = vehicle.Id, VehicleName = vehicle.Name, Index = index, Status = RouteStatus.Planned };
                db.Add(route);
            }
            used.Add(vehicle.Id);
            index++;
            var v = instance.VehicleAt(k);
            var depot = instance.Depot;
            double time = v.ShiftStart ?? depot.ReadyTime, distance = 0, lateness = 0;
            var departure = time;
            int at = 0;
            var served = v.Served.ToHashSet();
            for (var s = 0; s < stops.Count; s++)
            {
                int node = instance.NodeOfId(stops[s]);
                var c = instance.Node(node);
                var arrival = time + instance.TravelTime(at, node);
                if (s == v.Served.Count && v.AvailableAt is { } available)
                {
                    arrival = Math.Max(arrival, available + instance.TravelTime(at, node));
                }
                var start = Math.Max(arrival, c.ReadyTime);
                lateness += Math.Max(0, start - c.DueTime);
                distance += instance.Distance(at, node);
                time = start + c.ServiceTime;
                at = node;
                var booking = night.Bookings[stops[s] - 1];
                booking.RouteId = route.Id;
                booking.Sequence = s + 1;
                booking.Unservable = null;
                if (!served.Contains(stops[s]))
                {
                    booking.Eta = night.Origin.AddMinutes(start).ToUniversalTime();
                    booking.Status = route.Status == RouteStatus.OutForDelivery ? BookingStatus.OutForDelivery : BookingStatus.Waved;
                }
            }
            distance += instance.Distance(at, 0);
            var back = time + instance.TravelTime(at, 0);
            route.DistanceKm = distance;
            route.LoadUnits = stops.Sum(id => night.Bookings[id - 1].Units);
            route.LoadKg = stops.Sum(id => night.Bookings[id - 1].WeightKg);
            route.DurationMinutes = back - departure;
            route.LatenessMinutes = lateness;
            route.DepartAt ??= night.Origin.AddMinutes(departure).ToUniversalTime();
            total += distance;
        }
        foreach (var (id, why) in unservable)
        {
            var booking = night.Bookings[id - 1];
            booking.RouteId = null;
            booking.Eta = null;
            booking.Unservable = why.Reason + "|" + why.Detail;
        }
        foreach (var stale in night.RoutesByVehicle.Values.Where(r => !used.Contains(r.VehicleId)))
        {
            if (night.Bookings.Any(b => b.RouteId == stale.Id))
            {
                continue;
            }
            if (stale.Status == RouteStatus.Planned)
            {
                db.Remove(stale);
            }
        }
        await db.SaveChangesAsync(ct);
        var now = clock.GetUtcNow();
        var seconds = elapsed.TotalSeconds;
        // Compare-and-set: only the planner holding the lease publishes.
        var published = await db.Set<DeliveryWave>().Where(w => w.Id == waveId && w.LeasedBy == Instance && w.Status == WaveStatus.Planning)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WaveStatus.Planned).SetProperty(w => w.PlannedAt, now)
                .SetProperty(w => w.PlanningSeconds, seconds).SetProperty(w => w.Distance, total).SetProperty(w => w.Revision, w => w.Revision + 1)
                .SetProperty(w => w.LeaseUntil, (DateTimeOffset?)null).SetProperty(w => w.Error, (string?)null), ct);
        if (published != 1)
        {
            await tx.RollbackAsync(ct);
            logger.LogWarning("Wave {WaveId}: lost the lease before publishing; the plan is discarded", waveId);
            return;
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Wave {WaveId} planned: {Routes} routes, {Distance:0.0} km, {Unservable} unservable, in {Seconds:0.00} s",
            waveId, routes.Count, total, unservable.Count, seconds);
    }
}
