using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Delivery;

public sealed record CentreRequest(string? Name, string? NameKo, double? Latitude, double? Longitude, string? Cutoff, string? DeliverBy, string? TimeZone);

public sealed record CentreDto(string Id, string Name, string? NameKo, double Latitude, double Longitude, string Cutoff, string DeliverBy, string TimeZone);

public sealed record VehicleRequest(string? CentreId, string? Name, int? CapacityUnits, double? CapacityKg);

public sealed record VehicleDto(string Id, string CentreId, string Name, int CapacityUnits, double CapacityKg, bool Active);

public sealed record ZoneDto(string Id, string CentreId, string Name, string? NameKo, int NightlyCapacity, IReadOnlyList<GeoPointDto> Polygon);

/// <summary>Operators' set-up of the night: centres, zones (polygons, capacity), the fleet, products' packaging.</summary>
public sealed class DeliverySetup(DotsDbContext db)
{
    public async Task<CentreDto> CreateCentreAsync(CentreRequest r, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireText(r.Name, "name", 100, "name")
            .Require(r.Latitude is >= -90 and <= 90, "latitude", "The latitude must be between -90 and 90.")
            .Require(r.Longitude is >= -180 and <= 180, "longitude", "The longitude must be between -180 and 180.");
        var cutoff = ParseTime(v, r.Cutoff, "cutoff", 23 * 60);
        var deliverBy = ParseTime(v, r.DeliverBy, "deliverBy", 7 * 60);
        var tz = r.TimeZone ?? "Asia/Seoul";
        v.Require(TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _), "timeZone", $"Unknown time zone '{tz}'.");
        v.ThrowIfInvalid();
        var centre = new FulfilmentCentre { Id = Ids.New(), Name = r.Name!.Trim(), NameKo = r.NameKo, Latitude = r.Latitude!.Value, Longitude = r.Longitude!.Value, CutoffMinutes = cutoff, DeliverByMinutes = deliverBy, TimeZone = tz };
        db.Add(centre);
        await db.SaveChangesAsync(ct);
        return ToDto(centre);
    }

    /// <summary>Changes a centre's cut-off and deliver-by times (its zones' nights follow them from the next promise on).</summary>
    public async Task<CentreDto> UpdateCentreTimesAsync(string centreId, string? cutoff, string? deliverBy, CancellationToken ct)
    {
        var centre = await db.Set<FulfilmentCentre>().FirstOrDefaultAsync(c => c.Id == centreId, ct) ?? throw new NotFoundException("No such centre.");
        var v = new Validation();
        v.Require(cutoff is not null, "cutoff", "The cut-off is required (a local time like 23:00).");
        var c = ParseTime(v, cutoff, "cutoff", centre.CutoffMinutes);
        var d = ParseTime(v, deliverBy, "deliverBy", centre.DeliverByMinutes);
        v.Require(c != d, "deliverBy", "The deliver-by time must differ from the cut-off.");
        v.ThrowIfInvalid();
        centre.CutoffMinutes = c;
        centre.DeliverByMinutes = d;
        await db.SaveChangesAsync(ct);
        return ToDto(centre);
    }

    /// <summary>
    /// Reads polygon vertices typed one per line as "latitude, longitude" (the zone form's list). Errors name the line.
    /// </summary>
    public static List<double[]> ParseVertices(string? text)
    {
        var points = new List<double[]>();
        var lines = (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2
                || !double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var lon)
                || !double.IsFinite(lat) || !double.IsFinite(lon))
            {
                throw new RequestValidationException("polygon", $"Line {i + 1} is not \"latitude, longitude\" (e.g. 37.5326, 126.9905).");
            }
            points.Add([lat, lon]);
        }
        return points;
    }

    public async Task<IReadOnlyList<CentreDto>> CentresAsync(CancellationToken ct) =>
        (await db.Set<FulfilmentCentre>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct)).Select(ToDto).ToList();

    private static CentreDto ToDto(FulfilmentCentre c) => new(c.Id, c.Name, c.NameKo, c.Latitude, c.Longitude,
        $"{c.CutoffMinutes / 60:00}:{c.CutoffMinutes % 60:00}", $"{c.DeliverByMinutes / 60:00}:{c.DeliverByMinutes % 60:00}", c.TimeZone);

    private static int ParseTime(Validation v, string? text, string field, int fallback)
    {
        if (text is null)
        {
            return fallback;
        }
        if (TimeOnly.TryParseExact(text, "HH:mm", out var t))
        {
            return t.Hour * 60 + t.Minute;
        }
        v.Add(field, $"{field} must be a local time like 23:00.");
        return fallback;
    }

    public async Task<ZoneDto> SaveZoneAsync(string? zoneId, ZoneRequest r, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireText(r.Name, "name", 100, "name")
            .Require(r.NightlyCapacity is >= 0 and <= 100_000, "nightlyCapacity", "The nightly capacity must be between 0 and 100000 orders.")
            .Require(r.Polygon is { Count: >= 3 and <= 500 } && r.Polygon.All(p => p is { Length: 2 } && p[0] is >= -90 and <= 90 && p[1] is >= -180 and <= 180),
                "polygon", "The polygon needs 3 to 500 [latitude, longitude] points.");
        v.ThrowIfInvalid();
        v.Require(Math.Abs(Area(r.Polygon!)) > 1e-9, "polygon", "The polygon has no area: its points are the same or on one line.");
        v.ThrowIfInvalid();
        DeliveryZone zone;
        if (zoneId is null)
        {
            var centreId = r.CentreId ?? await db.Set<FulfilmentCentre>().OrderBy(c => c.Name).Select(c => c.Id).FirstOrDefaultAsync(ct)
                ?? throw new ConflictException("Create a fulfilment centre first.");
            if (!await db.Set<FulfilmentCentre>().AnyAsync(c => c.Id == centreId, ct))
            {
                throw new RequestValidationException("centreId", $"No fulfilment centre with id '{centreId}'.");
            }
            zone = new DeliveryZone { Id = Ids.New(), CentreId = centreId, Name = "", PolygonJson = "[]" };
            db.Add(zone);
        }
        else
        {
            zone = await db.Set<DeliveryZone>().FirstOrDefaultAsync(z => z.Id == zoneId, ct) ?? throw new NotFoundException("No such zone.");
        }
        zone.Name = r.Name!.Trim();
        zone.NameKo = r.NameKo;
        zone.NightlyCapacity = r.NightlyCapacity!.Value;
        zone.PolygonJson = Geo.PolygonJson(r.Polygon!.Select(p => new GeoPoint(p[0], p[1])));
        await db.SaveChangesAsync(ct);
        // Nights not yet waved take the new capacity (never below what is already booked).
        var capacity = zone.NightlyCapacity;
        var waved = await db.Set<DeliveryWave>().Where(w => w.CentreId == zone.CentreId).Select(w => w.Date).ToListAsync(ct);
        await db.Set<DeliverySlot>().Where(s => s.ZoneId == zone.Id && !waved.Contains(s.Date))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Capacity, x => x.Booked > capacity ? x.Booked : capacity), ct);
        return ZoneDto(zone);
    }

    public async Task<ZoneDto?> ZoneAsync(string zoneId, CancellationToken ct) =>
        await db.Set<DeliveryZone>().AsNoTracking().FirstOrDefaultAsync(z => z.Id == zoneId, ct) is { } z ? ZoneDto(z) : null;

    private static double Area(IReadOnlyList<double[]> p)
    {
        var sum = 0.0;
        for (int i = 0, j = p.Count - 1; i < p.Count; j = i++)
        {
            sum += (p[j][1] + p[i][1]) * (p[j][0] - p[i][0]);
        }
        return sum / 2;
    }

    public async Task<IReadOnlyList<ZoneDto>> ZonesAsync(CancellationToken ct) =>
        (await db.Set<DeliveryZone>().AsNoTracking().OrderBy(z => z.Name).ToListAsync(ct)).Select(ZoneDto).ToList();

    private static ZoneDto ZoneDto(DeliveryZone z) => new(z.Id, z.CentreId, z.Name, z.NameKo, z.NightlyCapacity,
        Geo.ParsePolygon(z.PolygonJson).Select(p => new GeoPointDto(p.Latitude, p.Longitude)).ToList());

    public async Task<VehicleDto> AddVehicleAsync(VehicleRequest r, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireText(r.Name, "name", 60, "name")
            .Require(r.CapacityUnits is >= 1 and <= 100_000, "capacityUnits", "The capacity must be between 1 and 100000 units.")
            .Require(r.CapacityKg is null or (> 0 and <= 100_000), "capacityKg", "The weight capacity must be between 0 and 100000 kg.");
        v.ThrowIfInvalid();
        var centreId = r.CentreId ?? await db.Set<FulfilmentCentre>().OrderBy(c => c.Name).Select(c => c.Id).FirstOrDefaultAsync(ct)
            ?? throw new ConflictException("Create a fulfilment centre first.");
        var vehicle = new DeliveryVehicle { Id = Ids.New(), CentreId = centreId, Name = r.Name!.Trim(), CapacityUnits = r.CapacityUnits!.Value, CapacityKg = r.CapacityKg ?? 1000 };
        db.Add(vehicle);
        await db.SaveChangesAsync(ct);
        return new VehicleDto(vehicle.Id, vehicle.CentreId, vehicle.Name, vehicle.CapacityUnits, vehicle.CapacityKg, vehicle.Active);
    }

    public async Task<IReadOnlyList<VehicleDto>> VehiclesAsync(CancellationToken ct) =>
        (await db.Set<DeliveryVehicle>().AsNoTracking().OrderBy(v => v.Name).ToListAsync(ct))
            .Select(v => new VehicleDto(v.Id, v.CentreId, v.Name, v.CapacityUnits, v.CapacityKg, v.Active)).ToList();

    public async Task SetPackagingAsync(string productId, PackagingRequest r, CancellationToken ct)
    {
        if (!Enum.TryParse<PackagingClass>(r.Class, ignoreCase: true, out var cls) || !Enum.IsDefined(cls))
        {
            throw new RequestValidationException("class", "The packaging class must be ambient, chilled or frozen.");
        }
        var p = await db.Set<ProductPackaging>().FirstOrDefaultAsync(x => x.ProductId == productId, ct);
        if (p is null)
        {
            p = new ProductPackaging { ProductId = productId };
            db.Add(p);
        }
        p.Class = cls;
        p.WeightKg = r.WeightKg is > 0 and < 1000 ? r.WeightKg.Value : p.WeightKg;
        p.Aisle = r.Aisle ?? p.Aisle;
        await db.SaveChangesAsync(ct);
    }

    public async Task<PackagingClass> PackagingOfAsync(string productId, CancellationToken ct) =>
        await db.Set<ProductPackaging>().Where(p => p.ProductId == productId).Select(p => (PackagingClass?)p.Class).FirstOrDefaultAsync(ct) ?? PackagingClass.Ambient;
}
