using System.Threading.RateLimiting;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dots.Infrastructure.Http;

/// <summary>Where rate limits count: in each instance's memory, or in the shared database.</summary>
public enum RateLimitStore
{
    /// <summary>Database on PostgreSQL (several instances may share it), Memory on SQLite (one instance).</summary>
    Auto,
    Memory,
    Database,
}

/// <summary>
/// Fixed-window counters in PostgreSQL, shared by every instance: one `INSERT … ON CONFLICT DO UPDATE … RETURNING`
/// per request, atomic per row, so two instances behind a proxy cannot each grant a client the full limit (ADR 0022).
/// SQLite (one instance by design) keeps ASP.NET Core's in-memory limiters.
/// </summary>
public sealed class SharedRateLimits
{
    private readonly string? _connectionString;
    private readonly TimeProvider _clock;
    private readonly ILogger<SharedRateLimits> _logger;
    private readonly DatabaseWatchdog _watchdog;

    public SharedRateLimits(DatabaseSettings database, IOptions<RateLimitOptions> options, TimeProvider clock, DatabaseWatchdog watchdog, ILogger<SharedRateLimits> logger)
    {
        _watchdog = watchdog;
        _clock = clock;
        _logger = logger;
        var store = options.Value.Store;
        if (store == RateLimitStore.Database && database.Provider != DatabaseProvider.Postgres)
        {
            throw new InvalidOperationException("RateLimits:Store=Database needs Database:Provider=Postgres; SQLite runs one instance and counts in memory.");
        }
        Enabled = database.Provider == DatabaseProvider.Postgres && store != RateLimitStore.Memory;
        _connectionString = Enabled ? GenericPlans.ForKeyedStatements(database.ConnectionString) : null;
    }

    /// <summary>Whether limits count in the database (else each instance counts in memory).</summary>
    public bool Enabled { get; }

    private sealed record PendingHit(string Key, long Start, TaskCompletionSource<int> Count);

    private readonly Lock _gate = new();
    private List<PendingHit> _queue = [];
    private bool _flushing;

    /// <summary>
    /// Counts one request of <paramref name="key"/> in the current window; the answer says whether it is within
    /// <paramref name="limit"/>. Requests arriving together are counted together: while one statement runs, the hits
    /// behind it queue, and the next statement adds each key's queued hits at once and hands them the counts they
    /// would have got one by one (a flash sale's hundred buyers cost one round trip, not a hundred).
    /// </summary>
    public async Task<(bool Allowed, TimeSpan RetryAfter)> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        var start = now - now % windowMs;
        var retryAfter = TimeSpan.FromMilliseconds(start + windowMs - now);
        var hit = new PendingHit(key.Length > 200 ? key[..200] : key, start / 1000, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool flush;
        lock (_gate)
        {
            _queue.Add(hit);
            flush = !_flushing;
            _flushing = true;
        }
        if (flush)
        {
            _ = Task.Run(FlushAsync);
        }
        var count = await hit.Count.Task.WaitAsync(ct);
        return (count <= limit, retryAfter);
    }

    /// <summary>Counts the queued hits, a batch per statement, until none are left.</summary>
    private async Task FlushAsync()
    {
        while (true)
        {
            List<PendingHit> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                batch = _queue;
                _queue = [];
            }
            try
            {
                await CountAsync(batch);
            }
            catch (Exception e)
            {
                // A limiter must not turn a database blip into errors of its own: let the requests through (they will
                // meet the same database, and fail or succeed on their own merits).
                _logger.LogWarning(e, "Shared rate limit store unavailable; letting {Count} requests through", batch.Count);
                batch.ForEach(h => h.Count.TrySetResult(0));
            }
        }
    }

    /// <summary>
    /// One <c>INSERT … ON CONFLICT DO UPDATE … RETURNING</c> for the batch: each (key, window) row gets its number of
    /// hits added atomically, and the hits share out the counts in arrival order — the k-th of n hits of a row that now
    /// counts T gets T − n + k, as if each had run its own statement.
    /// </summary>
    private async Task CountAsync(List<PendingHit> batch)
    {
        var groups = batch.GroupBy(h => (h.Key, h.Start)).Select(g => g.ToList()).ToList();
        using var watched = _watchdog.Waiting("rate-limit count");
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO "RateLimitWindows" ("Key", "WindowStart", "Count")
            SELECT * FROM unnest(@keys, @starts, @counts)
            ON CONFLICT ("Key", "WindowStart") DO UPDATE SET "Count" = "RateLimitWindows"."Count" + EXCLUDED."Count"
            RETURNING "Key", "WindowStart", "Count"
            """, connection);
        command.Parameters.AddWithValue("keys", groups.Select(g => g[0].Key).ToArray());
        command.Parameters.AddWithValue("starts", groups.Select(g => g[0].Start).ToArray());
        command.Parameters.AddWithValue("counts", groups.Select(g => g.Count).ToArray());
        var totals = new Dictionary<(string, long), int>();
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
        {
            while (await reader.ReadAsync(CancellationToken.None))
            {
                totals[(reader.GetString(0), reader.GetInt64(1))] = reader.GetInt32(2);
            }
        }
        foreach (var group in groups)
        {
            var total = totals[(group[0].Key, group[0].Start)];
            for (var k = 0; k < group.Count; k++)
            {
                group[k].Count.TrySetResult(total - group.Count + 1 + k);
            }
        }
    }

    /// <summary>Deletes windows that ended more than an hour ago.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        if (!Enabled)
        {
            return 0;
        }
        using var watched = _watchdog.Waiting("rate-limit prune");
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""DELETE FROM "RateLimitWindows" WHERE "WindowStart" < @before""", connection);
        command.Parameters.AddWithValue("before", _clock.GetUtcNow().AddHours(-1).ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A partition whose limiter counts in the shared store when it is enabled, else ASP.NET Core's in-memory fixed window
    /// (exactly as before on SQLite).
    /// </summary>
    public static RateLimitPartition<string> FixedWindow(HttpContext http, string key, int limit, TimeSpan window)
    {
        var shared = http.RequestServices.GetRequiredService<SharedRateLimits>();
        return shared.Enabled
            ? RateLimitPartition.Get(key, k => new SharedWindowLimiter(shared, k, limit, window))
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0 });
    }
}

/// <summary>
/// A <see cref="RateLimiter"/> over <see cref="SharedRateLimits"/>. The synchronous attempt never grants (it cannot ask
/// the database), so ASP.NET Core's middleware goes on to <see cref="AcquireAsyncCore"/>, which counts the request.
/// </summary>
internal sealed class SharedWindowLimiter(SharedRateLimits store, string key, int limit, TimeSpan window) : RateLimiter
{
    private long _lastUsed = Environment.TickCount64;

    public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Pending;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Environment.TickCount64);
        if (permitCount == 0)
        {
            return Lease.Granted;
        }
        var (allowed, retryAfter) = await store.HitAsync(key, limit, window, cancellationToken);
        return allowed ? Lease.Granted : new Lease(false, retryAfter);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Pending = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = value;
                return true;
            }
            metadata = null;
            return false;
        }
    }
}

/// <summary>Deletes shared rate-limit windows that ended long ago.</summary>
[DisallowConcurrentExecution]
internal sealed class RateLimitPruneJob(SharedRateLimits limits) : IJob
{
    public const string Name = "rate-limits.prune";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await limits.PruneAsync(cancellationToken);
}

public static class SharedRateLimitsSetup
{
    public static IServiceCollection AddSharedRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SharedRateLimits>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<RateLimitPruneJob>(
            RateLimitPruneJob.Name, "0 7 * * * ?", "Deletes shared rate-limit windows (PostgreSQL) that ended over an hour ago."));
        return services;
    }
}
