using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dots.Infrastructure.Database;

/// <summary>
/// Watches database work in flight (commands running, waits for the SQLite write gate) so that /health can say
/// "degraded" while work is stuck, before customers notice. Per instance, like the work it watches.
/// </summary>
public sealed class DatabaseWatchdog(TimeProvider clock)
{
    private readonly ConcurrentDictionary<long, (string What, long Started)> _inFlight = new();
    private long _next;

    /// <summary>Marks work as waiting or running until the returned handle is disposed.</summary>
    public IDisposable Waiting(string what)
    {
        var id = Interlocked.Increment(ref _next);
        _inFlight[id] = (what, clock.GetTimestamp());
        return new Handle(this, id);
    }

    /// <summary>The longest-running piece of work now in flight, if any.</summary>
    public (string What, TimeSpan Elapsed)? Oldest()
    {
        (string What, long Started)? oldest = null;
        foreach (var entry in _inFlight.Values)
        {
            if (oldest is null || entry.Started < oldest.Value.Started)
            {
                oldest = entry;
            }
        }
        return oldest is { } o ? (o.What, clock.GetElapsedTime(o.Started)) : null;
    }

    internal void End(long id) => _inFlight.TryRemove(id, out _);

    private sealed class Handle(DatabaseWatchdog owner, long id) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.End(id);
            }
        }
    }
}

/// <summary>
/// For statements sent on a context's connection without EF (the multi-row writes of a flash sale's batch, built with
/// Npgsql directly): EF's command interceptor never sees them, so they register with the watchdog themselves.
/// </summary>
public static class DatabaseWatchdogExtensions
{
    /// <summary>
    /// Marks <paramref name="what"/> as running on <paramref name="db"/> until the handle is disposed, with the
    /// watchdog of the application the context belongs to (none for a context built without it).
    /// </summary>
    public static IDisposable Watch(this DbContext db, string what)
    {
        var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors;
        var watchdog = interceptors?.OfType<WatchdogCommandInterceptor>().FirstOrDefault()?.Watchdog;
        return watchdog is null ? NotWatched.Instance : watchdog.Waiting(what);
    }

    private sealed class NotWatched : IDisposable
    {
        public static readonly NotWatched Instance = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>Registers every command with the watchdog while it executes.</summary>
public sealed class WatchdogCommandInterceptor(DatabaseWatchdog watchdog) : DbCommandInterceptor
{
    internal DatabaseWatchdog Watchdog => watchdog;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbCommand, IDisposable> Running = [];

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) => Start(command, result);
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Start(command, result));
    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) => Start(command, result);
    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Start(command, result));
    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) => Start(command, result);
    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Start(command, result));

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result) => End(command, result);
    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default) => ValueTask.FromResult(End(command, result));
    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => End(command, result);
    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) => ValueTask.FromResult(End(command, result));
    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) => End(command, result);
    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default) => ValueTask.FromResult(End(command, result));

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => End(command, 0);
    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        End(command, 0);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => End(command, 0);
    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        End(command, 0);
        return Task.CompletedTask;
    }

    private T Start<T>(DbCommand command, T result)
    {
        Running.AddOrUpdate(command, watchdog.Waiting("database command"));
        return result;
    }

    private static T End<T>(DbCommand command, T result)
    {
        if (Running.TryGetValue(command, out var handle))
        {
            Running.Remove(command);
            handle.Dispose();
        }
        return result;
    }
}

public sealed class DatabaseHealthOptions
{
    /// <summary>Database work waiting or running longer than this makes /health report Degraded.</summary>
    public TimeSpan StallThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The health probe's own query must answer within this, or /health reports Unhealthy.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>/health: Unhealthy when a real query through the app's own database path fails or does not answer in
/// time; Degraded when other database work has been stuck longer than the stall threshold.</summary>
internal sealed class DatabaseHealthCheck(IServiceScopeFactory scopes, DatabaseWatchdog watchdog, Microsoft.Extensions.Options.IOptions<DatabaseHealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        // The oldest work is read before our own probe joins the list, so the probe never reports itself.
        var oldest = watchdog.Oldest();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ProbeTimeout);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The database did not answer within {settings.ProbeTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached.", ex);
        }
        if (oldest is { } stuck && stuck.Elapsed > settings.StallThreshold)
        {
            return HealthCheckResult.Degraded($"A {stuck.What} has been waiting {stuck.Elapsed.TotalSeconds:0.0} s (threshold {settings.StallThreshold.TotalSeconds:0.#} s).");
        }
        return HealthCheckResult.Healthy();
    }
}
