using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Delivery;

/// <summary>
/// The drivers' side of the night (a route's stops, start, delivered with a photo, failed with a reason) and the
/// customer's tracking. A route is visible to its assigned driver and to operators only; an order's tracking to its buyer.
/// </summary>
public sealed class DriverService(DotsDbContext db, IEventPublisher events, WavePlanner planner, DataPaths paths, TimeProvider clock)
{
    public const long MaxProofBytes = 5 * 1024 * 1024;

    private static readonly (string Extension, byte[] Magic)[] ImageFormats =
    [
        (".png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        (".jpg", [0xFF, 0xD8, 0xFF]),
        (".webp", "RIFF"u8.ToArray()),
    ];

    private async Task<DeliveryRoute> RouteForAsync(string routeId, string userId, bool isOperator, CancellationToken ct)
    {
        var route = await db.Set<DeliveryRoute>().FirstOrDefaultAsync(r => r.Id == routeId, ct);
        if (route is null || (!isOperator && route.DriverUserId != userId))
        {
            throw new NotFoundException("No such route.");
        }
        return route;
    }

    public async Task<RouteDto> GetRouteAsync(string routeId, string userId, bool isOperator, CancellationToken ct)
    {
        var route = await RouteForAsync(routeId, userId, isOperator, ct);
        var stops = await db.Set<DeliveryBooking>().AsNoTracking().Include(b => b.Lines).Where(b => b.RouteId == routeId && b.Status != BookingStatus.Released)
            .OrderBy(b => b.Sequence).ToListAsync(ct);
        return WaveService.ToDto(route, stops, await WaveService.ZoneOfWaveAsync(db, route.WaveId, ct));
    }

    /// <summary>
    /// The routes of a driver's phone page: their own only, newest night first (done routes of the last two days too).
    /// An account that is not an active driver gets 404.
    /// </summary>
    public async Task<IReadOnlyList<DriverRouteDto>> MyRoutesAsync(string userId, CancellationToken ct)
    {
        if (!await db.Set<DeliveryDriver>().AnyAsync(d => d.UserId == userId && d.Active, ct))
        {
            throw new NotFoundException("This account is not a driver.");
        }
        var since = clock.GetUtcNow().AddDays(-2);
        var routes = await db.Set<DeliveryRoute>().AsNoTracking().Where(r => r.DriverUserId == userId).ToListAsync(ct);
        var waveIds = routes.Select(r => r.WaveId).Distinct().ToList();
        var waves = await db.Set<DeliveryWave>().AsNoTracking().Where(w => waveIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var zones = new Dictionary<string, TimeZoneInfo>();
        foreach (var waveId in waveIds)
        {
            zones[waveId] = await WaveService.ZoneOfWaveAsync(db, waveId, ct);
        }
        var routeIds = routes.Select(r => r.Id).ToList();
        var stops = (await db.Set<DeliveryBooking>().AsNoTracking().Where(b => b.RouteId != null && routeIds.Contains(b.RouteId) && b.Status != BookingStatus.Released)
            .Select(b => new { b.RouteId, b.Status, b.Eta }).ToListAsync(ct)).GroupBy(b => b.RouteId!).ToDictionary(g => g.Key, g => g.ToList());
        return routes.Where(r => r.Status != RouteStatus.Done || waves[r.WaveId].CreatedAt >= since)
            .OrderByDescending(r => waves[r.WaveId].Date).ThenBy(r => r.Index)
            .Select(r =>
            {
                var mine = stops.GetValueOrDefault(r.Id) ?? [];
                return new DriverRouteDto(r.Id, r.VehicleName, waves[r.WaveId].Date, r.Status.ToString(), mine.Count,
                    mine.Count(b => b.Status is BookingStatus.Waved or BookingStatus.OutForDelivery), Math.Round(r.DistanceKm, 1),
                    WaveService.Local(mine.Where(b => b.Eta is not null).Min(b => b.Eta), zones[r.WaveId]));
            }).ToList();
    }

    /// <summary>Makes an account a driver (or updates its name and phone); idempotent. Created is true when it was new.</summary>
    public async Task<(DriverDto Driver, bool Created)> AddDriverAsync(string userId, string email, DriverRequest r, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireText(r.Name, "name", 100, "name")
            .Require((r.Phone?.Length ?? 0) <= 30, "phone", "The phone number must be at most 30 characters.");
        v.ThrowIfInvalid();
        var driver = await db.Set<DeliveryDriver>().FirstOrDefaultAsync(d => d.UserId == userId, ct);
        var created = driver is null;
        if (driver is null)
        {
            driver = new DeliveryDriver { UserId = userId, Email = email, Name = "", CreatedAt = clock.GetUtcNow() };
            db.Add(driver);
        }
        driver.Name = r.Name!.Trim();
        driver.Phone = string.IsNullOrWhiteSpace(r.Phone) ? driver.Phone : r.Phone.Trim();
        driver.Active = true;
        driver.Email = email;
        await db.SaveChangesAsync(ct);
        return (ToDto(driver), created);
    }

    public async Task<IReadOnlyList<DriverDto>> DriversAsync(CancellationToken ct) =>
        (await db.Set<DeliveryDriver>().AsNoTracking().OrderBy(d => d.Name).ToListAsync(ct)).Select(ToDto).ToList();

    private static DriverDto ToDto(DeliveryDriver d) => new(d.UserId, d.Email, d.Name, d.Phone, d.Active);

    /// <summary>Gives a route to a driver: only an active driver's account may take one (400 otherwise).</summary>
    public async Task AssignDriverAsync(string routeId, string driverUserId, CancellationToken ct)
    {
        var route = await db.Set<DeliveryRoute>().FirstOrDefaultAsync(r => r.Id == routeId, ct) ?? throw new NotFoundException("No such route.");
        if (!await db.Set<DeliveryDriver>().AnyAsync(d => d.UserId == driverUserId && d.Active, ct))
        {
            throw new RequestValidationException("email", "That account is not a driver: add it as a driver first.");
        }
        route.DriverUserId = driverUserId;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Gives the wave's routes that have no driver to the active drivers who have none in it, in route order. Returns how many.</summary>
    public async Task<int> AssignFreeDriversAsync(string waveId, CancellationToken ct)
    {
        var routes = await db.Set<DeliveryRoute>().Where(r => r.WaveId == waveId).OrderBy(r => r.Index).ToListAsync(ct);
        if (routes.Count == 0 && !await db.Set<DeliveryWave>().AnyAsync(w => w.Id == waveId, ct))
        {
            throw new NotFoundException("No such wave.");
        }
        var busy = routes.Where(r => r.DriverUserId != null).Select(r => r.DriverUserId!).ToHashSet();
        var free = new Queue<string>((await db.Set<DeliveryDriver>().AsNoTracking().Where(d => d.Active).OrderBy(d => d.Name).Select(d => d.UserId).ToListAsync(ct))
            .Where(id => !busy.Contains(id)));
        var assigned = 0;
        foreach (var route in routes.Where(r => r.DriverUserId is null && r.Status is RouteStatus.Planned or RouteStatus.OutForDelivery))
        {
            if (!free.TryDequeue(out var driver))
            {
                break;
            }
            route.DriverUserId = driver;
            assigned++;
        }
        await db.SaveChangesAsync(ct);
        return assigned;
    }

    /// <summary>The driver leaves the depot: every stop is out for delivery (once).</summary>
    public async Task<RouteDto> StartAsync(string routeId, string userId, bool isOperator, CancellationToken ct)
    {
        var route = await RouteForAsync(routeId, userId, isOperator, ct);
        if (route.Status == RouteStatus.Planned)
        {
            var now = clock.GetUtcNow();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var claimed = await db.Set<DeliveryRoute>().Where(r => r.Id == routeId && r.Status == RouteStatus.Planned)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RouteStatus.OutForDelivery).SetProperty(r => r.DepartAt, now), ct);
            if (claimed == 1)
            {
                var stops = await db.Set<DeliveryBooking>().Where(b => b.RouteId == routeId && b.Status == BookingStatus.Waved).ToListAsync(ct);
                foreach (var stop in stops)
                {
                    stop.Status = BookingStatus.OutForDelivery;
                    events.Publish(db, new OutForDelivery(stop.OrderId, stop.BuyerId, routeId, stop.Eta, now));
                }
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        return await GetRouteAsync(routeId, userId, isOperator, ct);
    }

    public async Task<RouteDto> DeliveredAsync(string routeId, string orderId, string userId, bool isOperator, IFormFile? photo, CancellationToken ct)
    {
        string? fileName = null;
        if (photo is { Length: > 0 })
        {
            fileName = await SaveProofAsync(photo, ct);
        }
        await CompleteAsync(routeId, orderId, userId, isOperator, BookingStatus.Delivered, fileName, null, ct);
        return await GetRouteAsync(routeId, userId, isOperator, ct);
    }

    public async Task<RouteDto> FailedAsync(string routeId, string orderId, string userId, bool isOperator, string? reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > 300)
        {
            throw new RequestValidationException("reason", "Say why the delivery failed (at most 300 characters).");
        }
        await CompleteAsync(routeId, orderId, userId, isOperator, BookingStatus.Failed, null, reason.Trim(), ct);
        return await GetRouteAsync(routeId, userId, isOperator, ct);
    }

    private async Task CompleteAsync(string routeId, string orderId, string userId, bool isOperator, BookingStatus outcome, string? proof, string? reason, CancellationToken ct)
    {
        var route = await RouteForAsync(routeId, userId, isOperator, ct);
        var stop = await db.Set<DeliveryBooking>().FirstOrDefaultAsync(b => b.OrderId == orderId && b.RouteId == routeId, ct)
            ?? throw new NotFoundException("No such stop on this route.");
        if (stop.Status is BookingStatus.Delivered or BookingStatus.Failed)
        {
            if (stop.Status == outcome)
            {
                return;
            }
            throw new ConflictException($"The stop is already {stop.Status.ToString().ToLowerInvariant()}.");
        }
        if (stop.Status == BookingStatus.Released)
        {
            throw new ConflictException("The order was cancelled.");
        }
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var previous = stop.Status;
        var won = await db.Set<DeliveryBooking>().Where(b => b.OrderId == orderId && b.Status == previous)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, outcome).SetProperty(b => b.DeliveredAt, now)
                .SetProperty(b => b.ProofFile, proof).SetProperty(b => b.FailReason, reason), ct);
        if (won == 1)
        {
            if (route.Status == RouteStatus.Planned)
            {
                route.Status = RouteStatus.OutForDelivery;
                route.DepartAt = now;
            }
            events.Publish(db, outcome == BookingStatus.Delivered
                ? new Delivered(orderId, stop.BuyerId, proof is null ? null : CatalogService.ImageUrl(proof), now)
                : new DeliveryFailed(orderId, stop.BuyerId, reason!, now));
            var open = await db.Set<DeliveryBooking>().CountAsync(b => b.RouteId == routeId && b.OrderId != orderId
                && (b.Status == BookingStatus.Waved || b.Status == BookingStatus.OutForDelivery), ct);
            if (open == 0)
            {
                route.Status = RouteStatus.Done;
            }
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task<string> SaveProofAsync(IFormFile file, CancellationToken ct)
    {
        if (file.Length > MaxProofBytes)
        {
            throw new RequestValidationException("photo", $"The photo is {file.Length / 1024} KiB; the limit is {MaxProofBytes / 1024 / 1024} MiB.");
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, ct);
        }
        var format = ImageFormats.FirstOrDefault(f => bytes.AsSpan().StartsWith(f.Magic));
        if (format.Extension is null)
        {
            throw new RequestValidationException("photo", "The photo is not a PNG, JPEG or WebP image.");
        }
        var name = "proof-" + Ids.New() + format.Extension;
        await File.WriteAllBytesAsync(Path.Combine(paths.MediaDir, name), bytes, ct);
        return name;
    }

    /// <summary>A van broke down: its route closes and the wave is re-planned, keeping every stop already driven.</summary>
    public async Task BreakdownAsync(string routeId, CancellationToken ct)
    {
        var route = await db.Set<DeliveryRoute>().FirstOrDefaultAsync(r => r.Id == routeId, ct) ?? throw new NotFoundException("No such route.");
        if (route.Status is RouteStatus.BrokenDown or RouteStatus.Done)
        {
            return;
        }
        route.Status = RouteStatus.BrokenDown;
        await db.SaveChangesAsync(ct);
        await planner.RequestReplanAsync(route.WaveId, ct);
    }

    /// <summary>An order's delivery for its buyer (404 for anyone else): status, live ETA, position on the route, proof.</summary>
    public async Task<TrackingDto> TrackingAsync(string orderId, string userId, CancellationToken ct)
    {
        var b = await db.Set<DeliveryBooking>().AsNoTracking().FirstOrDefaultAsync(x => x.OrderId == orderId && x.BuyerId == userId, ct)
            ?? throw new NotFoundException("No delivery for this order.");
        var centre = await db.Set<FulfilmentCentre>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == b.CentreId, ct);
        DateTimeOffset? deliverBy = centre is null ? null : DeliveryService.DeliverByOf(centre, WaveService.ParseDate(b.Date));
        int? before = null;
        DateTimeOffset? eta = b.Eta;
        if (b.RouteId is not null && b.Status is BookingStatus.Waved or BookingStatus.OutForDelivery)
        {
            var earlier = await db.Set<DeliveryBooking>().AsNoTracking()
                .Where(x => x.RouteId == b.RouteId && x.Sequence < b.Sequence && x.Status != BookingStatus.Released).ToListAsync(ct);
            before = earlier.Count(x => x.Status is BookingStatus.Waved or BookingStatus.OutForDelivery);
            // Live: a driver running late on the stops already done is as late on this one.
            var last = earlier.Where(x => x.DeliveredAt is not null && x.Eta is not null).OrderByDescending(x => x.Sequence).FirstOrDefault();
            if (eta is not null && last is not null && last.DeliveredAt > last.Eta)
            {
                eta = eta.Value + (last.DeliveredAt!.Value - last.Eta!.Value);
            }
        }
        if (centre is not null && eta is not null)
        {
            eta = TimeZoneInfo.ConvertTime(eta.Value, DeliveryService.Zone(centre));
        }
        var zone = centre is null ? TimeZoneInfo.Utc : DeliveryService.Zone(centre);
        return new TrackingDto(b.OrderId, Status(b.Status), deliverBy, eta, before, b.RouteId is null ? null : b.Sequence, b.RouteId,
            WaveService.Local(b.DeliveredAt, zone), b.ProofFile is null ? null : CatalogService.ImageUrl(b.ProofFile), b.FailReason, b.Latitude, b.Longitude,
            centre?.Latitude, centre?.Longitude);
    }

    private static string Status(BookingStatus s) => s switch
    {
        BookingStatus.Booked => "Booked",
        BookingStatus.Waved => "Preparing",
        BookingStatus.OutForDelivery => "OutForDelivery",
        BookingStatus.Delivered => "Delivered",
        BookingStatus.Failed => "Failed",
        _ => "Cancelled",
    };
}
