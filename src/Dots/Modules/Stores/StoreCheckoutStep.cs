using System.Text.Json;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Stores;

/// <summary>
/// Checkout's store step (stage 300), inside the order's transaction and before Catalog takes the total:
/// <c>"fulfilment": {"type":"pickup","locationId"}</c> takes every line from that store only (409 when it holds too
/// little) and opens a pickup with a code; a delivery order of a shop with store stock is routed by
/// <see cref="FulfilmentRouter"/> and takes the units of the chosen stores. Store rows are decremented with a
/// conditional update in (location, variant) order, so a store never goes below zero and two checkouts never deadlock;
/// Catalog's conditional take of the total then guards the whole, as before.
/// </summary>
internal sealed class StoreCheckoutStep(DotsDbContext db, StockService stock, TimeProvider clock, IOptions<StoresOptions> options) : ICheckoutStep
{
    public int Stage => 300;

    public async Task ReserveAsync(CheckoutContext context, CancellationToken ct)
    {
        var (type, locationId) = ReadFulfilment(context);
        if (type == "pickup")
        {
            await ReservePickupAsync(context, locationId!, ct);
            return;
        }
        await RouteDeliveryAsync(context, ct);
    }

    public async Task ReleaseAsync(CheckoutContext context, CancellationToken ct)
    {
        await RestoreAsync(db, context.OrderId, clock.GetUtcNow(), "release", ct);
        await db.Set<PickupOrder>().Where(p => p.OrderId == context.OrderId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PickupStatus.Cancelled), ct);
    }

    private static (string Type, string? LocationId) ReadFulfilment(CheckoutContext context)
    {
        if (!context.Extensions.TryGetValue("fulfilment", out var f) || f.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return ("delivery", null);
        }
        if (f.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException("fulfilment", "fulfilment must be an object like {\"type\":\"pickup\",\"locationId\":\"…\"}.");
        }
        var type = f.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "delivery";
        if (type is not ("delivery" or "pickup"))
        {
            throw new RequestValidationException("fulfilment.type", "The fulfilment type must be delivery or pickup.");
        }
        var locationId = f.TryGetProperty("locationId", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
        if (type == "pickup" && string.IsNullOrWhiteSpace(locationId))
        {
            throw new RequestValidationException("fulfilment.locationId", "A pickup needs the store's locationId.");
        }
        return (type!, locationId);
    }

    private async Task ReservePickupAsync(CheckoutContext context, string locationId, CancellationToken ct)
    {
        var location = await db.Set<StoreLocation>().AsNoTracking().FirstOrDefaultAsync(l => l.Id == locationId, ct);
        if (location is null || location.IsOnlineCentre || !location.Pickup)
        {
            throw new RequestValidationException("fulfilment.locationId", "That location does not offer pickup.");
        }
        if (context.Lines.Any(l => l.ShopId != location.ShopId))
        {
            throw new RequestValidationException("fulfilment.locationId", "A pickup order holds items of the store's own shop only.");
        }
        var now = clock.GetUtcNow();
        foreach (var line in Merge(context.Lines))
        {
            await TakeAsync(location, line.VariantId, line.Quantity, context.OrderId, "pickup", $"picked up at {location.Name}", now, ct);
        }
        var code = StoreService.NewCode();
        db.Set<PickupOrder>().Add(new PickupOrder
        {
            OrderId = context.OrderId, LocationId = location.Id, ShopId = location.ShopId, BuyerId = context.BuyerId, Code = code,
            Status = PickupStatus.Waiting, PlacedAt = now, ExpiresAt = now + options.Value.PickupHoldFor,
        });
        await db.SaveChangesAsync(ct);
        context.ResponseFields["fulfilment"] = new { type = "pickup", locationId = location.Id };
        context.ResponseFields["pickupCode"] = code;
    }

    /// <summary>
    /// Variants no store held any unit of, as read in this scope: a combined batch (one scope, many buyers of one
    /// variant) asks once, not once per buyer. Only "none" is remembered — this step only ever takes store units,
    /// so none stays none for the scope's transaction — while a store's count is read fresh each time.
    /// </summary>
    private readonly HashSet<string> _notInStores = new(StringComparer.Ordinal);

    private async Task RouteDeliveryAsync(CheckoutContext context, CancellationToken ct)
    {
        var variantIds = context.Lines.Select(l => l.VariantId).Distinct().ToList();
        if (variantIds.All(_notInStores.Contains))
        {
            return;
        }
        var held = await db.Set<LocationStock>().AsNoTracking().Where(s => variantIds.Contains(s.VariantId)).ToListAsync(ct);
        if (held.Count == 0 || held.All(h => h.Stock == 0))
        {
            _notInStores.UnionWith(variantIds);
            return; // No store holds any of it: the online centre ships, as before this module.
        }
        var totals = await stock.GetVariantsAsync(variantIds, ct);
        var now = clock.GetUtcNow();
        foreach (var shopLines in context.Lines.GroupBy(l => l.ShopId))
        {
            var locationIds = held.Where(h => shopLines.Any(l => l.VariantId == h.VariantId)).Select(h => h.LocationId).Distinct().ToList();
            if (locationIds.Count == 0)
            {
                continue;
            }
            var locations = await db.Set<StoreLocation>().AsNoTracking().Where(l => locationIds.Contains(l.Id) || l.Id == shopLines.Key).ToListAsync(ct);
            var candidates = new List<RouteCandidate>();
            var centreStock = shopLines.Select(l => l.VariantId).Distinct().ToDictionary(v => v, v =>
                Math.Max(0, (totals.GetValueOrDefault(v)?.Stock ?? 0) - held.Where(h => h.VariantId == v).Sum(h => h.Stock)));
            var centre = locations.FirstOrDefault(l => l.IsOnlineCentre);
            candidates.Add(new RouteCandidate(shopLines.Key, centre?.Name ?? "Online centre", centre?.Latitude, centre?.Longitude, centreStock));
            foreach (var l in locations.Where(l => !l.IsOnlineCentre))
            {
                candidates.Add(new RouteCandidate(l.Id, l.Name, l.Latitude, l.Longitude, held.Where(h => h.LocationId == l.Id).ToDictionary(h => h.VariantId, h => h.Stock)));
            }
            var route = FulfilmentRouter.Route(Merge(shopLines.ToList()).Select(l => new RouteLine(l.VariantId, l.Quantity)).ToList(), candidates,
                context.ShippingAddress?.Latitude, context.ShippingAddress?.Longitude);
            if (route is null)
            {
                continue; // Not enough anywhere: Catalog's take answers 409.
            }
            foreach (var a in route.OrderBy(a => a.LocationId, StringComparer.Ordinal).ThenBy(a => a.VariantId, StringComparer.Ordinal))
            {
                var location = locations.FirstOrDefault(l => l.Id == a.LocationId);
                if (a.LocationId == shopLines.Key)
                {
                    // The online centre: Catalog's take of the total is its take.
                    db.Set<StockAllocation>().Add(new StockAllocation { Id = Ids.New(), OrderId = context.OrderId, LocationId = a.LocationId, VariantId = a.VariantId, Quantity = a.Quantity, Kind = "ship", Reason = a.Reason, At = now });
                    continue;
                }
                await TakeAsync(location!, a.VariantId, a.Quantity, context.OrderId, "ship", a.Reason, now, ct);
            }
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task TakeAsync(StoreLocation location, string variantId, int quantity, string orderId, string kind, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var taken = await db.Set<LocationStock>().Where(s => s.LocationId == location.Id && s.VariantId == variantId && s.Stock >= quantity)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock - quantity).SetProperty(x => x.UpdatedAt, now), ct);
        if (taken == 0)
        {
            var left = await db.Set<LocationStock>().AsNoTracking().Where(s => s.LocationId == location.Id && s.VariantId == variantId).Select(s => (int?)s.Stock).FirstOrDefaultAsync(ct) ?? 0;
            throw new ConflictException($"Only {left} of that item left at {location.Name}.",
                new Dictionary<string, object?> { ["variantId"] = variantId, ["locationId"] = location.Id, ["available"] = left });
        }
        db.Set<StockAllocation>().Add(new StockAllocation { Id = Ids.New(), OrderId = orderId, LocationId = location.Id, VariantId = variantId, Quantity = quantity, Kind = kind, Reason = reason, At = now });
        db.Set<StockMovement>().Add(new StockMovement { Id = Ids.New(), LocationId = location.Id, VariantId = variantId, Before = -1, After = -1, Kind = kind, Note = $"order {orderId}: -{quantity}", At = now });
    }

    /// <summary>
    /// Gives an order's store units back, each allocation once: its conditional stamp, the store's increment and the
    /// movement row commit together (in the caller's transaction when there is one, else one per allocation), so a
    /// crash can never leave an allocation stamped returned without its units back, nor return them twice.
    /// </summary>
    internal static async Task<int> RestoreAsync(DotsDbContext db, string orderId, DateTimeOffset now, string why, CancellationToken ct)
    {
        var open = await db.Set<StockAllocation>().AsNoTracking().Where(a => a.OrderId == orderId && a.ReturnedAt == null).ToListAsync(ct);
        if (open.Count == 0)
        {
            return 0;
        }
        var locationIds = open.Select(a => a.LocationId).Distinct().ToList();
        var centres = (await db.Set<StoreLocation>().AsNoTracking().Where(l => locationIds.Contains(l.Id) && l.IsOnlineCentre).Select(l => l.Id).ToListAsync(ct)).ToHashSet();
        var restored = 0;
        foreach (var a in open.OrderBy(a => a.LocationId, StringComparer.Ordinal).ThenBy(a => a.VariantId, StringComparer.Ordinal))
        {
            await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            var claimed = await db.Set<StockAllocation>().Where(x => x.Id == a.Id && x.ReturnedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.ReturnedAt, now), ct);
            if (claimed == 1 && !centres.Contains(a.LocationId))
            {
                // The online centre's units are Catalog's total, which Ordering's cancel returns itself.
                var quantity = a.Quantity;
                await db.Set<LocationStock>().Where(s => s.LocationId == a.LocationId && s.VariantId == a.VariantId)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock + quantity), ct);
                restored += quantity;
                db.Set<StockMovement>().Add(new StockMovement { Id = Ids.New(), LocationId = a.LocationId, VariantId = a.VariantId, Before = -1, After = -1, Kind = "return", Note = $"order {orderId} ({why}): +{quantity}", At = now });
                await db.SaveChangesAsync(ct);
            }
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
        }
        return restored;
    }

    private static List<CheckoutLine> Merge(IReadOnlyList<CheckoutLine> lines) =>
        lines.GroupBy(l => l.VariantId, StringComparer.Ordinal)
            .Select(g => g.First() with { Quantity = g.Sum(l => l.Quantity) })
            .OrderBy(l => l.VariantId, StringComparer.Ordinal).ToList();
}
