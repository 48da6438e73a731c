using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>
/// The checkout's price-and-stock read, shared on PostgreSQL: reads that arrive while one query runs are answered by
/// the next, one query for all their variants (<see cref="GroupCommit{TItem, TResult}"/>). Each read's query starts
/// after the read was asked for, so it sees every commit made before — the same answer a query of its own would give a
/// moment later. SQLite keeps a query per read.
/// <para>
/// On PostgreSQL the shared query runs on a context of its own, not one from the request pool, on the generic-plan
/// connections (<see cref="GenericPlans.ForKeyedStatements"/>): it reads variants by their whole key, so its generic
/// plan is the custom one, and planning it on every execution was about a twentieth of the database's time in a flash
/// sale (docs/benchmarks.md §1). A pooled context is never pointed at that pool: the pool would hand it back to a
/// request with the connection string still switched.
/// </para>
/// </summary>
public sealed class SellableVariantReads
{
    private readonly IServiceScopeFactory _scopes;
    private readonly DbContextOptions<PostgresDotsDbContext>? _genericPlans;
    private readonly GroupCommit<IReadOnlyList<string>, IReadOnlyDictionary<string, SellableVariant>> _reads;

    public SellableVariantReads(IServiceScopeFactory scopes, DatabaseSettings database, WatchdogCommandInterceptor watchdog)
    {
        _scopes = scopes;
        Enabled = database.Provider == DatabaseProvider.Postgres;
        if (Enabled)
        {
            _genericPlans = new DbContextOptionsBuilder<PostgresDotsDbContext>()
                .UseNpgsql(GenericPlans.ForKeyedStatements(database.ConnectionString), x => x.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors(watchdog)
                .Options;
        }
        _reads = new GroupCommit<IReadOnlyList<string>, IReadOnlyDictionary<string, SellableVariant>>(ReadAllAsync);
    }

    public bool Enabled { get; }

    public (long Batches, long Items) Stats => _reads.Stats;

    /// <summary>The variants among <paramref name="ids"/> that exist (a shared dictionary: read it, do not keep it).</summary>
    public Task<IReadOnlyDictionary<string, SellableVariant>> ReadAsync(IReadOnlyList<string> ids) => _reads.RunAsync(ids);

    /// <summary>A context of the read's own, unpooled, on the generic-plan connections (PostgreSQL); null on SQLite.</summary>
    internal PostgresDotsDbContext? NewGenericPlanContext() => _genericPlans is null ? null : new PostgresDotsDbContext(_genericPlans);

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
