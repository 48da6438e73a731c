using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

// A deliberately broken module for ModuleBoundaryTests: the rule must catch every one of these reaches.
namespace Dots.Tests.Architecture.Fixture.Modules.Ordering;

internal sealed class LeakyStock(DotsDbContext db, IProductSearch search)
{
    public Task<int> StockOfAsync(string variantId) =>
        db.Variants.Where(v => v.Id == variantId).Select(v => v.Stock).FirstAsync();

    public Task<int> TakeRawAsync(string variantId) =>
        db.Database.ExecuteSqlRawAsync("UPDATE \"Variants\" SET \"Stock\" = \"Stock\" - 1 WHERE \"Id\" = {0}", variantId);

    public object Internal() => search.GetType() == typeof(ProductSearch) ? search : new object();
}

internal sealed class PoliteStock(StockService stock)
{
    public Task<IReadOnlyDictionary<string, SellableVariant>> ReadAsync(string variantId) => stock.GetVariantsAsync([variantId], CancellationToken.None);
}
