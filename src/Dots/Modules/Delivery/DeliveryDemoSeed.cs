using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Delivery;

/// <summary>
/// The demo night: a centre in central Seoul, four zones split by the Han river and Namsan, fourteen vans, packaging for
/// fresh food, and tonight's 320 bookings (seeded straight into Delivery's own tables; their order ids do not exist in
/// Ordering) plus one real order of the demo customer placed through checkout, so an operator can run the wave and the
/// demo customer can watch an order move.
/// </summary>
internal sealed class DeliveryDemoSeed(DotsDbContext db, DeliverySetup setup, CatalogService catalog, CheckoutService checkout,
    DriverService drivers, UserManager<AppUser> users, TimeProvider clock, ILogger<DeliveryDemoSeed> logger) : IDemoSeedContributor
{
    public const int DemoNightOrders = 320;

    /// <summary>The demo's driver accounts (password <see cref="DemoSeeder.DemoPassword"/>): driver1..3@dots.local.</summary>
    internal static readonly (string Email, string Name, string Phone)[] DemoDrivers =
    [
        ("driver1@dots.local", "Park Jisoo", "010-5100-0001"),
        ("driver2@dots.local", "Lee Minho", "010-5100-0002"),
        ("driver3@dots.local", "Choi Yuna", "010-5100-0003"),
    ];

    internal static readonly GeoPoint Depot = new(37.5326, 126.9905);

    // North of the river west/east, south of the river west/east (a Seoul-like city; the river is near 37.53).
    internal static readonly (string Name, string NameKo, double[][] Polygon)[] Zones =
    [
        ("Mapo · Jongno", "마포 · 종로", [[37.528, 126.86], [37.66, 126.86], [37.66, 126.995], [37.528, 126.995]]),
        ("Seongdong · Nowon", "성동 · 노원", [[37.528, 126.995], [37.68, 126.995], [37.68, 127.12], [37.528, 127.12]]),
        ("Gangseo · Gwanak", "강서 · 관악", [[37.45, 126.80], [37.528, 126.80], [37.528, 126.99], [37.45, 126.99]]),
        ("Gangnam · Songpa", "강남 · 송파", [[37.45, 126.99], [37.528, 126.99], [37.528, 127.16], [37.45, 127.16]]),
    ];

    public async Task SeedAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Set<FulfilmentCentre>().AnyAsync(ct))
        {
            return;
        }
        progress?.Report("Delivery: a centre, zones, a fleet and a night of orders");
        var centre = await setup.CreateCentreAsync(new CentreRequest("Seoul Yongsan Centre", "서울 용산 센터", Depot.Latitude, Depot.Longitude, "23:00", "07:00", "Asia/Seoul"), ct);
        var zones = new List<ZoneDto>();
        foreach (var (name, nameKo, polygon) in Zones)
        {
            zones.Add(await setup.SaveZoneAsync(null, new ZoneRequest(name, nameKo, centre.Id, polygon.ToList(), 150), ct));
        }
        for (var i = 1; i <= 14; i++)
        {
            await setup.AddVehicleAsync(new VehicleRequest(centre.Id, $"Van {i:00}", 90, 600), ct);
        }
        foreach (var (email, name, phone) in DemoDrivers)
        {
            var account = await users.FindByEmailAsync(email);
            if (account is null)
            {
                account = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = clock.GetUtcNow() };
                var result = await users.CreateAsync(account, DemoSeeder.DemoPassword);
                if (!result.Succeeded)
                {
                    logger.LogWarning("Could not create the demo driver {Email}: {Errors}", email, string.Join(" ", result.Errors.Select(e => e.Description)));
                    continue;
                }
            }
            await drivers.AddDriverAsync(account.Id, email, new DriverRequest(email, name, phone), ct);
        }
        var products = new List<(string ProductId, string VariantId)>();
        foreach (var category in new[] { "fresh-food", "kitchen", "home", "beauty", "books" })
        {
            var page = await catalog.SearchAsync(new ProductQuery(Category: category, PageSize: 12), ct);
            foreach (var p in page.Items)
            {
                var product = await catalog.GetProductAsync(p.Id, null, ct);
                if (product.Variants.FirstOrDefault(v => v.Stock > 0) is { } variant)
                {
                    products.Add((p.Id, variant.Id));
                }
                if (category == "fresh-food")
                {
                    var frozen = p.Title.Contains("dumpling", StringComparison.OrdinalIgnoreCase) || p.Title.Contains("ice", StringComparison.OrdinalIgnoreCase);
                    await setup.SetPackagingAsync(p.Id, new PackagingRequest(frozen ? "frozen" : "chilled", 1.5, null), ct);
                }
            }
        }
        if (products.Count == 0)
        {
            logger.LogWarning("No demo products: the delivery demo night is skipped");
            return;
        }

        var centreEntity = await db.Set<FulfilmentCentre>().AsNoTracking().FirstAsync(c => c.Id == centre.Id, ct);
        var night = DeliveryService.NightOf(centreEntity, clock.GetUtcNow());
        var date = DeliveryService.DateText(night);
        var buyers = new List<string>();
        for (var i = 1; i <= 20; i++)
        {
            if (await users.FindByEmailAsync($"customer{i}@dots.local") is { } u)
            {
                buyers.Add(u.Id);
            }
        }
        if (buyers.Count == 0)
        {
            return;
        }
        var packaging = await db.Set<ProductPackaging>().AsNoTracking().ToDictionaryAsync(p => p.ProductId, p => p.Class, ct);
        AddNight(db, centre.Id, zones, night, DemoNightOrders, buyers, products, packaging, new Random(2026), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        // One real order of the demo customer, through checkout: its slot is taken by the delivery step like any other.
        if (await users.FindByEmailAsync(DemoSeeder.DemoCustomerEmail) is { } demo)
        {
            var (_, variantId) = products[0];
            var request = new PlaceOrderRequest([new OrderItemRequest(variantId, 1)],
                new AddressDto("Demo Customer", "152 Teheran-ro", "12F", "Seoul", "06236", "010-1234-5678", 37.5006, 127.0364),
                new PaymentRequest("card", "4242424242424242"))
            {
                Extensions = new Dictionary<string, System.Text.Json.JsonElement>
                {
                    ["delivery"] = System.Text.Json.JsonSerializer.SerializeToElement(new { doorCode = "#1234", leaveAtDoor = true, instructions = "Please leave it by the door" }),
                },
            };
            try
            {
                await checkout.PlaceOrderAsync(demo.Id, request, "demo-delivery-order", ct);
            }
            catch (Exception e) when (e is ConflictException or RequestValidationException)
            {
                logger.LogWarning("The demo customer's delivery order could not be placed: {Message}", e.Message);
            }
        }
    }

    /// <summary>Adds a night of <paramref name="count"/> bookings spread over the zones (the demo, the bench and the tests share it).</summary>
    internal static void AddNight(DotsDbContext db, string centreId, IReadOnlyList<ZoneDto> zones, DateOnly night, int count, IReadOnlyList<string> buyers,
        IReadOnlyList<(string ProductId, string VariantId)> products, IReadOnlyDictionary<string, PackagingClass> packaging, Random random, DateTimeOffset now)
    {
        if (products.Count == 0)
        {
            products = [("demo-product", "demo-variant")];
        }
        var date = DeliveryService.DateText(night);
        var booked = new Dictionary<string, int>();
        var streets = new[] { "Teheran-ro", "Olympic-ro", "Sejong-daero", "Mapo-daero", "Dosan-daero", "Hangang-daero", "Yanghwa-ro", "Wangsimni-ro" };
        for (var n = 0; n < count; n++)
        {
            var zone = zones[n % zones.Count];
            var point = RandomPointIn(zone.Polygon, random);
            var orderId = "demo" + Ids.New()[4..];
            var lines = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => products[random.Next(products.Count)]).DistinctBy(p => p.VariantId)
                .Select(p => new DeliveryBookingLine
                {
                    Id = Ids.New(),
                    OrderId = orderId,
                    ProductId = p.ProductId,
                    VariantId = p.VariantId,
                    Quantity = 1 + random.Next(2),
                    Packaging = packaging.GetValueOrDefault(p.ProductId),
                }).ToList();
            db.Add(new DeliveryBooking
            {
                OrderId = orderId,
                BuyerId = buyers[n % buyers.Count],
                SlotId = DeliveryService.SlotId(zone.Id, night),
                ZoneId = zone.Id,
                CentreId = centreId,
                Date = date,
                Latitude = point.Latitude,
                Longitude = point.Longitude,
                Recipient = $"Customer {n % buyers.Count + 1}",
                AddressText = $"{10 + random.Next(400)} {streets[random.Next(streets.Length)]}, Seoul",
                Phone = $"010-{random.Next(1000, 9999)}-{random.Next(1000, 9999)}",
                DoorCode = random.Next(4) == 0 ? $"#{random.Next(1000, 9999)}" : null,
                LeaveAtDoor = random.Next(2) == 0,
                Units = lines.Sum(l => l.Quantity),
                WeightKg = lines.Sum(l => l.Quantity * 1.2),
                HasChilled = lines.Any(l => l.Packaging == PackagingClass.Chilled),
                HasFrozen = lines.Any(l => l.Packaging == PackagingClass.Frozen),
                BookedAt = now,
                Lines = lines,
            });
            booked[zone.Id] = booked.GetValueOrDefault(zone.Id) + 1;
        }
        foreach (var zone in zones)
        {
            db.Add(new DeliverySlot { Id = DeliveryService.SlotId(zone.Id, night), ZoneId = zone.Id, Date = date, Capacity = Math.Max(zone.NightlyCapacity, booked.GetValueOrDefault(zone.Id)), Booked = booked.GetValueOrDefault(zone.Id) });
        }
    }

    internal static GeoPoint RandomPointIn(IReadOnlyList<GeoPointDto> polygon, Random random)
    {
        var points = polygon.Select(p => new GeoPoint(p.Latitude, p.Longitude)).ToList();
        double minLat = points.Min(p => p.Latitude), maxLat = points.Max(p => p.Latitude), minLon = points.Min(p => p.Longitude), maxLon = points.Max(p => p.Longitude);
        while (true)
        {
            var p = new GeoPoint(minLat + random.NextDouble() * (maxLat - minLat), minLon + random.NextDouble() * (maxLon - minLon));
            if (Geo.Contains(points, p))
            {
                return p;
            }
        }
    }
}
