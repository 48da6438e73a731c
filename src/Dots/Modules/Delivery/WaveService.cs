using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Delivery;

/// <summary>
/// The night: a wave per centre per date, claimed by a unique row (whoever inserts it first; everyone else reads it),
/// the night's bookings frozen into it in the same transaction; pick lists, packing lists and the routes read back.
/// </summary>
public sealed class WaveService(DotsDbContext db, StockService stock, TimeProvider clock, IOptions<DeliveryOptions> options, ILogger<WaveService> logger)
{
    internal async Task<FulfilmentCentre> CentreAsync(string? centreId, CancellationToken ct)
    {
        if (centreId is not null)
        {
            return await db.Set<FulfilmentCentre>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == centreId, ct)
                ?? throw new RequestValidationException("centreId", $"No fulfilment centre with id '{centreId}'.");
        }
        var centres = await db.Set<FulfilmentCentre>().AsNoTracking().OrderBy(c => c.Name).Take(2).ToListAsync(ct);
        return centres.Count switch
        {
            0 => throw new ConflictException("No fulfilment centre is set up yet."),
            1 => centres[0],
            _ => throw new RequestValidationException("centreId", "Several centres exist: name one with centreId."),
        };
    }

    /// <summary>Creates the wave of <paramref name="night"/> once; returns it and whether this call created it.</summary>
    public async Task<(string WaveId, bool Created)> CreateAsync(string? centreId, DateOnly night, string trigger, CancellationToken ct)
    {
        var centre = await CentreAsync(centreId, ct);
        var date = DeliveryService.DateText(night);
        var existing = await db.Set<DeliveryWave>().AsNoTracking().FirstOrDefaultAsync(w => w.CentreId == centre.Id && w.Date == date, ct);
        if (existing is not null)
        {
            return (existing.Id, false);
        }
        var wave = new DeliveryWave { Id = Ids.New(), CentreId = centre.Id, Date = date, Status = WaveStatus.Planning, Trigger = trigger, CreatedAt = clock.GetUtcNow() };
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Add(wave);
            await db.SaveChangesAsync(ct);
            wave.Orders = await db.Set<DeliveryBooking>()
                .Where(b => b.CentreId == centre.Id && b.Date == date && b.Status == BookingStatus.Booked)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Waved).SetProperty(b => b.WaveId, wave.Id), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance (or operator) claimed this night first: theirs is the wave.
            db.ChangeTracker.Clear();
            var winner = await db.Set<DeliveryWave>().AsNoTracking().FirstOrDefaultAsync(w => w.CentreId == centre.Id && w.Date == date, ct);
            if (winner is null)
            {
                throw;
            }
            return (winner.Id, false);
        }
        logger.LogInformation("Wave {WaveId} of {Date} froze {Orders} orders ({Trigger})", wave.Id, date, wave.Orders, trigger);
        return (wave.Id, true);
    }

    public async Task<WaveDto?> GetAsync(string waveId, CancellationToken ct, bool withPickLists = true)
    {
        var wave = await db.Set<DeliveryWave>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == waveId, ct);
        if (wave is null)
        {
            return null;
        }
        var bookings = await db.Set<DeliveryBooking>().AsNoTracking().Include(b => b.Lines)
            .Where(b => b.WaveId == waveId && b.Status != BookingStatus.Released).ToListAsync(ct);
        var routes = await db.Set<DeliveryRoute>().AsNoTracking().Where(r => r.WaveId == waveId).OrderBy(r => r.Index).ToListAsync(ct);
        var byRoute = bookings.Where(b => b.RouteId != null).GroupBy(b => b.RouteId!).ToDictionary(g => g.Key, g => g.OrderBy(b => b.Sequence).ToList());
        var tz = await ZoneOfWaveAsync(db, waveId, ct);
        var routeDtos = routes.Select(r => ToDto(r, byRoute.GetValueOrDefault(r.Id) ?? [], tz)).ToList();
        var unservable = bookings.Where(b => b.Unservable != null).Select(b =>
        {
            var parts = b.Unservable!.Split('|', 2);
            return new UnservableDto(b.OrderId, parts[0], parts.Length > 1 ? parts[1] : "");
        }).ToList();
        var pickLists = withPickLists ? await PickListsAsync(bookings, ct) : [];
        return new WaveDto(wave.Id, wave.CentreId, wave.Date, wave.Status.ToString(), bookings.Count, pickLists, routeDtos, unservable,
            Math.Round(wave.PlanningSeconds, 3), Math.Round(wave.Distance, 2), wave.Revision, Local(wave.CreatedAt, tz)!.Value, Local(wave.PlannedAt, tz), wave.Error);
    }

    internal static RouteDto ToDto(DeliveryRoute r, IReadOnlyList<DeliveryBooking> stops, TimeZoneInfo tz) => new(
        r.Id, r.VehicleName, r.VehicleId, r.Status.ToString(), stops.Select(s => StopDto(s, tz)).ToList(), Math.Round(r.DistanceKm, 2), r.LoadUnits,
        Math.Round(r.LoadKg, 1), Math.Round(r.DurationMinutes, 1), Math.Round(r.LatenessMinutes, 1), Local(r.DepartAt, tz), r.DriverUserId);

    internal static DateTimeOffset? Local(DateTimeOffset? at, TimeZoneInfo tz) => at is null ? null : TimeZoneInfo.ConvertTime(at.Value, tz);

    /// <summary>The time zone of the centre a wave belongs to (times leave the module in the centre's local time).</summary>
    internal static async Task<TimeZoneInfo> ZoneOfWaveAsync(DotsDbContext db, string waveId, CancellationToken ct)
    {
        var tz = await db.Set<DeliveryWave>().Where(w => w.Id == waveId)
            .Join(db.Set<FulfilmentCentre>(), w => w.CentreId, c => c.Id, (w, c) => c.TimeZone).FirstOrDefaultAsync(ct);
        return TimeZoneInfo.FindSystemTimeZoneById(tz ?? "UTC");
    }

    internal static string PackagingOf(DeliveryBooking b) =>
        string.Join("+", new[] { "ambient", b.HasChilled ? "chilled" : null, b.HasFrozen ? "frozen" : null }.Where(x => x != null)
            .Where(x => x != "ambient" || b.Lines.Count == 0 || b.Lines.Any(l => l.Packaging == PackagingClass.Ambient)));

    internal static RouteStopDto StopDto(DeliveryBooking b, TimeZoneInfo tz) => new(
        b.OrderId, Local(b.Eta, tz), b.Sequence, b.Status.ToString(), b.Latitude, b.Longitude, b.Recipient, b.AddressText, b.Phone, PackagingOf(b),
        b.DoorCode, b.LeaveAtDoor, b.Instructions, Local(b.DeliveredAt, tz), b.ProofFile is null ? null : CatalogService.ImageUrl(b.ProofFile), b.FailReason);

    /// <summary>Pick lists batched by zone and packaging class, each walked along the centre's aisle sequence.</summary>
    private async Task<IReadOnlyList<PickListDto>> PickListsAsync(List<DeliveryBooking> bookings, CancellationToken ct)
    {
        var lines = bookings.SelectMany(b => b.Lines.Select(l => (b.ZoneId, Line: l))).ToList();
        var variants = await stock.GetVariantsAsync(lines.Select(l => l.Line.VariantId).Distinct().ToList(), ct);
        var productIds = lines.Select(l => l.Line.ProductId).Distinct().ToList();
        var aisles = await db.Set<ProductPackaging>().AsNoTracking().Where(p => productIds.Contains(p.ProductId)).ToDictionaryAsync(p => p.ProductId, p => p.Aisle, ct);
        var zones = await db.Set<DeliveryZone>().AsNoTracking().ToDictionaryAsync(z => z.Id, z => z.Name, ct);
        return lines.GroupBy(l => (l.ZoneId, l.Line.Packaging)).OrderBy(g => zones.GetValueOrDefault(g.Key.ZoneId)).ThenBy(g => g.Key.Packaging)
            .Select(g => new PickListDto(zones.GetValueOrDefault(g.Key.ZoneId) ?? g.Key.ZoneId, g.Key.Packaging.ToString().ToLowerInvariant(),
                g.Select(x => x.Line.OrderId).Distinct().Count(),
                g.GroupBy(x => x.Line.VariantId).Select(v =>
                {
                    var first = v.First().Line;
                    var info = variants.GetValueOrDefault(first.VariantId);
                    return new PickItemDto(first.ProductId, first.VariantId, info?.Title ?? first.ProductId, info?.Sku ?? "", v.Sum(x => x.Line.Quantity),
                        AisleOf(aisles, first.ProductId, first.Packaging));
                }).OrderBy(i => i.Aisle).ThenBy(i => i.Title, StringComparer.Ordinal).ToList()))
            .ToList();
    }

    /// <summary>The aisle a product is stored in: its own when set, else a stable one in its packaging class's area.</summary>
    internal static int AisleOf(IReadOnlyDictionary<string, int> aisles, string productId, PackagingClass packaging) =>
        aisles.TryGetValue(productId, out var a) && a > 0 ? a
            : (int)packaging * 100 + 1 + (int)((uint)StableHash(productId) % 40);

    private static int StableHash(string s)
    {
        unchecked
        {
            var h = 17;
            foreach (var c in s)
            {
                h = h * 31 + c;
            }
            return h;
        }
    }

    public async Task<IReadOnlyList<PackingListDto>> PackingListsAsync(string waveId, CancellationToken ct)
    {
        var bookings = await db.Set<DeliveryBooking>().AsNoTracking().Include(b => b.Lines)
            .Where(b => b.WaveId == waveId && b.Status != BookingStatus.Released).OrderBy(b => b.RouteId).ThenBy(b => b.Sequence).ToListAsync(ct);
        var variants = await stock.GetVariantsAsync(bookings.SelectMany(b => b.Lines).Select(l => l.VariantId).Distinct().ToList(), ct);
        return bookings.Select(b => new PackingListDto(b.OrderId, b.Lines.GroupBy(l => l.Packaging).OrderBy(g => g.Key)
            .Select(g => new PackingBoxDto(g.Key.ToString().ToLowerInvariant(), g.Select(l => new PickItemDto(l.ProductId, l.VariantId,
                variants.GetValueOrDefault(l.VariantId)?.Title ?? l.ProductId, variants.GetValueOrDefault(l.VariantId)?.Sku ?? "", l.Quantity, 0)).ToList()))
            .ToList())).ToList();
    }

    public async Task<IReadOnlyList<WaveSummaryDto>> RecentAsync(int take, CancellationToken ct)
    {
        var waves = await db.Set<DeliveryWave>().AsNoTracking().OrderByDescending(w => w.Date).ThenByDescending(w => w.CreatedAt).Take(take).ToListAsync(ct);
        var ids = waves.Select(w => w.Id).ToList();
        var routeCounts = await db.Set<DeliveryRoute>().Where(r => ids.Contains(r.WaveId)).GroupBy(r => r.WaveId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return waves.Select(w => new WaveSummaryDto(w.Id, w.CentreId, w.Date, w.Status.ToString(), w.Orders, routeCounts.GetValueOrDefault(w.Id),
            Math.Round(w.Distance, 1), Math.Round(w.PlanningSeconds, 2), w.CreatedAt)).ToList();
    }

    /// <summary>Slot fill per zone for a night.</summary>
    public async Task<IReadOnlyList<ZoneFillDto>> ZoneFillAsync(DateOnly night, CancellationToken ct)
    {
        var date = DeliveryService.DateText(night);
        var zones = await db.Set<DeliveryZone>().AsNoTracking().OrderBy(z => z.Name).ToListAsync(ct);
        var slots = await db.Set<DeliverySlot>().AsNoTracking().Where(s => s.Date == date).ToDictionaryAsync(s => s.ZoneId, ct);
        return zones.Select(z => new ZoneFillDto(z.Id, z.Name, z.NameKo, date, slots.GetValueOrDefault(z.Id)?.Capacity ?? z.NightlyCapacity,
            slots.GetValueOrDefault(z.Id)?.Booked ?? 0, Geo.ParsePolygon(z.PolygonJson).Select(p => new GeoPointDto(p.Latitude, p.Longitude)).ToList())).ToList();
    }

    /// <summary>The night the console shows by default: the one being taken now, or the one whose cut-off just passed when it has a wave.</summary>
    public async Task<(DateOnly Night, GeoPoint Depot, string TimeZone)> CurrentNightAsync(CancellationToken ct)
    {
        var centre = await db.Set<FulfilmentCentre>().AsNoTracking().OrderBy(c => c.Name).FirstOrDefaultAsync(ct);
        if (centre is null)
        {
            return (DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), default, "UTC");
        }
        return (DeliveryService.NightOf(centre, clock.GetUtcNow()), new GeoPoint(centre.Latitude, centre.Longitude), centre.TimeZone);
    }

    public async Task<WaveDto?> LatestWaveAsync(CancellationToken ct)
    {
        var id = await db.Set<DeliveryWave>().AsNoTracking().OrderByDescending(w => w.Date).ThenByDescending(w => w.CreatedAt).Select(w => w.Id).FirstOrDefaultAsync(ct);
        return id is null ? null : await GetAsync(id, ct, withPickLists: false);
    }

    public async Task<GeoPoint?> DepotOfWaveAsync(string waveId, CancellationToken ct)
    {
        var centreId = await db.Set<DeliveryWave>().Where(w => w.Id == waveId).Select(w => w.CentreId).FirstOrDefaultAsync(ct);
        var centre = await db.Set<FulfilmentCentre>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == centreId, ct);
        return centre is null ? null : new GeoPoint(centre.Latitude, centre.Longitude);
    }

    internal static DateOnly ParseDate(string? text, string field = "date") =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw new RequestValidationException(field, "The date must be a centre-local date like 2026-11-28.");

    internal TimeSpan Budget => options.Value.PlanningBudget;
}
