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
        // On generic plans (GenericPlans.ForKeyedStatements): the read finds variants and products by their whole keys,
        // and left to its usual choice PostgreSQL planned it anew on every execution — 0.3 ms of planning for 0.03 ms
        // of reading, about a twentieth of the database's time in a flash sale (docs/benchmarks.md §1, fourteenth stop).
        ConnectionString = Enabled ? GenericPlans.ForKeyedStatements(database.ConnectionString) : null;
        _reads = new GroupCommit<IReadOnlyList<string>, IReadOnlyDictionary<string, SellableVariant>>(ReadAllAsync);
    }

    public bool Enabled { get; }

    /// <summary>The connections the shared reads run on (PostgreSQL): a pool of their own, on generic plans.</summary>
    internal string? ConnectionString { get; }

    public (long Batches, long Items) Stats => _reads.Stats;

    /// <summary>The variants among <paramref name="ids"/> that exist (a shared dictionary: read it, do not keep it).</summary>
    public Task<IReadOnlyDictionary<string, SellableVariant>> ReadAsync(IReadOnlyList<string> ids) => _reads.RunAsync(ids);

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, SellableVariant>>> ReadAllAsync(IReadOnlyList<IReadOnlyList<string>> reads)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var ids = reads.SelectMany(r => r).Distinct(StringComparer.Ordinal).ToList();
        // The context is pooled: it goes back to the pool with the application's connection string, or every later
        // user of it would run on generic plans too.
        var original = db.Database.GetConnectionString();
        if (ConnectionString is not null)
        {
            db.Database.SetConnectionString(ConnectionString);
        }
        try
        {
            IReadOnlyDictionary<string, SellableVariant> all = await StockService.QueryAsync(db, ids, CancellationToken.None);
            return reads.Select(_ => all).ToList();
        }
        finally
        {
            if (ConnectionString is not null)
            {
                db.Database.SetConnectionString(original);
            }
        }
    }
}
