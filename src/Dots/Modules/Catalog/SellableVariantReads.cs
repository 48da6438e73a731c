using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>
/// The checkout's price-and-stock read, shared on PostgreSQL: reads that arrive while one query runs are answered by
/// the next, one query for all their variants (<see cref="GroupCommit{TItem, TResult}"/>). Each read's query starts
/// after the read was asked for, so it sees every commit made before — the same answer a query of its own would give a
/// moment later. SQLite keeps a query per read.
/// <para>
/// On PostgreSQL the shared query runs on the generic-plan connections (<see cref="GenericPlans.ForKeyedStatements"/>):
/// it reads variants by their whole key, so its generic plan is the custom one, and planning it on every execution was
/// about a twentieth of the database's time in a flash sale (docs/benchmarks.md §1). Its context is a fresh, unpooled
/// instance built from the application's own options — so it shares the application's model, which EF's compiled query
/// is bound to (a context with options of its own has a model of its own, and the compiled query then fails on
/// whichever kind of context runs it second) — and is pointed at that pool before it opens, then disposed. A pooled
/// request context is never switched: the pool would hand it back to a request with the connection string changed.
/// </para>
/// </summary>
public sealed class SellableVariantReads
{
    private readonly IServiceScopeFactory _scopes;
    private readonly Lazy<DbContextOptions<PostgresDotsDbContext>>? _options;
    private readonly string? _genericPlans;
    private readonly GroupCommit<IReadOnlyList<string>, IReadOnlyDictionary<string, SellableVariant>> _reads;

    public SellableVariantReads(IServiceScopeFactory scopes, IServiceProvider services, DatabaseSettings database)
    {
        _scopes = scopes;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            _options = new Lazy<DbContextOptions<PostgresDotsDbContext>>(services.GetRequiredService<DbContextOptions<PostgresDotsDbContext>>);
            _genericPlans = GenericPlans.ForKeyedStatements(database.ConnectionString);
        }
        _reads = new GroupCommit<IReadOnlyList<string>, IReadOnlyDictionary<string, SellableVariant>>(ReadAllAsync);
    }

    public bool Enabled => _options is not null;

    public (long Batches, long Items) Stats => _reads.Stats;

    /// <summary>The variants among <paramref name="ids"/> that exist (a shared dictionary: read it, do not keep it).</summary>
    public Task<IReadOnlyDictionary<string, SellableVariant>> ReadAsync(IReadOnlyList<string> ids) => _reads.RunAsync(ids);

    /// <summary>
    /// The read's own context (PostgreSQL; null on SQLite): unpooled, the application's options and model, on the
    /// generic-plan connections. The caller disposes it.
    /// </summary>
    internal PostgresDotsDbContext? NewGenericPlanContext()
    {
        if (_options is null)
        {
            return null;
        }
        var db = new PostgresDotsDbContext(_options.Value);
        db.Database.SetConnectionString(_genericPlans);
        return db;
    }

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, SellableVariant>>> ReadAllAsync(IReadOnlyList<IReadOnlyList<string>> reads)
    {
        var ids = reads.SelectMany(r => r).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyDictionary<string, SellableVariant> all;
        if (NewGenericPlanContext() is { } generic)
        {
            await using var db = generic;
            all = await StockService.QueryAsync(db, ids, CancellationToken.None);
        }
        else
        {
            await using var scope = _scopes.CreateAsyncScope();
            all = await StockService.QueryAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ids, CancellationToken.None);
        }
        return reads.Select(_ => all).ToList();
    }
}
