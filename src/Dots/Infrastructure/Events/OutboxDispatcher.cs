using System.Text.Json;
using System.Threading.Channels;
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
    IServiceScopeFactory scopes, EventRegistry registry, OutboxSignal signal, Http.RequestPressure pressure, TimeProvider clock,
    IOptions<EventsOptions> options, DatabaseSettings database, DatabaseWatchdog watchdog, IHostApplicationLifetime lifetime, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    /// <summary>
    /// PostgreSQL: the Done marks run on connections that keep generic plans (they update rows by their whole key). Planned
    /// afresh each time, as the unnest join's custom plans are, planning cost more than the update in a flash sale.
    /// </summary>
    private readonly string? _doneMarks = database.Provider == DatabaseProvider.Postgres ? GenericPlans.ForKeyedStatements(database.ConnectionString) : null;

    /// <summary>
    /// PostgreSQL: the lease runs on connections that plan it on every execution, for the table as it is then — never on a
    /// generic plan cached while the table was nearly empty (<see cref="GenericPlans.ForSizeDependentStatements"/>).
    /// </summary>
    internal string? LeaseConnectionString { get; } =
        database.Provider == DatabaseProvider.Postgres ? GenericPlans.ForSizeDependentStatements(database.ConnectionString) : null;

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
            if (HoldingBack(settings))
            {
                try
                {
                    await Task.Delay(HoldBackLook, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
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

    /// <summary>How often a dispatcher holding back during a rush looks whether the rush is over.</summary>
    private static readonly TimeSpan HoldBackLook = TimeSpan.FromMilliseconds(200);

    /// <summary>When this instance became busy, while it is; null while it is not. Per instance, as the load it measures.</summary>
    private DateTimeOffset? _busySince;

    /// <summary>
    /// True while this instance is busy and has been for less than <see cref="EventsOptions.BusyDeferral"/>: its
    /// deliveries wait (another instance that is not busy still delivers them). The rush ends with the first look
    /// that finds the instance below <see cref="EventsOptions.BusyRequests"/>.
    /// </summary>
    private bool HoldingBack(EventsOptions settings)
    {
        if (!Busy(settings))
        {
            _busySince = null;
            return false;
        }
        var now = clock.GetUtcNow();
        _busySince ??= now;
        return now - _busySince.Value < settings.BusyDeferral;
    }

    /// <summary>Whether this instance is serving enough requests right now to count as busy.</summary>
    private bool Busy(EventsOptions settings) => pressure.InFlight >= settings.BusyRequests;

    /// <summary>One claimed delivery: the attempt it is on counts this one.</summary>
    internal sealed record Claim(long Sequence, string Handler, int Attempt);

    /// <summary>
    /// Claims and runs one batch of due deliveries; returns how many it ran (successfully or not). The round costs a
    /// few statements, not a few per delivery: one claims the batch (on PostgreSQL the look for due work and the lease
    /// in one UPDATE … RETURNING, skipping rows another instance is claiming), one reads the batch's events, and the
    /// finished deliveries are marked Done together as they finish (each flush takes whatever has finished meanwhile,
    /// so a slow handler in the round holds back no other delivery's Done).
    /// </summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var claimed = LeaseConnectionString is { } lease
            ? await ClaimOnPostgresAsync(lease, settings, ct)
            : await ClaimOneByOneAsync(db, settings, ct);
        if (claimed.Count == 0)
        {
            return 0;
        }
        var sequences = claimed.Select(c => c.Sequence).Distinct().ToList();
        var messages = await db.Set<OutboxMessage>().AsNoTracking().Where(m => sequences.Contains(m.Sequence))
            .Select(m => new { m.Sequence, m.Type, m.Payload }).ToDictionaryAsync(m => m.Sequence, m => (m.Type, m.Payload), ct);

        // Only the oldest open delivery of a (handler, aggregate) is due, so the round's deliveries are independent:
        // they run side by side on PostgreSQL (fewer while the instance is busy serving requests: they can wait, its
        // customers cannot), one at a time on SQLite (one writer).
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = db.Provider != DatabaseProvider.Postgres ? 1
                : Busy(settings) ? settings.BusyConcurrency : settings.Concurrency,
            CancellationToken = ct,
        };
        var finished = Channel.CreateUnbounded<Claim>(new UnboundedChannelOptions { SingleReader = true });
        var marking = MarkDoneAsync(finished.Reader);
        try
        {
            await Parallel.ForEachAsync(claimed, parallel, async (claim, token) =>
            {
                var failure = await InvokeAsync(claim, messages.TryGetValue(claim.Sequence, out var m) ? m : null, token);
                if (failure is null)
                {
                    finished.Writer.TryWrite(claim);
                }
                else
                {
                    await RecordFailureAsync(claim, failure, settings);
                }
            });
        }
        finally
        {
            // Bookkeeping must not be cancelled halfway: a finished handler whose Done is lost would run again.
            finished.Writer.TryComplete();
            await marking;
        }
        return claimed.Count;
    }

    /// <summary>
    /// PostgreSQL: finds the due deliveries and leases them in one statement. FOR UPDATE SKIP LOCKED lets instances
    /// polling at once take disjoint batches, and re-checks each row it locks, so a row another instance has just
    /// leased is passed over rather than claimed twice.
    /// </summary>
    private async Task<List<Claim>> ClaimOnPostgresAsync(string connectionString, EventsOptions settings, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Off EF's path, so registered with the watchdog by hand: a lease stuck in the database shows on /health.
        using var watched = watchdog.Waiting("outbox lease");
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var claimed = await LeaseAsync(connection, Instance, now, now + settings.Lease, settings.BatchSize, ct);
        return [.. claimed.OrderBy(c => c.Sequence)];
    }

    /// <summary>
    /// The lease statement on <paramref name="connection"/>: due deliveries are those pending at
    /// <paramref name="now"/>, not leased, and the oldest open one of their handler and aggregate. The statuses are
    /// literals, not parameters, so that the plan can use the partial indexes.
    /// </summary>
    internal static async Task<List<Claim>> LeaseAsync(Npgsql.NpgsqlConnection connection, string instance, DateTimeOffset now, DateTimeOffset until, int batchSize,
        CancellationToken ct)
    {
        await using var command = new Npgsql.NpgsqlCommand(
            """
            UPDATE "OutboxDeliveries" AS d
            SET "LockedBy" = @instance, "LockedUntil" = @until, "Attempts" = d."Attempts" + 1
            FROM (
                SELECT x."MessageSequence", x."Handler" FROM "OutboxDeliveries" AS x
                WHERE x."Status" = 'Pending' AND x."NextAttemptAt" <= @now AND (x."LockedUntil" IS NULL OR x."LockedUntil" < @now)
                  AND NOT EXISTS (
                      SELECT 1 FROM "OutboxDeliveries" AS p
                      WHERE p."Handler" = x."Handler" AND p."AggregateId" = x."AggregateId"
                        AND p."MessageSequence" < x."MessageSequence" AND p."Status" <> 'Done')
                ORDER BY x."MessageSequence"
                LIMIT @batch
                FOR UPDATE SKIP LOCKED
            ) AS due
            WHERE d."MessageSequence" = due."MessageSequence" AND d."Handler" = due."Handler"
            RETURNING d."MessageSequence", d."Handler", d."Attempts"
            """, connection);
        command.Parameters.AddWithValue("instance", instance);
        command.Parameters.AddWithValue("until", until);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("batch", batchSize);
        var claimed = new List<Claim>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new Claim(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
        }
        return claimed;
    }

    /// <summary>SQLite (one writer, one instance): looks for due work, then leases each with a compare-and-set UPDATE.</summary>
    private async Task<List<Claim>> ClaimOneByOneAsync(DotsDbContext db, EventsOptions settings, CancellationToken ct)
    {
        var deliveries = db.Set<OutboxDelivery>();
        var now = clock.GetUtcNow();
        var due = await deliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .Where(d => !deliveries.Any(p => p.Handler == d.Handler && p.AggregateId == d.AggregateId && p.MessageSequence < d.MessageSequence && p.Status != DeliveryStatus.Done))
            .OrderBy(d => d.MessageSequence)
            .Take(settings.BatchSize)
            .Select(d => new { d.MessageSequence, d.Handler, d.Attempts })
            .ToListAsync(ct);
        var claimed = new List<Claim>(due.Count);
        foreach (var candidate in due)
        {
            var until = clock.GetUtcNow() + settings.Lease;
            var won = await deliveries
                .Where(d => d.MessageSequence == candidate.MessageSequence && d.Handler == candidate.Handler && d.Status == DeliveryStatus.Pending
                    && (d.LockedUntil == null || d.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedBy, Instance).SetProperty(d => d.LockedUntil, until).SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
            if (won == 1)
            {
                claimed.Add(new Claim(candidate.MessageSequence, candidate.Handler, candidate.Attempts + 1));
            }
        }
        return claimed;
    }

    /// <summary>Marks finished deliveries Done, each flush taking every delivery that finished while the last one ran.</summary>
    private async Task MarkDoneAsync(ChannelReader<Claim> finished)
    {
        var batch = new List<Claim>();
        while (await finished.WaitToReadAsync(CancellationToken.None))
        {
            while (finished.TryRead(out var claim))
            {
                batch.Add(claim);
            }
            try
            {
                var now = clock.GetUtcNow();
                if (_doneMarks is not null)
                {
                    // `= ANY(…)` on the key's first column: the rows are found through the primary key whatever join the
                    // planner picks for `unnest` (a plan made while the table was small would scan it as it grows).
                    using var watched = watchdog.Waiting("outbox done marks");
                    await using var connection = new Npgsql.NpgsqlConnection(_doneMarks);
                    await connection.OpenAsync(CancellationToken.None);
                    await using var command = new Npgsql.NpgsqlCommand("""
                        UPDATE "OutboxDeliveries" AS d
                        SET "Status" = @done, "DeliveredAt" = @now, "LockedBy" = NULL, "LockedUntil" = NULL, "LastError" = NULL
                        FROM unnest(@sequences, @handlers) AS f("Sequence", "Handler")
                        WHERE d."MessageSequence" = f."Sequence" AND d."Handler" = f."Handler" AND d."MessageSequence" = ANY(@sequences)
                        """, connection);
                    command.Parameters.AddWithValue("done", nameof(DeliveryStatus.Done));
                    command.Parameters.AddWithValue("now", now);
                    command.Parameters.AddWithValue("sequences", batch.Select(c => c.Sequence).ToArray());
                    command.Parameters.AddWithValue("handlers", batch.Select(c => c.Handler).ToArray());
                    await command.ExecuteNonQueryAsync(CancellationToken.None);
                }
                else
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
                    foreach (var handler in batch.GroupBy(c => c.Handler))
                    {
                        var sequences = handler.Select(c => c.Sequence).ToList();
                        await db.Set<OutboxDelivery>().Where(d => d.Handler == handler.Key && sequences.Contains(d.MessageSequence))
                            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Done).SetProperty(d => d.DeliveredAt, now)
                                .SetProperty(d => d.LockedBy, (string?)null).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null).SetProperty(d => d.LastError, (string?)null),
                                CancellationToken.None);
                    }
                }
            }
            catch (Exception ex)
            {
                // The leases run out and the deliveries run again: at least once, as every handler expects (ADR 0012).
                logger.LogWarning(ex, "Marking {Count} outbox deliveries done failed; they will be delivered again after their lease", batch.Count);
            }
            batch.Clear();
        }
    }

    /// <summary>Runs one delivery's handler; returns what went wrong, or null.</summary>
    private async Task<Exception?> InvokeAsync(Claim claim, (string Type, string Payload)? message, CancellationToken ct)
    {
        try
        {
            var (typeName, payload) = message ?? throw new InvalidOperationException($"Event {claim.Sequence} is not in the outbox.");
            var handler = registry.Handler(claim.Handler) ?? throw new InvalidOperationException($"No handler named '{claim.Handler}' is registered in this instance.");
            var type = registry.TypeOf(typeName) ?? throw new InvalidOperationException($"No event type named '{typeName}' is registered in this instance.");
            var domainEvent = (IDomainEvent)(JsonSerializer.Deserialize(payload, type, EventRegistry.Json)
                ?? throw new JsonException($"The payload of event {claim.Sequence} is null."));
            await using var handlerScope = scopes.CreateAsyncScope();
            await handler.Invoke(handlerScope.ServiceProvider, domainEvent, ct);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and the delivery is retried, by us after a restart or by another instance.
            throw;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>A failed attempt: retried after a back-off, or parked as Failed after the last attempt.</summary>
    private async Task RecordFailureAsync(Claim claim, Exception failure, EventsOptions settings)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var (sequence, handlerName, attempt) = claim;
        var key = db.Set<OutboxDelivery>().Where(d => d.MessageSequence == sequence && d.Handler == handlerName);
        var error = failure.GetType().Name + ": " + failure.Message;
        error = error.Length > 4000 ? error[..4000] : error;
        if (attempt >= settings.MaxAttempts)
        {
            logger.LogError(failure, "Handler {Handler} failed event {Sequence} {Attempts} times; it is parked as Failed and holds back that aggregate's later events", handlerName, sequence, attempt);
            await key.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.LastError, error)
                .SetProperty(d => d.LockedBy, (string?)null).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
            return;
        }
        var next = clock.GetUtcNow() + settings.BackoffAfter(attempt);
        logger.LogWarning(failure, "Handler {Handler} failed event {Sequence} (attempt {Attempt}); retrying at {Next}", handlerName, sequence, attempt, next);
        await key.ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, next).SetProperty(d => d.LastError, error)
            .SetProperty(d => d.LockedBy, (string?)null).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
    }
}
