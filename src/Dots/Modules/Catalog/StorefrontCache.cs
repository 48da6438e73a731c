using Dots.Infrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace Dots.Modules.Catalog;

public sealed record HomeShelves(IReadOnlyList<ProductSummaryDto> Newest, IReadOnlyList<ProductSummaryDto> Popular);

/// <summary>
/// Storefront reads that every visitor shares and that may lag the database by seconds: the category list and the
/// home page's shelves. Per instance, short-lived, so a second instance never needs to be told (ADR 0008).
/// </summary>
public sealed class StorefrontCache(IMemoryCache cache, IServiceScopeFactory scopes)
{
    public static readonly TimeSpan ShelfLife = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan CategoryLife = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<CategoryDto>> CategoriesAsync(CancellationToken ct) =>
        (await cache.GetOrCreateAsync("web:categories", async e =>
        {
            e.AbsoluteExpirationRelativeToNow = CategoryLife;
            return await scopes.RunAsync((CatalogService catalog) => catalog.CategoriesAsync(ct));
        }))!;

    public async Task<HomeShelves> HomeAsync(CancellationToken ct) =>
        (await cache.GetOrCreateAsync("web:home", async e =>
        {
            e.AbsoluteExpirationRelativeToNow = ShelfLife;
            return await scopes.RunAsync(async (CatalogService catalog) =>
            {
                var newest = await catalog.SearchAsync(new ProductQuery(Sort: "newest", PageSize: 10), ct);
                var popular = await catalog.SearchAsync(new ProductQuery(Sort: "popular", PageSize: 10), ct);
                return new HomeShelves(newest.Items, popular.Items);
            });
        }))!;
}
