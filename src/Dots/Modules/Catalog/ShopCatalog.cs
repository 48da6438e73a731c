using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

public sealed record ShopProductRowDto(string Id, string Title, string? TitleKo, string Category, string Status, MoneyDto Price, int Variants, int Stock, int SoldUnits, string? ImageUrl, DateTimeOffset UpdatedAt);

/// <summary>The seller's view of a shop's catalogue: every product, drafts included, with stock totals (owner only).</summary>
public sealed class ShopCatalog(DotsDbContext db, CatalogService catalog)
{
    public async Task<Paged<ShopProductRowDto>> ProductsAsync(string shopId, string userId, int? page, int? pageSize, CancellationToken ct)
    {
        await catalog.RequireOwnedShopAsync(shopId, userId, ct);
        var (p, s) = Paging.Normalize(page, pageSize);
        var query = db.Products.AsNoTracking().Where(x => x.ShopId == shopId);
        var total = await query.CountAsync(ct);
        var products = await query.OrderByDescending(x => x.UpdatedAt).ThenBy(x => x.Id)
            .Skip((p - 1) * s).Take(s)
            .Include(x => x.Variants).Include(x => x.Images).AsSplitQuery()
            .ToListAsync(ct);
        return new Paged<ShopProductRowDto>(products.Select(x => new ShopProductRowDto(
            x.Id, x.Title, x.TitleKo, x.Category, x.Status.ToString(), MoneyDto.Of(x.PriceFrom, x.Currency),
            x.Variants.Count, x.Variants.Sum(v => v.Stock), x.SoldUnits,
            x.Images.OrderBy(i => i.SortOrder).Select(i => CatalogService.ImageUrl(i.FileName)).FirstOrDefault(), x.UpdatedAt)).ToList(), total, p, s);
    }
}

/// <summary>Catalog answers Identity's question "which shops does this user own" (for /api/me and the account page).</summary>
internal sealed class UserShops(CatalogService catalog) : Dots.Modules.Identity.IUserShops
{
    public async Task<IReadOnlyList<Dots.Modules.Identity.MeShopDto>> ShopsOwnedByAsync(string userId, CancellationToken ct) =>
        (await catalog.ShopsOwnedByAsync(userId, ct)).Select(s => new Dots.Modules.Identity.MeShopDto(s.Id, s.Name)).ToList();
}
