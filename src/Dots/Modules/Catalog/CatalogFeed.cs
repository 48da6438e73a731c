using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>
/// One catalog product as modules that keep an in-memory view of the whole catalog see it (personalization serves
/// from memory and filters unpublished and sold-out products itself). <see cref="Published"/> and
/// <see cref="InStock"/> are as of the read.
/// </summary>
public sealed record CatalogFeedItem(
    string Id,
    string ShopId,
    string ShopName,
    string ShopOwnerId,
    string Title,
    string? TitleKo,
    string Category,
    MoneyDto Price,
    bool Published,
    bool InStock,
    int SoldUnits,
    string? ImageUrl,
    string Description,
    IReadOnlyList<string> Tags,
    DateTimeOffset UpdatedAt);

/// <summary>Catalog's public read of every product at once, for in-memory consumers (personalization).</summary>
public sealed class CatalogFeed(DotsDbContext db)
{
    public async Task<IReadOnlyList<CatalogFeedItem>> AllAsync(CancellationToken ct)
    {
        var shops = await db.Shops.AsNoTracking().Select(s => new { s.Id, s.Name, s.OwnerId }).ToDictionaryAsync(s => s.Id, ct);
        var stocked = (await db.Variants.AsNoTracking().Where(v => v.Stock > 0).Select(v => v.ProductId).Distinct().ToListAsync(ct)).ToHashSet();
        var images = new Dictionary<string, string>();
        foreach (var i in await db.ProductImages.AsNoTracking().OrderBy(i => i.ProductId).ThenBy(i => i.SortOrder).Select(i => new { i.ProductId, i.FileName }).ToListAsync(ct))
        {
            images.TryAdd(i.ProductId, CatalogService.ImageUrl(i.FileName));
        }
        var products = await db.Products.AsNoTracking()
            .Select(p => new { p.Id, p.ShopId, p.Title, p.TitleKo, p.Category, p.PriceFrom, p.Currency, p.Status, p.SoldUnits, p.Description, p.Tags, p.UpdatedAt })
            .ToListAsync(ct);
        return [.. products.Where(p => shops.ContainsKey(p.ShopId)).Select(p => new CatalogFeedItem(
            p.Id, p.ShopId, shops[p.ShopId].Name, shops[p.ShopId].OwnerId, p.Title, p.TitleKo, p.Category,
            new MoneyDto(p.PriceFrom, p.Currency), p.Status == ProductStatus.Published, stocked.Contains(p.Id), p.SoldUnits,
            images.GetValueOrDefault(p.Id), p.Description, p.Tags, p.UpdatedAt))];
    }
}
