using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>A variant as a buyer's cart and checkout see it: price, stock now, and whether it is for sale.</summary>
public sealed record SellableVariant(
    string VariantId, string ProductId, string ShopId, string Title, string? TitleKo, string Sku,
    IReadOnlyDictionary<string, string> Options, decimal Price, string Currency, int Stock, bool ForSale, string? ImageUrl)
{
    public string OptionsText => string.Join(", ", Options.Select(o => $"{o.Key}: {o.Value}"));
}

/// <summary>A variant of a published product, for planning (demand forecasts): where it belongs and its stock now.</summary>
public sealed record ActiveVariant(string VariantId, string ProductId, string ShopId, string Category, string Title, string? TitleKo, string Sku, int Stock);

/// <summary>Units of one variant to take from, or give back to, the shelf.</summary>
public sealed record StockLine(string VariantId, int Quantity);

/// <summary>
/// Catalog's public surface for stock: other modules read sellable variants and take or return units here, never
/// through Catalog's tables. Taking and returning join the caller's open transaction on the request's
/// <see cref="DotsDbContext"/> (so an order and its stock commit together) and lock variant rows in one global order
/// — ascending variant id — everywhere, so two operations that share variants can never deadlock.
/// </summary>
public sealed class StockService(DotsDbContext db, SellableVariantReads reads, IEventPublisher events, TimeProvider clock)
{
    public async Task<IReadOnlyDictionary<string, SellableVariant>> GetVariantsAsync(IReadOnlyCollection<string> variantIds, CancellationToken ct)
    {
        if (variantIds.Count == 0)
        {
            return new Dictionary<string, SellableVariant>();
        }
        var ids = variantIds.Distinct().ToList();
        // Outside a transaction on PostgreSQL, concurrent reads share one query (a checkout rush reads the same variant
        // a hundred times at once); inside one, the read must see the caller's own writes.
        if (reads.Enabled && db.Database.CurrentTransaction is null)
        {
            var all = await reads.ReadAsync(ids).WaitAsync(ct);
            return ids.Where(all.ContainsKey).ToDictionary(id => id, id => all[id]);
        }
        return await QueryAsync(db, ids, ct);
    }

    /// <summary>One round trip for prices, stock, titles and the first image of <paramref name="ids"/>.</summary>
    /// <summary>
    /// The variants with their products' title, status and first image. Compiled once per database's context type: a
    /// checkout rush runs it thousands of times a minute (<see cref="SellableVariantReads"/>), and EF would otherwise
    /// build and look up its expression tree each time.
    /// </summary>
    internal static async Task<Dictionary<string, SellableVariant>> QueryAsync(DotsDbContext db, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var rows = db switch
        {
            PostgresDotsDbContext pg => PostgresQuery(pg, [.. ids]),
            SqliteDotsDbContext sqlite => SqliteQuery(sqlite, [.. ids]),
            _ => throw new NotSupportedException($"No compiled variant query for {db.GetType().Name}."),
        };
        var all = new Dictionary<string, SellableVariant>(StringComparer.Ordinal);
        await foreach (var r in rows.WithCancellation(ct))
        {
            all[r.Variant.Id] = new SellableVariant(
                r.Variant.Id, r.Variant.ProductId, r.Variant.ShopId, r.Title, r.TitleKo, r.Variant.Sku, r.Variant.Options,
                r.Variant.Price, r.Variant.Currency, r.Variant.Stock, r.Status == ProductStatus.Published,
                r.Image is null ? null : CatalogService.ImageUrl(r.Image));
        }
        return all;
    }

    private sealed record VariantRow(Variant Variant, string Title, string? TitleKo, ProductStatus Status, string? Image);

    private static readonly Func<PostgresDotsDbContext, string[], IAsyncEnumerable<VariantRow>> PostgresQuery = CompileVariantQuery<PostgresDotsDbContext>();
    private static readonly Func<SqliteDotsDbContext, string[], IAsyncEnumerable<VariantRow>> SqliteQuery = CompileVariantQuery<SqliteDotsDbContext>();

    private static Func<TContext, string[], IAsyncEnumerable<VariantRow>> CompileVariantQuery<TContext>() where TContext : DotsDbContext =>
        EF.CompileAsyncQuery((TContext db, string[] ids) =>
            db.Variants.AsNoTracking().Where(v => ids.Contains(v.Id))
                .Join(db.Products.AsNoTracking(), v => v.ProductId, p => p.Id, (v, p) => new VariantRow(
                    v, p.Title, p.TitleKo, p.Status, p.Images.OrderBy(i => i.SortOrder).Select(i => i.FileName).FirstOrDefault())));

    /// <summary>Every variant of every published product (of one shop, when given), for planning.</summary>
    public async Task<IReadOnlyList<ActiveVariant>> ActiveVariantsAsync(string? shopId, CancellationToken ct)
    {
        var variants = db.Variants.AsNoTracking();
        if (shopId is not null)
        {
            variants = variants.Where(v => v.ShopId == shopId);
        }
        return await variants
            .Join(db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Published), v => v.ProductId, p => p.Id,
                (v, p) => new ActiveVariant(v.Id, v.ProductId, v.ShopId, p.Category, p.Title, p.TitleKo, v.Sku, v.Stock))
            .ToListAsync(ct);
    }

    public Task<bool> IsForSaleAsync(string variantId, CancellationToken ct) =>
        db.Variants.AnyAsync(v => v.Id == variantId && db.Products.Any(p => p.Id == v.ProductId && p.Status == ProductStatus.Published), ct);

    /// <summary>
    /// Inside the caller's open transaction: takes every line's units and commits. When any variant is short, nothing
    /// is taken, the caller's transaction (and everything it wrote) rolls back, and a 409 names the variant and what
    /// is left. The caller must not use its transaction afterwards. On PostgreSQL, a throw means nothing was committed.
    /// </summary>
    public async Task TakeAndCommitAsync(IReadOnlyList<StockLine> lines, CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("TakeAndCommitAsync joins the caller's transaction; begin one first.");
        var sorted = Merge(lines);
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await TakeOnPostgresAsync(tx, sorted, ct);
            return;
        }
        foreach (var line in sorted)
        {
            var quantity = line.Quantity;
            var taken = await db.Variants
                .Where(x => x.Id == line.VariantId && x.Stock >= quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock - quantity), ct);
            if (taken == 0)
            {
                await tx.RollbackAsync(CancellationToken.None);
                await tx.DisposeAsync();
                db.ChangeTracker.Clear();
                throw await OutOfStockAsync(sorted, CancellationToken.None);
            }
        }
        await PublishDepletedAsync(sorted, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Publishes <see cref="StockDepleted"/> for every line whose variant is now at zero (in the caller's transaction, if any).</summary>
    private async Task PublishDepletedAsync(IReadOnlyList<StockLine> lines, CancellationToken ct)
    {
        var ids = lines.Select(l => l.VariantId).ToList();
        var empty = await db.Variants.AsNoTracking().Where(v => ids.Contains(v.Id) && v.Stock == 0)
            .Select(v => new { v.Id, v.ProductId, v.ShopId }).ToListAsync(ct);
        if (empty.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        foreach (var v in empty)
        {
            events.Publish(db, new StockDepleted(v.Id, v.ProductId, v.ShopId, now));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// PostgreSQL: the decrements and the COMMIT travel in one command, so the hot row is locked only inside the
    /// server — no network round trip while other buyers queue on it (ADR 0003). The decrement is unconditional and
    /// the CHECK (stock >= 0) constraint refuses an oversell: the whole transaction then rolls back.
    /// </summary>
    private async Task TakeOnPostgresAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, IReadOnlyList<StockLine> sorted, CancellationToken ct)
    {
        // RETURNING tells which variants this took to zero, so the depletion check needs no read of its own.
        var sql = new System.Text.StringBuilder();
        using var watched = db.Watch("stock take");
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(tx);
        for (var i = 0; i < sorted.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture,
                $"UPDATE \"Variants\" SET \"Stock\" = \"Stock\" - @q{i} WHERE \"Id\" = @v{i} RETURNING \"Id\", \"ProductId\", \"ShopId\", \"Stock\";");
            command.Parameters.Add(new Npgsql.NpgsqlParameter<int>($"q{i}", sorted[i].Quantity));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string>($"v{i}", sorted[i].VariantId));
        }
        sql.Append("COMMIT;");
        command.CommandText = sql.ToString();
        var depleted = new List<(string Id, string ProductId, string ShopId)>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    if (reader.GetInt32(3) == 0)
                    {
                        depleted.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                    }
                }
            }
            while (await reader.NextResultAsync(ct));
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.CheckViolation)
        {
            await tx.DisposeAsync();
            db.ChangeTracker.Clear();
            throw await OutOfStockAsync(sorted, CancellationToken.None);
        }
        catch
        {
            await tx.DisposeAsync();
            db.ChangeTracker.Clear();
            throw;
        }
        // The COMMIT above ended the transaction in the server; disposing only releases the connection.
        await tx.DisposeAsync();
        // The hot row is already free; the depletion news follows in its own short write. (A crash in between loses
        // this one event: the alternative, a second round trip inside the batch, would hold every buyer's row lock.)
        // It never throws: a caller (the reservation combiner) must be able to tell "committed" from "refused".
        if (depleted.Count > 0)
        {
            var now = clock.GetUtcNow();
            foreach (var v in depleted)
            {
                events.Publish(db, new StockDepleted(v.Id, v.ProductId, v.ShopId, now));
            }
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Puts units back on the shelf, in the caller's transaction when there is one, rows locked in id order.</summary>
    public async Task ReturnAsync(IReadOnlyList<StockLine> lines, CancellationToken ct)
    {
        foreach (var line in Merge(lines))
        {
            var quantity = line.Quantity;
            await db.Variants.Where(x => x.Id == line.VariantId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock + quantity), ct);
        }
    }

    /// <summary>
    /// Changes one variant's stock by <paramref name="delta"/> (a store's count set or corrected), in the caller's
    /// transaction when there is one. Never goes below zero: a decrease larger than the stock changes nothing and
    /// returns false.
    /// </summary>
    public async Task<bool> AdjustAsync(string variantId, int delta, CancellationToken ct)
    {
        if (delta == 0)
        {
            return await db.Variants.AnyAsync(x => x.Id == variantId, ct);
        }
        var changed = delta > 0
            ? await db.Variants.Where(x => x.Id == variantId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock + delta), ct)
            : await db.Variants.Where(x => x.Id == variantId && x.Stock >= -delta).ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock + delta), ct);
        return changed == 1;
    }

    private static List<StockLine> Merge(IReadOnlyList<StockLine> lines) =>
        lines.GroupBy(l => l.VariantId, StringComparer.Ordinal)
            .Select(g => new StockLine(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.VariantId, StringComparer.Ordinal)
            .ToList();

    private async Task<ConflictException> OutOfStockAsync(IReadOnlyList<StockLine> sorted, CancellationToken ct)
    {
        var variants = await GetVariantsAsync(sorted.Select(l => l.VariantId).ToList(), ct);
        // A concurrent return may have refilled the shelf since; name the first line that was short, else the first.
        var lacking = sorted.FirstOrDefault(l => !variants.TryGetValue(l.VariantId, out var v) || v.Stock < l.Quantity) ?? sorted[0];
        return OutOfStock(variants.GetValueOrDefault(lacking.VariantId), lacking.VariantId);
    }

    public static ConflictException OutOfStock(SellableVariant? variant, string variantId)
    {
        var available = variant?.Stock ?? 0;
        return new ConflictException(
            variant is null ? $"The variant '{variantId}' is no longer for sale." : $"Only {available} of '{variant.Title}' ({variant.Sku}) left in stock.",
            new Dictionary<string, object?> { ["variantId"] = variantId, ["available"] = available });
    }
}
