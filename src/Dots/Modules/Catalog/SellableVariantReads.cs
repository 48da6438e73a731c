using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>
/// The checkout's price-and-stock read, shared on PostgreSQL: reads that arrive while one query runs are answered by
/// the next, one query for all their variants (<see cref="GroupCommit{TItem, TResult}"/>). Each read's query starts
/// after the read was asked for, so it sees every commit made before — the same answer a query of its own would give a
/// moment later. SQLite keeps a query per read.
/// </summary>
public sealed class SellableVariantReads
{
    private readonly IServiceScopeFactory _scopes;
    private readonly GroupCommit<IReadOnlyList<string>, IReadOnlyDictionary<string, SellableVariant>> _reads;

    public SellableVariantReads(IServiceScopeFactory scopes, DatabaseSettings database)
    {
        _scopes = scopes;
        Enabled = database.Provider == DatabaseProvider.Postgres;
        _reads = new GroupCommit<IReadOnlyList<string>, IReadOnlyDictionary<string, SellableVariant>>(ReadAllAsync);
    }

    public bool Enabled { get; }

    public (long Batches, long Items) Stats => _reads.Stats;

    /// <summary>The variants among <paramref name="ids"/> that exist (a shared dictionary: read it, do not keep it).</summary>
    public Task<IReadOnlyDictionary<string, SellableVariant>> ReadAsync(IReadOnlyList<string> ids) => _reads.RunAsync(ids);

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, SellableVariant>>> ReadAllAsync(IReadOnlyList<IReadOnlyList<string>> reads)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var ids = reads.SelectMany(r => r).Distinct(StringComparer.Ordinal).ToList();
        var all = new Dictionary<string, SellableVariant>(StringComparer.Ordinal);
        await foreach (var r in Query(db, [.. ids]))
        {
            all[r.Variant.Id] = StockService.ToSellable(r.Variant, r.Title, r.TitleKo, r.Status, r.Image);
        }
        return reads.Select(_ => (IReadOnlyDictionary<string, SellableVariant>)all).ToList();
    }

    private sealed record Row(Variant Variant, string Title, string? TitleKo, ProductStatus Status, string? Image);

    /// <summary>
    /// <see cref="StockService.QueryAsync"/>'s query compiled once (PostgreSQL only, where this class runs): a checkout
    /// rush runs it thousands of times a minute, and EF otherwise rebuilds and looks up its expression tree each time.
    /// </summary>
    private static readonly Func<DotsDbContext, string[], IAsyncEnumerable<Row>> Query = EF.CompileAsyncQuery((DotsDbContext db, string[] ids) =>
        db.Variants.AsNoTracking().Where(v => ids.Contains(v.Id))
            .Join(db.Products.AsNoTracking(), v => v.ProductId, p => p.Id, (v, p) => new Row(
                v, p.Title, p.TitleKo, p.Status, p.Images.OrderBy(i => i.SortOrder).Select(i => i.FileName).FirstOrDefault())));
}
