using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>Units of one product sold (positive) or given back (negative).</summary>
public sealed record SoldLine(string ProductId, int Quantity);

/// <summary>
/// Catalog's public surface for a product's <c>SoldUnits</c> (the "popular" sort): Ordering adds a paid order's units
/// and takes a cancelled paid order's units off. Runs in the caller's open transaction, so the caller's own "counted
/// once" mark commits with it; rows are changed in product id order. Never goes below zero.
/// </summary>
public sealed class SalesCounter(DotsDbContext db)
{
    public async Task AddAsync(IReadOnlyList<SoldLine> lines, CancellationToken ct)
    {
        foreach (var line in lines.GroupBy(l => l.ProductId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var delta = line.Sum(l => l.Quantity);
            if (delta == 0)
            {
                continue;
            }
            var id = line.Key;
            await db.Products.Where(p => p.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.SoldUnits, p => p.SoldUnits + delta < 0 ? 0 : p.SoldUnits + delta), ct);
        }
    }
}
