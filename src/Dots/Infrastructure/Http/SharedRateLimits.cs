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

    public SharedRateLimits(DatabaseSettings database, IOptions<RateLimitOptions> options, TimeProvider clock, ILogger<SharedRateLimits> logger)
    {
        _clock = clock;
        _logger = logger;
        var store = options.Value.Store;
        if (store == RateLimitStore.Database && database.Provider != DatabaseProvider.Postgres)
        {
            throw new InvalidOperationException("RateLimits:Store=Database needs Database:Provider=Postgres; SQLite runs one instance and counts in memory.");
        }
        Enabled = database.Provider == DatabaseProvider.Postgres && store != RateLimitStore.Memory;
        _connectionString = Enabled ? database.ConnectionString : null;
    }

    /// <summary>Whether limits count in the database (else each instance counts in memory).</summary>
    public bool Enabled { get; }

    /// <summary>Counts one request of <paramref name="key"/> in the current window; the answer says whether it is within <paramref name="limit"/>.</summary>
    public async Task<(bool Allowed, TimeSpan RetryAfter)> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        var start = now - now % windowMs;
        var retryAfter = TimeSpan.FromMilliseconds(start + windowMs - now);
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO "RateLimitWindows" ("Key", "WindowStart", "Count") VALUES (@key, @start, 1)
                ON CONFLICT ("Key", "WindowStart") DO UPDATE SET "Count" = "RateLimitWindows"."Count" + 1
                RETURNING "Count"
                """, connection);
            command.Parameters.AddWithValue("key", key.Length > 200 ? key[..200] : key);
            command.Parameters.AddWithValue("start", start / 1000);
            var count = (int)(await command.ExecuteScalarAsync(ct))!;
            return (count <= limit, retryAfter);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            // A limiter must not turn a database blip into errors of its own: let the request through (it will
            // meet the same database, and fail or succeed on its own merits).
            _logger.LogWarning(e, "Shared rate limit store unavailable; letting {Key} through", key);
            return (true, TimeSpan.Zero);
        }
    }

    /// <summary>Deletes windows that ended more than an hour ago.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        if (!Enabled)
        {
            return 0;
        }
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
