using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Rentals;

/// <summary>
/// Rentable items, their units and their availability calendar. Availability is computed from the per-unit-day
/// claims that bookings hold (see <see cref="BookingService"/> and docs/decisions/0020-rentals-and-stores.md).
/// </summary>
public sealed class RentalService(DotsDbContext db, CatalogService catalog, UserManager<AppUser> users, Dots.Modules.Stores.StoreService stores, TimeProvider clock)
{
    public const int MaxCalendarDays = 120;

    internal IQueryable<RentalItem> Items => db.Set<RentalItem>();

    public async Task<RentalDto> CreateAsync(string shopId, string userId, CreateRentalRequest request, CancellationToken ct)
    {
        var shop = await catalog.RequireOwnedShopAsync(shopId, userId, ct);
        var v = new Validation();
        v.RequireText(request.Title, "title", 200).RequireText(request.Category, "category", 64);
        v.Require((request.Description ?? "").Length <= 4000, "description", "The description must be at most 4000 characters.");
        if (!string.IsNullOrWhiteSpace(request.Category) && !(await catalog.CategoriesAsync(ct)).Any(c => c.Slug == request.Category))
        {
            v.Add("category", $"Unknown category '{request.Category}'.");
        }
        var currency = shop.Currency;
        RequireMoney(v, request.PricePerDay, "pricePerDay", currency, positive: true);
        if (request.PricePerWeek is not null)
        {
            RequireMoney(v, request.PricePerWeek, "pricePerWeek", currency, positive: true);
        }
        RequireMoney(v, request.Deposit, "deposit", currency, positive: false);
        var min = request.MinDays ?? 1;
        var max = request.MaxDays ?? 30;
        var buffer = request.BufferDays ?? 0;
        v.Require(min is >= 1 and <= 365, "minDays", "minDays must be between 1 and 365.")
            .Require(max >= min && max <= 365, "maxDays", "maxDays must be at least minDays and at most 365.")
            .Require(buffer is >= 0 and <= 30, "bufferDays", "bufferDays must be between 0 and 30.");
        var units = request.Units ?? [];
        v.Require(units.Count is >= 1 and <= 200, "units", "A rental needs between 1 and 200 units.");
        for (var i = 0; i < units.Count; i++)
        {
            v.RequireText(units[i]?.Label, $"units[{i}].label", 100);
            v.Require((units[i]?.Condition ?? "").Length <= 100, $"units[{i}].condition", "The condition must be at most 100 characters.");
        }
        await RequireDeskLocationAsync(v, request.LocationId, shop.Id, ct);
        v.ThrowIfInvalid();

        var now = clock.GetUtcNow();
        var item = new RentalItem
        {
            Id = Ids.New(),
            ShopId = shop.Id,
            Title = request.Title!.Trim(),
            Description = (request.Description ?? "").Trim(),
            Category = request.Category!,
            Currency = currency,
            PricePerDay = request.PricePerDay!.Amount,
            PricePerWeek = request.PricePerWeek?.Amount,
            Deposit = request.Deposit!.Amount,
            MinDays = min,
            MaxDays = max,
            BufferDays = buffer,
            TimeZone = shop.TimeZone,
            LocationId = string.IsNullOrWhiteSpace(request.LocationId) ? null : request.LocationId.Trim(),
            CreatedAt = now,
        };
        foreach (var u in units)
        {
            var unit = new RentalUnit { Id = Ids.New(), ItemId = item.Id, Label = u.Label!.Trim(), Condition = string.IsNullOrWhiteSpace(u.Condition) ? "good" : u.Condition.Trim(), CreatedAt = now };
            item.Units.Add(unit);
            db.Set<RentalUnitEvent>().Add(new RentalUnitEvent { Id = Ids.New(), UnitId = unit.Id, Kind = "added", Condition = unit.Condition, Note = "Unit added", ActorId = userId, At = now });
        }
        db.Set<RentalItem>().Add(item);
        await db.SaveChangesAsync(ct);
        return ToDto(item);
    }

    public async Task<RentalDto> GetAsync(string id, CancellationToken ct) => ToDto(await LoadAsync(id, ct));

    /// <summary>A shop's rentable items with their units (for its desk).</summary>
    public async Task<IReadOnlyList<RentalDto>> ShopRentalsAsync(string shopId, CancellationToken ct) =>
        (await Items.AsNoTracking().Include(i => i.Units).Where(i => i.ShopId == shopId).OrderBy(i => i.Title).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<IReadOnlyList<string>> CategoriesInUseAsync(CancellationToken ct) =>
        await Items.AsNoTracking().Select(i => i.Category).Distinct().ToListAsync(ct);

    /// <summary>The shop's name for a page header (empty when the shop is gone).</summary>
    public async Task<string> ShopNameAsync(string shopId, CancellationToken ct)
    {
        try
        {
            return (await catalog.GetShopAsync(shopId, ct)).Name;
        }
        catch (NotFoundException)
        {
            return "";
        }
    }

    public async Task<Paged<RentalSummaryDto>> ListAsync(string? category, string? shopId, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Normalize(page, pageSize);
        var query = Items.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(i => i.Category == category);
        }
        if (!string.IsNullOrWhiteSpace(shopId))
        {
            query = query.Where(i => i.ShopId == shopId);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(i => i.Title).ThenBy(i => i.Id).Skip((p - 1) * size).Take(size)
            .Select(i => new { Item = i, Units = i.Units.Count(u => u.Status == RentalUnitStatus.Available) })
            .ToListAsync(ct);
        return new Paged<RentalSummaryDto>(rows.Select(r => new RentalSummaryDto(r.Item.Id, r.Item.ShopId, r.Item.Title, r.Item.Category,
            MoneyDto.Of(r.Item.PricePerDay, r.Item.Currency), r.Item.PricePerWeek is { } w ? MoneyDto.Of(w, r.Item.Currency) : null,
            MoneyDto.Of(r.Item.Deposit, r.Item.Currency), r.Units)).ToList(), total, p, size);
    }

    /// <summary>
    /// Units bookable each day of <c>[from, to]</c> (the shop's local dates): units in service minus those a booking
    /// (with its buffer days) holds that day; days before the shop's today have none.
    /// </summary>
    public async Task<AvailabilityDto> AvailabilityAsync(string id, string? from, string? to, CancellationToken ct)
    {
        var item = await LoadAsync(id, ct);
        var today = Today(item.TimeZone);
        var v = new Validation();
        var start = ParseDate(v, from, "from") ?? today;
        var end = ParseDate(v, to, "to") ?? start.AddDays(41);
        v.Require(end >= start, "to", "'to' must not be before 'from'.")
            .Require(end.DayNumber - start.DayNumber < MaxCalendarDays, "to", $"At most {MaxCalendarDays} days at once.");
        v.ThrowIfInvalid();
        var inService = item.Units.Where(u => u.Status == RentalUnitStatus.Available).Select(u => u.Id).ToList();
        var taken = await db.Set<RentalUnitDay>().AsNoTracking()
            .Where(d => inService.Contains(d.UnitId) && d.Day >= start && d.Day <= end)
            .GroupBy(d => d.Day).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);
        var byDay = taken.ToDictionary(t => t.Day, t => t.Count);
        var days = new List<AvailabilityDayDto>();
        for (var d = start; d <= end; d = d.AddDays(1))
        {
            days.Add(new AvailabilityDayDto(d, d < today ? 0 : Math.Max(0, inService.Count - byDay.GetValueOrDefault(d))));
        }
        return new AvailabilityDto(item.Id, start, end, days);
    }

    /// <summary>The price of a stay before booking it (the product page's breakdown); 400 for a range outside the rules.</summary>
    public async Task<QuoteDto> QuoteAsync(string id, string? from, string? to, CancellationToken ct)
    {
        var item = await LoadAsync(id, ct);
        var (start, end) = ValidateRange(item, from, to, Today(item.TimeZone));
        return Quote(item, end.DayNumber - start.DayNumber + 1);
    }

    /// <summary>A unit's page: its bookings, inspections, repairs (owner or staff).</summary>
    internal async Task<UnitHistoryDto> UnitHistoryAsync(string rentalId, string unitId, string userId, BookingService bookings, CancellationToken ct)
    {
        var item = await LoadAsync(rentalId, ct);
        await RequireStaffAsync(item.ShopId, userId, ct);
        var unit = item.Units.FirstOrDefault(u => u.Id == unitId) ?? throw new NotFoundException($"No unit '{unitId}' in rental '{rentalId}'.");
        var events = await db.Set<RentalUnitEvent>().AsNoTracking().Where(e => e.UnitId == unitId).ToListAsync(ct);
        var list = await bookings.ForUnitAsync(unitId, ct);
        return new UnitHistoryDto(item.Id, item.Title, ToDto(unit),
            list,
            events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id, StringComparer.Ordinal)
                .Select(e => new UnitEventDto(e.Id, e.Kind, e.BookingId, e.Condition, e.Note, e.Amount is { } a ? MoneyDto.Of(a, item.Currency) : null, e.At)).ToList());
    }

    /// <summary>
    /// Sends a unit to repair, brings it back into service, retires it or sells it off as used (owner or staff).
    /// Retiring or selling a unit with bookings still ahead is 409.
    /// </summary>
    public async Task<RentalUnitDto> SetUnitStatusAsync(string rentalId, string unitId, string userId, UnitStatusRequest request, CancellationToken ct)
    {
        var item = await LoadAsync(rentalId, ct);
        await RequireStaffAsync(item.ShopId, userId, ct);
        var target = (request.Status ?? "").Trim().ToLowerInvariant() switch
        {
            "available" => RentalUnitStatus.Available,
            "repair" or "inrepair" or "in-repair" => RentalUnitStatus.InRepair,
            "retired" => RentalUnitStatus.Retired,
            "sold" => RentalUnitStatus.Sold,
            _ => throw new RequestValidationException("status", "The status must be available, repair, retired or sold."),
        };
        new Validation().Require((request.Note ?? "").Length <= 2000, "note", "The note must be at most 2000 characters.")
            .Require((request.Condition ?? "").Length <= 100, "condition", "The condition must be at most 100 characters.").ThrowIfInvalid();
        var unit = await db.Set<RentalUnit>().FirstOrDefaultAsync(u => u.Id == unitId && u.ItemId == rentalId, ct)
            ?? throw new NotFoundException($"No unit '{unitId}' in rental '{rentalId}'.");
        if (unit.Status is RentalUnitStatus.Retired or RentalUnitStatus.Sold && target != unit.Status)
        {
            throw new ConflictException($"The unit is {unit.Status.ToString().ToLowerInvariant()}; it cannot come back.");
        }
        if (target is RentalUnitStatus.Retired or RentalUnitStatus.Sold)
        {
            var today = Today(item.TimeZone);
            var ahead = await db.Set<RentalBooking>().AnyAsync(b => b.UnitId == unitId && b.To >= today
                && (b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.PickedUp || b.Status == BookingStatus.Pending), ct);
            if (ahead)
            {
                throw new ConflictException("The unit still has bookings ahead; finish or cancel them first.");
            }
        }
        if (unit.Status == target)
        {
            return ToDto(unit);
        }
        unit.Status = target;
        if (!string.IsNullOrWhiteSpace(request.Condition))
        {
            unit.Condition = request.Condition.Trim();
        }
        var kind = target switch
        {
            RentalUnitStatus.Available => "repaired",
            RentalUnitStatus.InRepair => "repair",
            RentalUnitStatus.Retired => "retired",
            _ => "sold",
        };
        db.Set<RentalUnitEvent>().Add(new RentalUnitEvent
        {
            Id = Ids.New(), UnitId = unit.Id, Kind = kind, Condition = unit.Condition, Note = (request.Note ?? "").Trim(), ActorId = userId, At = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return ToDto(unit);
    }

    /// <summary>The shop's owner or an operator; 404 for a missing shop, 403 for anyone else.</summary>
    public async Task RequireStaffAsync(string shopId, string userId, CancellationToken ct)
    {
        var shop = await catalog.GetShopAsync(shopId, ct);
        if (shop.OwnerId == userId)
        {
            return;
        }
        var user = await users.FindByIdAsync(userId);
        if (user is not null && await users.IsInRoleAsync(user, Roles.Operator))
        {
            return;
        }
        throw new ForbiddenException("Only the shop's owner or staff can do this.");
    }

    internal async Task<RentalItem> LoadAsync(string id, CancellationToken ct) =>
        await Items.AsNoTracking().Include(i => i.Units).FirstOrDefaultAsync(i => i.Id == id, ct)
        ?? throw new NotFoundException($"No rental with id '{id}'.");

    internal DateOnly Today(string timeZone) => LocalDate(clock.GetUtcNow(), timeZone);

    internal static DateOnly LocalDate(DateTimeOffset at, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
    }

    /// <summary>The instant a local date ends in the shop's zone (for hold lengths).</summary>
    internal static DateTimeOffset EndOfDay(DateOnly day, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        var local = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    internal (DateOnly From, DateOnly To) ValidateRange(RentalItem item, string? from, string? to, DateOnly today, int bookAhead = 365)
    {
        var v = new Validation();
        var start = ParseDate(v, from, "from", required: true);
        var end = ParseDate(v, to, "to", required: true);
        v.ThrowIfInvalid();
        var days = end!.Value.DayNumber - start!.Value.DayNumber + 1;
        v.Require(end >= start, "to", "'to' must not be before 'from'.")
            .Require(start >= today, "from", $"The rental cannot start before today ({today:yyyy-MM-dd} in the shop's time zone).")
            .Require(start.Value.DayNumber - today.DayNumber <= bookAhead, "from", $"Bookings open at most {bookAhead} days ahead.");
        if (end >= start)
        {
            v.Require(days >= item.MinDays && days <= item.MaxDays, "to", $"A rental lasts between {item.MinDays} and {item.MaxDays} days; this one is {days}.");
        }
        v.ThrowIfInvalid();
        return (start.Value, end.Value);
    }

    internal static QuoteDto Quote(RentalItem item, int days)
    {
        var (rent, weeks, extra) = RentalPricing.Rent(days, item.PricePerDay, item.PricePerWeek, item.Currency);
        return new QuoteDto(days, weeks, extra, MoneyDto.Of(rent, item.Currency), MoneyDto.Of(item.Deposit, item.Currency), MoneyDto.Of(rent + item.Deposit, item.Currency));
    }

    private static DateOnly? ParseDate(Validation v, string? text, string field, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                v.Add(field, $"'{field}' is required (YYYY-MM-DD).");
            }
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        v.Add(field, $"'{field}' must be a date like 2026-12-24.");
        return null;
    }

    private static void RequireMoney(Validation v, MoneyDto? money, string field, string currency, bool positive)
    {
        if (money is null)
        {
            v.Add(field, $"'{field}' is required.");
            return;
        }
        v.Require(money.Currency == currency, field, $"'{field}' must be in the shop's currency {currency}.")
            .Require(positive ? money.Amount > 0 : money.Amount >= 0, field, positive ? $"'{field}' must be more than zero." : $"'{field}' must not be negative.")
            .Require(money.Amount <= 1_000_000_000m, field, $"'{field}' is too large.")
            .Require(Math.Round(money.Amount, Currencies.MinorDigits(currency)) == money.Amount, field, $"'{field}' has more decimals than {currency} allows.");
    }

    internal static RentalUnitDto ToDto(RentalUnit u) => new(u.Id, u.Label, u.Condition, u.Status switch
    {
        RentalUnitStatus.Available => "available",
        RentalUnitStatus.InRepair => "repair",
        RentalUnitStatus.Retired => "retired",
        _ => "sold",
    });

    /// <summary>Moves a rental's desk to a store of the shop, or back to the shop itself (owner only).</summary>
    public async Task<RentalDto> SetLocationAsync(string rentalId, string userId, SetRentalLocationRequest request, CancellationToken ct)
    {
        var item = await LoadAsync(rentalId, ct);
        await catalog.RequireOwnedShopAsync(item.ShopId, userId, ct);
        var v = new Validation();
        await RequireDeskLocationAsync(v, request.LocationId, item.ShopId, ct);
        v.ThrowIfInvalid();
        var locationId = string.IsNullOrWhiteSpace(request.LocationId) ? null : request.LocationId.Trim();
        await Items.Where(i => i.Id == rentalId).ExecuteUpdateAsync(s => s.SetProperty(i => i.LocationId, locationId), ct);
        return ToDto(await LoadAsync(rentalId, ct));
    }

    /// <summary>
    /// The rentals desk of a booking's item: the shop's owner, an operator, or staff of the store the item is handed out
    /// from (Stores' staff, ADR 0020); 403 for anyone else.
    /// </summary>
    public async Task RequireDeskAsync(string itemId, string shopId, string userId, CancellationToken ct)
    {
        try
        {
            await RequireStaffAsync(shopId, userId, ct);
        }
        catch (ForbiddenException)
        {
            var locationId = await Items.AsNoTracking().Where(i => i.Id == itemId).Select(i => i.LocationId).FirstOrDefaultAsync(ct);
            if (locationId is null || !await stores.IsStaffAsync(locationId, userId, ct))
            {
                throw;
            }
        }
    }

    /// <summary>The ids of the rentals handed out from a store (for its desk).</summary>
    internal async Task<List<string>> ItemsAtAsync(string locationId, CancellationToken ct) =>
        await Items.AsNoTracking().Where(i => i.LocationId == locationId).Select(i => i.Id).ToListAsync(ct);

    private async Task RequireDeskLocationAsync(Validation v, string? locationId, string shopId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(locationId))
        {
            return;
        }
        try
        {
            var location = await stores.GetLocationAsync(locationId.Trim(), ct);
            v.Require(location.ShopId == shopId && !location.IsOnlineCentre, "locationId", "The desk must be one of the shop's stores.");
        }
        catch (NotFoundException)
        {
            v.Add("locationId", "No such store.");
        }
    }

    internal static RentalDto ToDto(RentalItem i) => new(i.Id, i.ShopId, i.Title, i.Description, i.Category, MoneyDto.Of(i.PricePerDay, i.Currency),
        i.PricePerWeek is { } w ? MoneyDto.Of(w, i.Currency) : null, MoneyDto.Of(i.Deposit, i.Currency), i.MinDays, i.MaxDays, i.BufferDays, i.TimeZone,
        i.Units.OrderBy(u => u.Label, StringComparer.Ordinal).Select(ToDto).ToList(), i.CreatedAt) { LocationId = i.LocationId };
}
