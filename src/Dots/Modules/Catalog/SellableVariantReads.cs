using Dots.Infrastructure.Database;

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
        IReadOnlyDictionary<string, SellableVariant> all = await StockService.QueryAsync(db, ids, CancellationToken.None);
        return reads.Select(_ => all).ToList();
    }
}
