using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Stores;

/// <summary>Demo stores in Seoul with pickup desks and a share of their shop's stock (only when the stores tables are empty).</summary>
internal sealed class StoresDemoSeed(DotsDbContext db, CatalogService catalog, StoreService stores) : IDemoSeedContributor
{
    private sealed record Def(string ShopName, string Name, string Address, double Lat, double Lon);

    private static readonly Def[] Defs =
    [
        new("Maru Home", "Maru Home Seongsu", "12 Seongsu-ro, Seongdong-gu, Seoul", 37.5446, 127.0557),
        new("Maru Home", "Maru Home Hannam", "45 Itaewon-ro, Yongsan-gu, Seoul", 37.5347, 127.0003),
        new("Bukhansan Trail Co.", "Trail Co. Bukhansan base", "262 Bogug-munro, Gangbuk-gu, Seoul", 37.6584, 126.9800),
        new("Bukhansan Trail Co.", "Trail Co. Gangnam", "152 Teheran-ro, Gangnam-gu, Seoul", 37.5006, 127.0364),
        new("Hanji Craft House", "Hanji Craft Insadong", "30 Insadong-gil, Jongno-gu, Seoul", 37.5740, 126.9860),
    ];

    public async Task SeedAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Set<StoreLocation>().AnyAsync(l => !l.IsOnlineCentre, ct))
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
            var hours = new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" }.Select(d => new OpeningHoursDto(d, d is "sat" or "sun" ? "11:00" : "10:00", "21:00")).ToList();
            var location = await stores.CreateLocationAsync(shop.Id, shop.OwnerId, new CreateLocationRequest(def.Name, def.Address, def.Lat, def.Lon, "Asia/Seoul", hours, true), ct);
            // Give the store a third of what the shop holds of its first products.
            var products = await catalog.SearchAsync(new ProductQuery(ShopId: shop.Id, Page: 1, PageSize: 6), ct);
            foreach (var p in products.Items)
            {
                var product = await catalog.GetProductAsync(p.Id, null, ct);
                foreach (var v in product.Variants.Take(2))
                {
                    var share = v.Stock / 3;
                    if (share > 0)
                    {
                        // The centre gives up what the store now holds: the variant's total stays the same.
                        await stores.SetStockAsync(shop.Id, v.Id, shop.OwnerId, new SetLocationStockRequest(v.Stock - share, "demo: moved to a store"), ct);
                        await stores.SetStockAsync(location.Id, v.Id, shop.OwnerId, new SetLocationStockRequest(share, "demo: opening stock"), ct);
                    }
                }
            }
            count++;
        }
        progress?.Report($"Stores: {count} demo stores");
    }
}
