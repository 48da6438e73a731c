using System.Text.Json;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Infrastructure.Events;

/// <summary>
/// Delivers committed events to their handlers, at least once each (ADR 0012). Claims a due delivery with a
/// compare-and-set UPDATE that takes a lease, so instances sharing a database never run one delivery side by side
/// (a lease that runs out — the instance died mid-handler — makes the delivery due again). Only the oldest open
/// delivery of an aggregate for a handler is ever due, which keeps each handler's view of an aggregate in order and
/// lets a poison event hold back only its own aggregate.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, EventRegistry registry, OutboxSignal signal, TimeProvider clock,
    IOptions<EventsOptions> options, IHostApplicationLifetime lifetime, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public string Instance { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DispatchEnabled)
        {
            return;
        }
        // Not before the app has started: on a fresh database the migrations run during startup.
        if (!await Jobs.JobRegistrar.Started(lifetime, stoppingToken))
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var delivered = 0;
            try
            {
                delivered = await DispatchOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Dispatching outbox events failed; will look again in {Interval}", settings.PollInterval);
            }
            if (delivered == 0)
            {
                try
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and runs one batch of due deliveries; returns how many it ran (successfully or not).</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var deliveries = db.Set<OutboxDelivery>();
        var now = clock.GetUtcNow();
        var due = await deliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .Where(d => !deliveries.Any(p => p.Handler == d.Handler && p.AggregateId == d.AggregateId && p.MessageSequence < d.MessageSequence && p.Status != DeliveryStatus.Done))
            .OrderBy(d => d.MessageSequence)
            .Take(settings.BatchSize)
            .Select(d => new { d.MessageSequence, d.Handler, d.Attempts })
            .ToListAsync(ct);
        // Only the oldest open delivery of a (handler, aggregate) is due, so the round's deliveries are independent:
        // they run side by side on PostgreSQL, one at a time on SQLite (one writer).
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = db.Provider == DatabaseProvider.Postgres ? settings.Concurrency : 1,
            CancellationToken = ct,
        };
        var ran = 0;
        await Parallel.ForEachAsync(due, parallel, async (candidate, token) =>
        {
            await using var deliveryScope = scopes.CreateAsyncScope();
            var deliveryDb = deliveryScope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var now = clock.GetUtcNow();
            var until = now + settings.Lease;
            var claimed = await deliveryDb.Set<OutboxDelivery>()
                .Where(d => d.MessageSequence == candidate.MessageSequence && d.Handler == candidate.Handler && d.Status == DeliveryStatus.Pending
                    && (d.LockedUntil == null || d.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedBy, Instance).SetProperty(d => d.LockedUntil, until).SetProperty(d => d.Attempts, d => d.Attempts + 1), token);
            if (claimed == 0)
            {
                return; // another instance took it first
            }
            Interlocked.Increment(ref ran);
            await RunAsync(deliveryDb, candidate.MessageSequence, candidate.Handler, candidate.Attempts + 1, settings, token);
        });
        return ran;
    }

    private async Task RunAsync(DotsDbContext db, long sequence, string handlerName, int attempt, EventsOptions settings, CancellationToken ct)
    {
        var deliveries = db.Set<OutboxDelivery>();
        Exception? failure;
        try
        {
            var message = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Sequence == sequence).Select(m => new { m.Type, m.Payload }).SingleAsync(ct);
            var handler = registry.Handler(handlerName) ?? throw new InvalidOperationException($"No handler named '{handlerName}' is registered in this instance.");
            var type = registry.TypeOf(message.Type) ?? throw new InvalidOperationException($"No event type named '{message.Type}' is registered in this instance.");
            var domainEvent = (IDomainEvent)(JsonSerializer.Deserialize(message.Payload, type, EventRegistry.Json)
                ?? throw new JsonException($"The payload of event {sequence} is null."));
            await using (var handlerScope = scopes.CreateAsyncScope())
            {
                await handler.Invoke(handlerScope.ServiceProvider, domainEvent, ct);
            }
            failure = null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and the delivery is retried, by us after a restart or by another instance.
            throw;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var now = clock.GetUtcNow();
        var key = deliveries.Where(d => d.MessageSequence == sequence && d.Handler == handlerName);
        // Bookkeeping must not be cancelled halfway: a finished handler whose Done is lost would run again.
        if (failure is null)
        {
            await key.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Done).SetProperty(d => d.DeliveredAt, now)
                .SetProperty(d => d.LockedBy, (string?)null).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null).SetProperty(d => d.LastError, (string?)null), CancellationToken.None);
            return;
        }
        var error = failure.GetType().Name + ": " + failure.Message;
        error = error.Length > 4000 ? error[..4000] : error;
        if (attempt >= settings.MaxAttempts)
        {
            logger.LogError(failure, "Handler {Handler} failed event {Sequence} {Attempts} times; it is parked as Failed and holds back that aggregate's later events", handlerName, sequence, attempt);
            await key.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.LastError, error)
                .SetProperty(d => d.LockedBy, (string?)null).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
            return;
        }
        var next = now + settings.BackoffAfter(attempt);
        logger.LogWarning(failure, "Handler {Handler} failed event {Sequence} (attempt {Attempt}); retrying at {Next}", handlerName, sequence, attempt, next);
        await key.ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, next).SetProperty(d => d.LastError, error)
            .SetProperty(d => d.LockedBy, (string?)null).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
    }
}
