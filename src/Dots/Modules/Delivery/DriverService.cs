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

    public async Task<IReadOnlyList<RouteDto>> RoutesOfDriverAsync(string userId, CancellationToken ct)
    {
        var routes = await db.Set<DeliveryRoute>().AsNoTracking().Where(r => r.DriverUserId == userId && r.Status != RouteStatus.Done)
            .OrderByDescending(r => r.DepartAt).Take(10).ToListAsync(ct);
        return routes.Select(r => WaveService.ToDto(r, [], TimeZoneInfo.Utc)).ToList();
    }

    public async Task AssignDriverAsync(string routeId, string driverUserId, CancellationToken ct)
    {
        var route = await db.Set<DeliveryRoute>().FirstOrDefaultAsync(r => r.Id == routeId, ct) ?? throw new NotFoundException("No such route.");
        route.DriverUserId = driverUserId;
        await db.SaveChangesAsync(ct);
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
