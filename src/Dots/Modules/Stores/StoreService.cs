using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Stores;

/// <summary>
/// Store locations, their stock and staff, and the pickup desk. A store's stock lives here, per (location, variant);
/// Catalog's variant stock stays the total over all locations (the online centre holds whatever the stores do not),
/// so every change of a store's count moves Catalog's total by the same amount in the same transaction, and checkout's
/// never-oversell guard (Catalog's conditional take) still covers the whole. See ADR 0020.
/// </summary>
public sealed class StoreService(DotsDbContext db, CatalogService catalog, StockService stock, UserManager<AppUser> users, TimeProvider clock, IOptions<StoresOptions> options, Dots.Infrastructure.Events.IEventPublisher events)
{
    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private readonly StoresOptions _options = options.Value;

    internal IQueryable<StoreLocation> Locations => db.Set<StoreLocation>();

    public async Task<LocationDto> CreateLocationAsync(string shopId, string userId, CreateLocationRequest request, CancellationToken ct)
    {
        var shop = await catalog.RequireOwnedShopAsync(shopId, userId, ct);
        var v = new Validation();
        v.RequireText(request.Name, "name", 100).RequireText(request.Address, "address", 300)
            .Require(request.Latitude is >= -90 and <= 90, "latitude", "The latitude must be between -90 and 90.")
            .Require(request.Longitude is >= -180 and <= 180, "longitude", "The longitude must be between -180 and 180.");
        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? shop.TimeZone : request.TimeZone.Trim();
        v.Require(TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _), "timeZone", $"Unknown time zone '{timeZone}'.");
        var hours = request.OpeningHours ?? [];
        v.Require(hours.Count <= 14, "openingHours", "At most 14 opening-hours entries.");
        for (var i = 0; i < hours.Count; i++)
        {
            var h = hours[i];
            v.Require(h is not null && Days.Contains(h.Day), $"openingHours[{i}].day", "The day must be mon, tue, wed, thu, fri, sat or sun.")
                .Require(TryTime(h?.Open, out var open), $"openingHours[{i}].open", "The opening time must look like 10:00.")
                .Require(TryTime(h?.Close, out var close), $"openingHours[{i}].close", "The closing time must look like 21:00.");
            if (TryTime(h?.Open, out open) && TryTime(h?.Close, out close))
            {
                v.Require(close > open, $"openingHours[{i}].close", "The store must close after it opens.");
            }
        }
        v.ThrowIfInvalid();
        await EnsureCentreAsync(shop.Id, shop.TimeZone, ct);
        var location = new StoreLocation
        {
            Id = Ids.New(),
            ShopId = shop.Id,
            Name = request.Name!.Trim(),
            Address = request.Address!.Trim(),
            Latitude = request.Latitude,
            Longitude = request.Longitude,
            TimeZone = timeZone,
            OpeningHours = JsonSerializer.Serialize(hours.Select(h => new OpeningHoursDto(h.Day, h.Open, h.Close))),
            Pickup = request.Pickup ?? true,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Set<StoreLocation>().Add(location);
        await db.SaveChangesAsync(ct);
        return ToDto(location);
    }

    /// <summary>The shop's locations, the online centre first (created on first use).</summary>
    public async Task<IReadOnlyList<LocationDto>> ListLocationsAsync(string shopId, CancellationToken ct)
    {
        var shop = await catalog.GetShopAsync(shopId, ct);
        await EnsureCentreAsync(shop.Id, shop.TimeZone, ct);
        var rows = await Locations.AsNoTracking().Where(l => l.ShopId == shopId).ToListAsync(ct);
        return rows.OrderByDescending(l => l.IsOnlineCentre).ThenBy(l => l.Name, StringComparer.Ordinal).Select(ToDto).ToList();
    }

    public async Task<LocationDto> GetLocationAsync(string locationId, CancellationToken ct) => ToDto(await LoadAsync(locationId, ct));

    /// <summary>
    /// Sets what a location holds of a variant (a count, a delivery) — the shop's owner or that store's staff. The
    /// variant's total in Catalog moves by the same amount in the same transaction; a movement row keeps the audit.
    /// </summary>
    public async Task<LocationStockDto> SetStockAsync(string locationId, string variantId, string userId, SetLocationStockRequest request, CancellationToken ct)
    {
        var location = await LoadAsync(locationId, ct);
        await RequireOwnerOrStaffAsync(location, userId, ct);
        new Validation().Require(request.Stock is >= 0 and <= 1_000_000, "stock", "The stock must be between 0 and 1,000,000.")
            .Require((request.Note ?? "").Length <= 300, "note", "At most 300 characters.").ThrowIfInvalid();
        var variant = (await stock.GetVariantsAsync([variantId], ct)).GetValueOrDefault(variantId);
        if (variant is null || variant.ShopId != location.ShopId)
        {
            throw new NotFoundException($"No variant '{variantId}' in this shop.");
        }
        var target = request.Stock!.Value;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int before;
        int delta;
        if (location.IsOnlineCentre)
        {
            var inStores = await db.Set<LocationStock>().Where(s => s.VariantId == variantId).SumAsync(s => (int?)s.Stock, ct) ?? 0;
            var total = (await stock.GetVariantsAsync([variantId], ct))[variantId].Stock;
            before = total - inStores;
            delta = target - before;
        }
        else
        {
            var row = await db.Set<LocationStock>().AsNoTracking().FirstOrDefaultAsync(s => s.LocationId == locationId && s.VariantId == variantId, ct);
            before = row?.Stock ?? 0;
            delta = target - before;
            if (row is null)
            {
                db.Set<LocationStock>().Add(new LocationStock { LocationId = locationId, VariantId = variantId, ShopId = location.ShopId, Stock = target, UpdatedAt = now });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                    throw new ConflictException("The stock changed meanwhile; reload and count again.");
                }
            }
            else
            {
                var changed = await db.Set<LocationStock>().Where(s => s.LocationId == locationId && s.VariantId == variantId && s.Stock == before)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, target).SetProperty(x => x.UpdatedAt, now), ct);
                if (changed == 0)
                {
                    throw new ConflictException("The stock changed meanwhile (a sale?); reload and count again.");
                }
            }
        }
        if (!await stock.AdjustAsync(variantId, delta, ct))
        {
            throw new ConflictException("Units of this variant are being sold right now; reload and count again.");
        }
        db.Set<StockMovement>().Add(new StockMovement
        {
            Id = Ids.New(), LocationId = locationId, VariantId = variantId, Before = before, After = target, Kind = "count", ActorId = userId,
            Note = (request.Note ?? "").Trim(), At = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var after = (await stock.GetVariantsAsync([variantId], ct))[variantId].Stock;
        return new LocationStockDto(locationId, variantId, target, after);
    }

    /// <summary>What each location holds of a product (all its variants), nearest first; the online centre has no position and comes last.</summary>
    public async Task<ProductAvailabilityDto> ProductAvailabilityAsync(string productId, double? latitude, double? longitude, CancellationToken ct)
    {
        new Validation().Require(latitude is null or (>= -90 and <= 90), "latitude", "The latitude must be between -90 and 90.")
            .Require(longitude is null or (>= -180 and <= 180), "longitude", "The longitude must be between -180 and 180.")
            .Require(latitude is null == longitude is null, "longitude", "Give both latitude and longitude, or neither.").ThrowIfInvalid();
        var product = await catalog.GetProductAsync(productId, null, ct);
        var variantIds = product.Variants.Select(v => v.Id).ToList();
        var total = product.Variants.Sum(v => v.Stock);
        var locations = await ListLocationsAsync(product.ShopId, ct);
        var held = await db.Set<LocationStock>().AsNoTracking().Where(s => variantIds.Contains(s.VariantId))
            .GroupBy(s => s.LocationId).Select(g => new { g.Key, Stock = g.Sum(s => s.Stock) }).ToDictionaryAsync(x => x.Key, x => x.Stock, ct);
        var now = clock.GetUtcNow();
        var result = locations.Select(l => new LocationAvailabilityDto(
                l.Id, l.Name, Geo.DistanceKm(latitude, longitude, l.Latitude, l.Longitude) is { } d ? Math.Round(d, 2) : null,
                l.IsOnlineCentre ? Math.Max(0, total - held.Values.Sum()) : held.GetValueOrDefault(l.Id),
                l.Pickup && !l.IsOnlineCentre ? ReadyBy(l, now) : null, l.Pickup && !l.IsOnlineCentre, l.Latitude, l.Longitude))
            .OrderBy(l => l.DistanceKm ?? double.MaxValue).ThenBy(l => l.Name, StringComparer.Ordinal).ToList();
        return new ProductAvailabilityDto(product.Id, result);
    }

    /// <summary>
    /// The stores where a whole basket can be picked up: one shop's stores with a pickup desk holding every line (quantities
    /// summed per variant), nearest first, with when each will have it ready. A basket from several shops, or with a
    /// variant no store holds enough of, has no choice (empty list). The checkout still takes the stock with its own
    /// conditional update, so a choice that sold out meanwhile is a 409 there, never an oversell.
    /// </summary>
    public async Task<IReadOnlyList<PickupChoiceDto>> PickupChoicesAsync(IReadOnlyList<PickupLineRequest> lines, double? latitude, double? longitude, CancellationToken ct)
    {
        var need = lines.Where(l => l.Quantity > 0).GroupBy(l => l.VariantId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
        if (need.Count == 0)
        {
            return [];
        }
        var variants = await stock.GetVariantsAsync(need.Keys.ToList(), ct);
        var shops = variants.Values.Select(v => v.ShopId).Distinct().ToList();
        if (variants.Count != need.Count || shops.Count != 1)
        {
            return [];
        }
        var ids = need.Keys.ToList();
        var held = await db.Set<LocationStock>().AsNoTracking().Where(s => ids.Contains(s.VariantId) && s.Stock > 0).ToListAsync(ct);
        var full = held.GroupBy(h => h.LocationId).Where(g => need.All(n => g.Any(h => h.VariantId == n.Key && h.Stock >= n.Value))).Select(g => g.Key).ToList();
        if (full.Count == 0)
        {
            return [];
        }
        var shopId = shops[0];
        var rows = await Locations.AsNoTracking().Where(l => full.Contains(l.Id) && l.ShopId == shopId && l.Pickup && !l.IsOnlineCentre).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.Select(ToDto)
            .Select(l => new PickupChoiceDto(l.Id, l.Name, l.Address, Geo.DistanceKm(latitude, longitude, l.Latitude, l.Longitude) is { } d ? Math.Round(d, 1) : null,
                ReadyBy(l, now), l.Latitude, l.Longitude, l.TimeZone))
            .OrderBy(c => c.DistanceKm ?? double.MaxValue).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Now plus the preparation time, moved to the next opening when the store is closed then (the store's local time).</summary>
    internal DateTimeOffset ReadyBy(LocationDto location, DateTimeOffset now)
    {
        var ready = now + _options.PickupPreparation;
        if (location.OpeningHours.Count == 0 || !TimeZoneInfo.TryFindSystemTimeZoneById(location.TimeZone, out var zone))
        {
            return ready;
        }
        var local = TimeZoneInfo.ConvertTime(ready, zone);
        for (var i = 0; i < 8; i++)
        {
            var day = local.Date.AddDays(i);
            var name = Days[((int)day.DayOfWeek + 6) % 7];
            foreach (var h in location.OpeningHours.Where(h => h.Day == name))
            {
                TryTime(h.Open, out var open);
                TryTime(h.Close, out var close);
                var start = day + open.ToTimeSpan();
                var end = day + close.ToTimeSpan();
                var candidate = i == 0 && local.DateTime > start ? local.DateTime : start;
                if (candidate < end)
                {
                    return new DateTimeOffset(candidate, zone.GetUtcOffset(candidate));
                }
            }
        }
        return ready;
    }

    public async Task<StaffDto> AddStaffAsync(string locationId, string userId, AddStaffRequest request, CancellationToken ct)
    {
        var location = await LoadAsync(locationId, ct);
        await catalog.RequireOwnedShopAsync(location.ShopId, userId, ct);
        new Validation().RequireText(request.Email, "email", 256).ThrowIfInvalid();
        var user = await users.FindByEmailAsync(request.Email!.Trim()) ?? throw new RequestValidationException("email", "No account with that email.");
        if (!await db.Set<StoreStaffMember>().AnyAsync(s => s.LocationId == locationId && s.UserId == user.Id, ct))
        {
            db.Set<StoreStaffMember>().Add(new StoreStaffMember { LocationId = locationId, UserId = user.Id, AddedAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
            }
        }
        return new StaffDto(locationId, user.Id, user.Email ?? "");
    }

    /// <summary>The stores a user works at (for the store console).</summary>
    public async Task<IReadOnlyList<LocationDto>> StoresOfAsync(string userId, CancellationToken ct)
    {
        var staffed = await db.Set<StoreStaffMember>().AsNoTracking().Where(s => s.UserId == userId).Select(s => s.LocationId).ToListAsync(ct);
        var owned = (await catalog.ShopsOwnedByAsync(userId, ct)).Select(s => s.Id).ToList();
        var rows = await Locations.AsNoTracking().Where(l => !l.IsOnlineCentre && (staffed.Contains(l.Id) || owned.Contains(l.ShopId))).ToListAsync(ct);
        return rows.OrderBy(l => l.Name, StringComparer.Ordinal).Select(ToDto).ToList();
    }

    /// <summary>A store's stock of every variant it holds, with the latest movements (owner or staff).</summary>
    public async Task<(IReadOnlyList<LocationStockDto> Stock, IReadOnlyList<StockMovementDto> Movements)> StockOfAsync(string locationId, string userId, CancellationToken ct)
    {
        var location = await LoadAsync(locationId, ct);
        await RequireOwnerOrStaffAsync(location, userId, ct);
        var rows = await db.Set<LocationStock>().AsNoTracking().Where(s => s.LocationId == locationId).OrderBy(s => s.VariantId).ToListAsync(ct);
        var variants = await stock.GetVariantsAsync(rows.Select(r => r.VariantId).ToList(), ct);
        var moves = await db.Set<StockMovement>().AsNoTracking().Where(m => m.LocationId == locationId).ToListAsync(ct);
        return (rows.Select(r => new LocationStockDto(locationId, r.VariantId, r.Stock, variants.GetValueOrDefault(r.VariantId)?.Stock ?? 0)).ToList(),
            moves.OrderByDescending(m => m.At).Take(50).Select(m => new StockMovementDto(m.VariantId, m.Before, m.After, m.Kind, m.Note, m.At)).ToList());
    }

    // ---- pickups ----

    public async Task<IReadOnlyList<PickupDto>> PickupQueueAsync(string locationId, string userId, string? status, CancellationToken ct)
    {
        var location = await LoadAsync(locationId, ct);
        await RequireOwnerOrStaffAsync(location, userId, ct);
        var query = db.Set<PickupOrder>().AsNoTracking().Where(p => p.LocationId == locationId);
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<PickupStatus>(status, true, out var s))
            {
                throw new RequestValidationException("status", "Unknown status.");
            }
            query = query.Where(p => p.Status == s);
        }
        else
        {
            query = query.Where(p => p.Status == PickupStatus.Waiting || p.Status == PickupStatus.Ready);
        }
        var rows = await query.OrderBy(p => p.PlacedAt).Take(200).ToListAsync(ct);
        return await ToDtosAsync(rows, [location], showCode: false, ct);
    }

    public async Task<PickupDto> MarkReadyAsync(string locationId, string orderId, string userId, CancellationToken ct)
    {
        var location = await LoadAsync(locationId, ct);
        await RequireOwnerOrStaffAsync(location, userId, ct);
        var pickup = await db.Set<PickupOrder>().AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId && p.LocationId == locationId, ct)
            ?? throw new NotFoundException($"No pickup order '{orderId}' at this store.");
        var now = clock.GetUtcNow();
        if (pickup.Status == PickupStatus.Waiting)
        {
            // The transition and the buyer's "ready" event commit together; a racing second click changes nothing.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var changed = await db.Set<PickupOrder>().Where(p => p.OrderId == orderId && p.Status == PickupStatus.Waiting)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PickupStatus.Ready).SetProperty(p => p.ReadyAt, now).SetProperty(p => p.ExpiresAt, now + _options.PickupHoldFor), ct);
            if (changed == 1)
            {
                events.Publish(db, new PickupReady(orderId, pickup.BuyerId, locationId, location.Name, pickup.Code, now + _options.PickupHoldFor, now));
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        else if (pickup.Status != PickupStatus.Ready)
        {
            throw new ConflictException($"The pickup is {pickup.Status}; it cannot be made ready.");
        }
        return await PickupAsync(orderId, showCode: false, ct);
    }

    /// <summary>Hands the order over when the customer's code matches (409 on a wrong code); once.</summary>
    public async Task<PickupDto> HandOverAsync(string locationId, string orderId, string userId, HandoverRequest request, CancellationToken ct)
    {
        var location = await LoadAsync(locationId, ct);
        await RequireOwnerOrStaffAsync(location, userId, ct);
        new Validation().RequireText(request.Code, "code", 16).ThrowIfInvalid();
        var pickup = await db.Set<PickupOrder>().AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId && p.LocationId == locationId, ct)
            ?? throw new NotFoundException($"No pickup order '{orderId}' at this store.");
        if (pickup.Status == PickupStatus.HandedOver)
        {
            return await PickupAsync(orderId, showCode: false, ct);
        }
        if (pickup.Status is not (PickupStatus.Ready or PickupStatus.Waiting))
        {
            throw new ConflictException($"The pickup is {pickup.Status}; it cannot be handed over.");
        }
        var given = request.Code!.Trim();
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(pickup.Code)))
        {
            throw new ConflictException("That pickup code does not match this order.");
        }
        var now = clock.GetUtcNow();
        await db.Set<PickupOrder>().Where(p => p.OrderId == orderId && (p.Status == PickupStatus.Ready || p.Status == PickupStatus.Waiting))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PickupStatus.HandedOver).SetProperty(p => p.HandedOverAt, now), ct);
        return await PickupAsync(orderId, showCode: false, ct);
    }

    /// <summary>The pickup of an order for its buyer (with the code); 404 for anyone else or a delivery order.</summary>
    public async Task<PickupDto> PickupForBuyerAsync(string orderId, string buyerId, CancellationToken ct)
    {
        if (!await db.Set<PickupOrder>().AnyAsync(p => p.OrderId == orderId && p.BuyerId == buyerId, ct))
        {
            throw new NotFoundException($"No pickup for order '{orderId}'.");
        }
        return await PickupAsync(orderId, showCode: true, ct);
    }

    /// <summary>Where an order's units come from and why (the shop's owner or an operator).</summary>
    public async Task<IReadOnlyList<AllocationDto>> AllocationsAsync(string orderId, string userId, bool isOperator, CancellationToken ct)
    {
        var rows = await db.Set<StockAllocation>().AsNoTracking().Where(a => a.OrderId == orderId).ToListAsync(ct);
        var locationIds = rows.Select(r => r.LocationId).Distinct().ToList();
        var locations = await Locations.AsNoTracking().Where(l => locationIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        if (!isOperator)
        {
            var owned = (await catalog.ShopsOwnedByAsync(userId, ct)).Select(s => s.Id).ToHashSet();
            rows = rows.Where(r => locations.TryGetValue(r.LocationId, out var l) && owned.Contains(l.ShopId)).ToList();
            if (rows.Count == 0)
            {
                throw new NotFoundException($"No allocations for order '{orderId}'.");
            }
        }
        return rows.OrderBy(r => r.At).ThenBy(r => r.VariantId, StringComparer.Ordinal)
            .Select(r => new AllocationDto(r.LocationId, locations.GetValueOrDefault(r.LocationId)?.Name ?? "", r.VariantId, r.Quantity, r.Kind, r.Reason, r.ReturnedAt is not null)).ToList();
    }

    internal async Task<PickupDto> PickupAsync(string orderId, bool showCode, CancellationToken ct)
    {
        var pickup = await db.Set<PickupOrder>().AsNoTracking().FirstAsync(p => p.OrderId == orderId, ct);
        var location = await Locations.AsNoTracking().FirstAsync(l => l.Id == pickup.LocationId, ct);
        return (await ToDtosAsync([pickup], [location], showCode, ct))[0];
    }

    private async Task<IReadOnlyList<PickupDto>> ToDtosAsync(IReadOnlyList<PickupOrder> rows, IReadOnlyList<StoreLocation> locations, bool showCode, CancellationToken ct)
    {
        var ids = rows.Select(r => r.OrderId).ToList();
        var lines = (await db.Set<StockAllocation>().AsNoTracking().Where(a => ids.Contains(a.OrderId) && a.Kind == "pickup").ToListAsync(ct)).ToLookup(a => a.OrderId);
        var names = locations.ToDictionary(l => l.Id, l => l.Name);
        return rows.Select(p => new PickupDto(p.OrderId, p.LocationId, names.GetValueOrDefault(p.LocationId) ?? "", p.Status.ToString(),
            showCode ? p.Code : null, p.PlacedAt, p.ReadyAt, p.HandedOverAt, p.ExpiresAt,
            lines[p.OrderId].Select(a => new PickupLineDto(a.VariantId, a.Quantity)).ToList())).ToList();
    }

    // ---- shared helpers ----

    /// <summary>Whether an account is staff of this store (for other modules' desks, e.g. Rentals').</summary>
    public async Task<bool> IsStaffAsync(string locationId, string userId, CancellationToken ct) =>
        await db.Set<StoreStaffMember>().AnyAsync(s => s.LocationId == locationId && s.UserId == userId, ct);

    /// <summary>404 for a missing location, 403 unless the caller owns its shop or is this store's staff.</summary>
    public async Task<LocationDto> RequireOwnerOrStaffAsync(string locationId, string userId, CancellationToken ct)
    {
        var location = await LoadAsync(locationId, ct);
        await RequireOwnerOrStaffAsync(location, userId, ct);
        return ToDto(location);
    }

    internal async Task<StoreLocation> LoadAsync(string locationId, CancellationToken ct) =>
        await Locations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == locationId, ct) ?? throw new NotFoundException($"No location with id '{locationId}'.");

    /// <summary>The shop's owner, or staff attached to this very store; 403 for anyone else.</summary>
    internal async Task RequireOwnerOrStaffAsync(StoreLocation location, string userId, CancellationToken ct)
    {
        if (await db.Set<StoreStaffMember>().AnyAsync(s => s.LocationId == location.Id && s.UserId == userId, ct))
        {
            return;
        }
        var shop = await catalog.GetShopAsync(location.ShopId, ct);
        if (shop.OwnerId != userId)
        {
            throw new ForbiddenException("Only the shop's owner or this store's staff can do this.");
        }
    }

    /// <summary>The shop's online centre: a location whose id is the shop's id, created once.</summary>
    internal async Task EnsureCentreAsync(string shopId, string timeZone, CancellationToken ct)
    {
        if (await Locations.AnyAsync(l => l.Id == shopId, ct))
        {
            return;
        }
        db.Set<StoreLocation>().Add(new StoreLocation
        {
            Id = shopId, ShopId = shopId, Name = "Online centre", TimeZone = timeZone, Pickup = false, IsOnlineCentre = true, CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Created by a concurrent request.
        }
        db.ChangeTracker.Clear();
    }

    internal static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    internal static LocationDto ToDto(StoreLocation l) => new(l.Id, l.ShopId, l.Name, l.Address, l.Latitude, l.Longitude, l.TimeZone,
        JsonSerializer.Deserialize<List<OpeningHoursDto>>(l.OpeningHours) ?? [], l.Pickup, l.IsOnlineCentre, l.CreatedAt);
}
