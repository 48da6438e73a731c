using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Rentals;

/// <summary>Rentable bikes, camping gear, tools and baby gear in the demo shops (only when the rentals tables are empty).</summary>
internal sealed class RentalsDemoSeed(DotsDbContext db, CatalogService catalog, RentalService rentals, Dots.Modules.Stores.StoreService stores) : IDemoSeedContributor
{
    private sealed record Def(string ShopName, string Title, string Description, string Category, decimal Day, decimal? Week, decimal Deposit, int Min, int Max, int Buffer, string[] Units);

    private static readonly Def[] Defs =
    [
        new("Bukhansan Trail Co.", "City bike (7-speed)", "A light 7-speed city bike with a basket and lights. Helmet included.", "sports", 15000, 80000, 100000, 1, 28, 1, ["Bike A-01", "Bike A-02", "Bike A-03"]),
        new("Bukhansan Trail Co.", "E-bike for the Han river", "Pedal-assist e-bike, 60 km range, charger included.", "sports", 35000, 190000, 300000, 1, 14, 1, ["E-bike 1", "E-bike 2"]),
        new("Bukhansan Trail Co.", "Camping set for two", "Tent, two sleeping bags, mats and a stove, packed in one bag.", "sports", 30000, 150000, 150000, 2, 14, 2, ["Camp set 1", "Camp set 2"]),
        new("Maru Home", "Cordless drill kit", "18V drill with two batteries and a bit set.", "home", 8000, 40000, 50000, 1, 14, 0, ["Drill 1", "Drill 2"]),
        new("Maru Home", "Carpet cleaner", "Deep-cleaning machine for carpets and sofas.", "home", 20000, null, 80000, 1, 7, 1, ["Cleaner 1"]),
        new("Little Dots", "Travel stroller", "Folds to cabin size; for 6 months to 4 years.", "kids", 9000, 50000, 120000, 3, 60, 1, ["Stroller 1", "Stroller 2"]),
        new("Little Dots", "Car seat (0–4 years)", "ISOFIX car seat, cleaned and checked after every rental.", "kids", 7000, 40000, 100000, 3, 60, 2, ["Car seat 1", "Car seat 2"]),
    ];

    public async Task SeedAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Set<RentalItem>().AnyAsync(ct))
        {
            return;
        }
        var shops = (await catalog.ListShopsAsync(1, 100, ct)).Items;
        var count = 0;
        foreach (var def in Defs)
        {
            var shop = shops.FirstOrDefault(s => s.Name == def.ShopName);
            if (shop is null)
            {
                continue;
            }
            // Handed out from the shop's first store when it has one (its staff then work the rentals desk there).
            var desk = (await stores.ListLocationsAsync(shop.Id, ct)).Where(l => !l.IsOnlineCentre && l.Pickup).Select(l => l.Id).FirstOrDefault();
            await rentals.CreateAsync(shop.Id, shop.OwnerId, new CreateRentalRequest(def.Title, def.Description, def.Category,
                MoneyDto.Of(def.Day, shop.Currency), def.Week is { } w ? MoneyDto.Of(w, shop.Currency) : null, MoneyDto.Of(def.Deposit, shop.Currency),
                def.Min, def.Max, def.Buffer, def.Units.Select(u => new RentalUnitRequest(u, "good")).ToList()) { LocationId = desk }, ct);
            count++;
        }
        progress?.Report($"Rentals: {count} rentable items");
    }
}
