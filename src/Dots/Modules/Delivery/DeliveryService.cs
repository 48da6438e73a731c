using System.Globalization;
using System.Text.Json;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Delivery;

/// <summary>
/// Promises and slots: which zone an address falls in, which night an order made now catches, and the slot taken with a
/// conditional update inside the order's own transaction (never overbooked), given back exactly once.
/// </summary>
public sealed class DeliveryService(DotsDbContext db, TimeProvider clock, IOptions<DeliveryOptions> options, ILogger<DeliveryService> logger)
{
    private readonly DeliveryOptions _options = options.Value;

    internal sealed record Located(FulfilmentCentre Centre, DeliveryZone Zone);

    internal async Task<Located?> LocateAsync(GeoPoint point, CancellationToken ct)
    {
        var zones = await db.Set<DeliveryZone>().AsNoTracking().OrderBy(z => z.Name).ToListAsync(ct);
        var zone = zones.FirstOrDefault(z => Geo.Contains(Geo.ParsePolygon(z.PolygonJson), point));
        if (zone is null)
        {
            return null;
        }
        var centre = await db.Set<FulfilmentCentre>().AsNoTracking().FirstAsync(c => c.Id == zone.CentreId, ct);
        return new Located(centre, zone);
    }

    internal static TimeZoneInfo Zone(FulfilmentCentre centre) => TimeZoneInfo.FindSystemTimeZoneById(centre.TimeZone);

    /// <summary>The centre-local date of the next cut-off at <paramref name="now"/> (at or after the cut-off: tomorrow's).</summary>
    internal static DateOnly NightOf(FulfilmentCentre centre, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone(centre));
        var date = DateOnly.FromDateTime(local.DateTime);
        return local.TimeOfDay.TotalMinutes >= centre.CutoffMinutes ? date.AddDays(1) : date;
    }

    /// <summary>The night whose cut-off passed last (the wave that is due), or null before the first.</summary>
    internal static DateOnly LastCutoffNight(FulfilmentCentre centre, DateTimeOffset now) => NightOf(centre, now).AddDays(-1);

    internal static DateTimeOffset LocalInstant(FulfilmentCentre centre, DateOnly date, int minutes)
    {
        var tz = Zone(centre);
        var local = date.ToDateTime(TimeOnly.MinValue).AddMinutes(minutes);
        // A local time skipped by a daylight-saving jump does not exist: take the first instant after it.
        while (tz.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }
        return new DateTimeOffset(local, tz.GetUtcOffset(local));
    }

    internal static DateTimeOffset CutoffOf(FulfilmentCentre centre, DateOnly night) => LocalInstant(centre, night, centre.CutoffMinutes);

    internal static DateTimeOffset DeliverByOf(FulfilmentCentre centre, DateOnly night) =>
        LocalInstant(centre, centre.DeliverByMinutes <= centre.CutoffMinutes ? night.AddDays(1) : night, centre.DeliverByMinutes);

    internal static string DateText(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string SlotId(string zoneId, DateOnly night) => zoneId + "-" + night.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public async Task<PromiseDto> PromiseAsync(double latitude, double longitude, CancellationToken ct)
    {
        var nights = await NightsAsync(latitude, longitude, ct);
        if (nights.FirstOrDefault(n => n.Available) is { } first)
        {
            return first;
        }
        var any = nights.FirstOrDefault();
        return any?.Zone is null
            ? new PromiseDto(false, Reason: "The address is outside every delivery zone.")
            : new PromiseDto(false, Zone: any.Zone, ZoneId: any.ZoneId, ZoneKo: any.ZoneKo,
                Reason: $"Every delivery slot of the next {_options.NightsAhead} nights in {any.Zone} is full.");
    }

    /// <summary>
    /// The next <see cref="DeliveryOptions.NightsAhead"/> nights for these coordinates, each with its cut-off, arrival and
    /// places left (<c>available: false</c> when full or already waved; <c>nextNight</c> on every night after the first).
    /// Empty when the point is outside every zone.
    /// </summary>
    public async Task<IReadOnlyList<PromiseDto>> NightsAsync(double latitude, double longitude, CancellationToken ct)
    {
        var located = await LocateAsync(new GeoPoint(latitude, longitude), ct);
        if (located is null)
        {
            return [];
        }
        var (centre, zone) = located;
        var now = clock.GetUtcNow();
        var tonight = NightOf(centre, now);
        var nights = new List<PromiseDto>();
        for (var i = 0; i < _options.NightsAhead; i++)
        {
            var night = tonight.AddDays(i);
            var id = SlotId(zone.Id, night);
            var slot = await db.Set<DeliverySlot>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            var remaining = Math.Max(0, slot is null ? zone.NightlyCapacity : slot.Capacity - slot.Booked);
            var open = remaining > 0 && !await WaveExistsAsync(centre.Id, night, ct);
            var cutoff = CutoffOf(centre, night);
            nights.Add(new PromiseDto(open, cutoff, DeliverByOf(centre, night), id, zone.Name, zone.Id, zone.NameKo, remaining, i > 0,
                (int)Math.Floor((cutoff - now).TotalMinutes), open ? null : remaining == 0 ? "full" : "closed"));
        }
        return nights;
    }

    /// <summary>The promise the pages show: for the user's latest delivery address, else for the first centre's own neighbourhood.</summary>
    public async Task<PromiseDto?> PromiseForUserAsync(string? userId, CancellationToken ct)
    {
        GeoPoint? point = null;
        if (userId is not null)
        {
            point = await db.Set<DeliveryBooking>().AsNoTracking().Where(b => b.BuyerId == userId).OrderByDescending(b => b.BookedAt)
                .Select(b => (GeoPoint?)new GeoPoint(b.Latitude, b.Longitude)).FirstOrDefaultAsync(ct);
        }
        point ??= await db.Set<FulfilmentCentre>().AsNoTracking().OrderBy(c => c.Name).Select(c => (GeoPoint?)new GeoPoint(c.Latitude, c.Longitude)).FirstOrDefaultAsync(ct);
        return point is { } p ? await PromiseAsync(p.Latitude, p.Longitude, ct) : null;
    }

    /// <summary>The centre's local "now", to say "tomorrow" right.</summary>
    public async Task<DateTimeOffset> LocalNowAsync(CancellationToken ct)
    {
        var tz = await db.Set<FulfilmentCentre>().AsNoTracking().OrderBy(c => c.Name).Select(c => c.TimeZone).FirstOrDefaultAsync(ct) ?? "Asia/Seoul";
        return TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(tz));
    }

    private Task<bool> WaveExistsAsync(string centreId, DateOnly night, CancellationToken ct)
    {
        var date = DateText(night);
        return db.Set<DeliveryWave>().AnyAsync(w => w.CentreId == centreId && w.Date == date, ct);
    }

    /// <summary>
    /// The checkout step's work, inside the order's transaction: take one place in the first night with room (or the
    /// slot the buyer chose; 409 when it is full) with <c>UPDATE … SET Booked = Booked + 1 WHERE Booked &lt; Capacity</c>.
    /// An address without coordinates, or outside every zone, is not a dawn delivery and books nothing.
    /// </summary>
    internal async Task BookAsync(CheckoutContext context, CancellationToken ct)
    {
        var request = ReadRequest(context.Extensions);
        var address = context.ShippingAddress;
        if (address?.Latitude is not { } lat || address.Longitude is not { } lon)
        {
            if (request?.SlotId is not null)
            {
                throw new RequestValidationException("shippingAddress.latitude", "A delivery slot needs the address's latitude and longitude.");
            }
            return;
        }
        var located = await LocateAsync(new GeoPoint(lat, lon), ct);
        if (located is null)
        {
            if (request?.SlotId is not null)
            {
                throw new RequestValidationException("delivery.slotId", "The address is outside every delivery zone.");
            }
            return;
        }
        var (centre, zone) = located;
        var tonight = NightOf(centre, clock.GetUtcNow());
        DateOnly? booked = null;
        for (var i = 0; i < _options.NightsAhead && booked is null; i++)
        {
            var night = tonight.AddDays(i);
            var id = SlotId(zone.Id, night);
            if (request?.SlotId is { } wanted && wanted != id)
            {
                continue;
            }
            if (await WaveExistsAsync(centre.Id, night, ct))
            {
                continue;
            }
            var date = DateText(night);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO \"DeliverySlots\" (\"Id\", \"ZoneId\", \"Date\", \"Capacity\", \"Booked\") VALUES ({id}, {zone.Id}, {date}, {zone.NightlyCapacity}, 0) ON CONFLICT DO NOTHING", ct);
            var taken = await db.Set<DeliverySlot>().Where(s => s.Id == id && s.Booked < s.Capacity)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Booked, x => x.Booked + 1), ct);
            if (taken == 1)
            {
                booked = night;
            }
        }
        if (booked is not { } bookedNight)
        {
            // `code` tells a night that filled up from stock that sold out (the web checkout says which, and offers the other nights).
            throw request?.SlotId is { } chosen
                ? new ConflictException("That delivery slot is full or closed; choose the next night.",
                    new Dictionary<string, object?> { ["code"] = DeliveryConflicts.SlotFull, ["slotId"] = chosen })
                : new ConflictException($"Every delivery slot of the next {_options.NightsAhead} nights in {zone.Name} is full.",
                    new Dictionary<string, object?> { ["code"] = DeliveryConflicts.AllFull });
        }

        var productIds = context.Lines.Select(l => l.ProductId).Distinct().ToList();
        var packaging = await db.Set<ProductPackaging>().AsNoTracking().Where(p => productIds.Contains(p.ProductId)).ToDictionaryAsync(p => p.ProductId, ct);
        var lines = context.Lines.Select(l => new DeliveryBookingLine
        {
            Id = Ids.New(),
            OrderId = context.OrderId,
            ProductId = l.ProductId,
            VariantId = l.VariantId,
            Quantity = l.Quantity,
            Packaging = packaging.TryGetValue(l.ProductId, out var p) ? p.Class : PackagingClass.Ambient,
        }).ToList();
        db.Add(new DeliveryBooking
        {
            OrderId = context.OrderId,
            BuyerId = context.BuyerId,
            SlotId = SlotId(zone.Id, bookedNight),
            ZoneId = zone.Id,
            CentreId = centre.Id,
            Date = DateText(bookedNight),
            Latitude = lat,
            Longitude = lon,
            Recipient = address.Name ?? "",
            AddressText = string.Join(", ", new[] { address.Line1, address.Line2, address.City, address.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))),
            Phone = address.Phone ?? "",
            DoorCode = request?.DoorCode,
            LeaveAtDoor = request?.LeaveAtDoor ?? false,
            Instructions = request?.Instructions,
            NotBeforeMinutes = ParseNotBefore(request?.NotBefore),
            Units = lines.Sum(l => l.Quantity),
            WeightKg = lines.Sum(l => l.Quantity * (packaging.TryGetValue(l.ProductId, out var pk) ? pk.WeightKg : 1.0)),
            HasChilled = lines.Any(l => l.Packaging == PackagingClass.Chilled),
            HasFrozen = lines.Any(l => l.Packaging == PackagingClass.Frozen),
            BookedAt = clock.GetUtcNow(),
            Lines = lines,
        });
        await db.SaveChangesAsync(ct);
    }

    private static DeliveryRequest? ReadRequest(IReadOnlyDictionary<string, JsonElement> extensions)
    {
        if (!extensions.TryGetValue("delivery", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        DeliveryRequest? request;
        try
        {
            request = element.Deserialize<DeliveryRequest>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException)
        {
            throw new RequestValidationException("delivery", "The delivery field must be an object with slotId, doorCode, leaveAtDoor, instructions and notBefore.");
        }
        var v = new Validation();
        v.Require((request?.DoorCode?.Length ?? 0) <= 40, "delivery.doorCode", "The door code must be at most 40 characters.")
            .Require((request?.Instructions?.Length ?? 0) <= 300, "delivery.instructions", "The instructions must be at most 300 characters.")
            .Require(request?.NotBefore is null || TimeOnly.TryParseExact(request.NotBefore, "HH:mm", out _), "delivery.notBefore", "notBefore must be a time like 05:30.");
        v.ThrowIfInvalid();
        return request;
    }

    private static int? ParseNotBefore(string? text) =>
        text is not null && TimeOnly.TryParseExact(text, "HH:mm", out var t) ? t.Hour * 60 + t.Minute : null;

    /// <summary>
    /// Gives an order's place back, exactly once: the booking's status moves from Booked (or Waved, before the van leaves)
    /// to Released with a conditional update, and only the caller whose update won decrements the slot.
    /// Returns the wave to re-plan when the order had already been frozen into one.
    /// </summary>
    internal async Task<string?> ReleaseAsync(string orderId, CancellationToken ct)
    {
        var booking = await db.Set<DeliveryBooking>().AsNoTracking().FirstOrDefaultAsync(b => b.OrderId == orderId, ct);
        if (booking is null || booking.Status is not (BookingStatus.Booked or BookingStatus.Waved))
        {
            return null;
        }
        var won = await db.Set<DeliveryBooking>().Where(b => b.OrderId == orderId && b.Status == booking.Status)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Released), ct);
        if (won != 1)
        {
            return null;
        }
        await db.Set<DeliverySlot>().Where(s => s.Id == booking.SlotId && s.Booked > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Booked, x => x.Booked - 1), ct);
        logger.LogInformation("Released the delivery slot of order {OrderId}", orderId);
        return booking.Status == BookingStatus.Waved ? booking.WaveId : null;
    }
}
