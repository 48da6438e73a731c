using System.Collections.Concurrent;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dots.Tests.Platform;

public sealed record ThingHappened(string AggregateId, int Number, int FailTimes = 0) : IDomainEvent;

/// <summary>Records every delivery it gets, per handler, so tests can count them.</summary>
internal sealed class RecordingHandler : IEventHandler<ThingHappened>
{
    public static readonly ConcurrentQueue<ThingHappened> Received = new();

    public Task HandleAsync(ThingHappened domainEvent, CancellationToken ct)
    {
        Received.Enqueue(domainEvent);
        return Task.CompletedTask;
    }
}

/// <summary>A second handler of the same event: each handler gets its own delivery.</summary>
internal sealed class AuditHandler : IEventHandler<ThingHappened>
{
    public static readonly ConcurrentQueue<ThingHappened> Received = new();

    public Task HandleAsync(ThingHappened domainEvent, CancellationToken ct)
    {
        Received.Enqueue(domainEvent);
        return Task.CompletedTask;
    }
}

/// <summary>Fails each event its first <see cref="ThingHappened.FailTimes"/> times, then records it.</summary>
internal sealed class FlakyHandler : IEventHandler<ThingHappened>
{
    public static readonly ConcurrentDictionary<(string, int), int> Attempts = new();
    public static readonly ConcurrentQueue<ThingHappened> Succeeded = new();

    public Task HandleAsync(ThingHappened domainEvent, CancellationToken ct)
    {
        var attempt = Attempts.AddOrUpdate((domainEvent.AggregateId, domainEvent.Number), 1, (_, n) => n + 1);
        if (attempt <= domainEvent.FailTimes)
        {
            throw new InvalidOperationException($"Flaky failure {attempt} of event {domainEvent.Number}");
        }
        Succeeded.Enqueue(domainEvent);
        return Task.CompletedTask;
    }
}

public sealed record SlowThingHappened(string AggregateId) : IDomainEvent;

public sealed record ProbeHappened(string AggregateId) : IDomainEvent;

/// <summary>Registered, but no handler listens to it.</summary>
public sealed record UnheardHappened(string AggregateId) : IDomainEvent;

/// <summary>Never registered.</summary>
public sealed record UnregisteredHappened(string AggregateId) : IDomainEvent;

/// <summary>Takes a moment per delivery and remembers how many of its deliveries ever ran side by side.</summary>
internal sealed class SideBySideProbe : IEventHandler<ProbeHappened>
{
    private static int _running;
    private static int _most;
    public static readonly ConcurrentQueue<string> Done = new();

    public static int MostSideBySide => Volatile.Read(ref _most);

    public static void Reset() => Interlocked.Exchange(ref _most, 0);

    public async Task HandleAsync(ProbeHappened domainEvent, CancellationToken ct)
    {
        var now = Interlocked.Increment(ref _running);
        int most;
        while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
        {
        }
        try
        {
            await Task.Delay(120, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
        Done.Enqueue(domainEvent.AggregateId);
    }
}

/// <summary>The first time it sees an aggregate it hangs until its instance stops (a crash mid-handler); afterwards it completes.</summary>
internal sealed class HangingHandler : IEventHandler<SlowThingHappened>
{
    public static readonly ConcurrentDictionary<string, int> Calls = new();
    public static readonly ConcurrentQueue<string> Completed = new();

    public async Task HandleAsync(SlowThingHappened domainEvent, CancellationToken ct)
    {
        if (Calls.AddOrUpdate(domainEvent.AggregateId, 1, (_, n) => n + 1) == 1)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        Completed.Enqueue(domainEvent.AggregateId);
    }
}

/// <summary>
/// An instance that publishes but does not dispatch, as if it crashed right after its commits; the tests start
/// dispatching instances on the same database with <see cref="Dispatching"/>.
/// </summary>
public sealed class OutboxPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Events:DispatchEnabled"] = "false",
        ["Events:MaxAttempts"] = "4",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s
            .AddEventHandler<ThingHappened, RecordingHandler>()
            .AddEventHandler<ThingHappened, AuditHandler>()
            .AddEventHandler<ThingHappened, FlakyHandler>()
            .AddEventHandler<SlowThingHappened, HangingHandler>()
            .AddEventHandler<ProbeHappened, SideBySideProbe>()
            .AddDomainEvent<UnheardHappened>());
    }

    /// <summary>A new app instance on the same database whose dispatcher runs.</summary>
    public WebApplicationFactory<Program> Dispatching(TimeSpan? lease = null) => WithWebHostBuilder(b =>
    {
        b.UseSetting("Events:DispatchEnabled", "true");
        if (lease is { } l)
        {
            b.UseSetting("Events:Lease", l.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }
    });

    public async Task PublishAsync(params IDomainEvent[] events)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var publisher = scope.ServiceProvider.GetRequiredService<IEventPublisher>();
        foreach (var e in events)
        {
            publisher.Publish(db, e);
        }
        await db.SaveChangesAsync();
    }

    public Task<List<OutboxDelivery>> DeliveriesAsync(string aggregateId) =>
        WithDbAsync(db => db.Set<OutboxDelivery>().AsNoTracking().Where(d => d.AggregateId == aggregateId).ToListAsync());
}

public sealed class OutboxTests(OutboxPlatform platform) : IClassFixture<OutboxPlatform>
{
    private static string NewAggregate() => "agg-" + Guid.NewGuid().ToString("N")[..12];

    private static string FlakyName => typeof(FlakyHandler).FullName!;

    /// <summary>
    /// The lease is planned for the outbox as it is at each execution. Run often while the table was nearly empty (a new
    /// database's first minute), it used to settle on a generic plan that nests sequential scans of the deliveries in
    /// each other, kept until autovacuum first analyzed the table: on 24,000 pending deliveries one lease took 195 s, so
    /// every lease timed out and no event was delivered (docs/benchmarks.md §1, seventeenth stop). Here the lease runs
    /// ten times on one connection after the near-empty table was analyzed, then 12,000 deliveries become due at once: the
    /// next lease on that same connection takes a hundred of them within the command timeout (on a generic plan it timed
    /// out after 30 s), and no execution on it used a generic plan.
    /// </summary>
    [PostgresFact]
    public async Task TheLease_IsPlannedForTheOutboxAsItIsNow_SoASuddenBacklogOnAYoungTableIsLeasedAtOnce()
    {
        var dispatcher = platform.Services.GetRequiredService<OutboxDispatcher>();
        await using var connection = new NpgsqlConnection(dispatcher.LeaseConnectionString);
        await connection.OpenAsync();
        // As autovacuum does in a new database's first minute: the statistics of a table that has next to nothing yet.
        await using (var analyze = new NpgsqlCommand("""ANALYZE "OutboxDeliveries" """, connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }
        var longAgo = DateTimeOffset.UtcNow.AddYears(-10);
        for (var i = 0; i < 10; i++)
        {
            Assert.Empty(await OutboxDispatcher.LeaseAsync(connection, "probe", longAgo, longAgo.AddMinutes(1), 100, CancellationToken.None));
        }

        const string handler = "lease-probe";
        await using (var fill = new NpgsqlCommand(
            $$"""
            WITH m AS (
                INSERT INTO "OutboxMessages" ("Id", "Type", "Payload", "AggregateId", "OccurredAt")
                SELECT 'lease-probe-' || g, 'LeaseProbe', '{}', 'lease-probe-' || g, now() FROM generate_series(1, 12000) AS g
                RETURNING "Sequence", "AggregateId")
            INSERT INTO "OutboxDeliveries" ("MessageSequence", "Handler", "AggregateId", "Status", "Attempts", "NextAttemptAt")
            SELECT m."Sequence", '{{handler}}', m."AggregateId", 'Pending', 0, now() - interval '1 minute' FROM m
            """, connection))
        {
            await fill.ExecuteNonQueryAsync();
        }
        try
        {
            var now = DateTimeOffset.UtcNow;
            var leased = await OutboxDispatcher.LeaseAsync(connection, "probe", now, now.AddMinutes(1), 100, CancellationToken.None);

            Assert.Equal(100, leased.Count(c => c.Handler == handler));
            await using var plans = new NpgsqlCommand(
                """SELECT current_setting('plan_cache_mode'), coalesce(sum(generic_plans), 0)::int FROM pg_prepared_statements WHERE statement LIKE '%FOR UPDATE SKIP LOCKED%'""",
                connection);
            await using var reader = await plans.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("force_custom_plan", 0), (reader.GetString(0), reader.GetInt32(1)));
        }
        finally
        {
            // On a connection of its own: a lease that timed out leaves its connection broken.
            await using var other = new NpgsqlConnection(dispatcher.LeaseConnectionString);
            await other.OpenAsync();
            await using var clean = new NpgsqlCommand(
                $"""
                DELETE FROM "OutboxDeliveries" WHERE "Handler" = '{handler}';
                DELETE FROM "OutboxMessages" WHERE "Type" = 'LeaseProbe';
                """, other);
            await clean.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// The lease runs off EF's command path, so it registers with the database watchdog itself: a lease held up in the
    /// database (here by a lock on the deliveries table) is the oldest work in flight, which /health reports as degraded
    /// past its stall threshold, and it is gone from the watchdog once the lease finishes.
    /// </summary>
    [PostgresFact]
    public async Task ALeaseHeldUpInTheDatabase_IsSeenByTheWatchdog_UntilItFinishes()
    {
        var dispatcher = platform.Services.GetRequiredService<OutboxDispatcher>();
        var watchdog = platform.Services.GetRequiredService<DatabaseWatchdog>();
        await using var blocker = new NpgsqlConnection(dispatcher.LeaseConnectionString);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("""LOCK TABLE "OutboxDeliveries" IN ACCESS EXCLUSIVE MODE""", blocker, tx))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var dispatching = dispatcher.DispatchOnceAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => watchdog.Oldest()?.What == "outbox lease", "the held-up lease to show in the watchdog");
        Assert.False(dispatching.IsCompleted);

        await tx.RollbackAsync();
        await dispatching.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual("outbox lease", watchdog.Oldest()?.What);
    }

    /// <summary>
    /// An event no handler listens to is not stored (a flash sale's <c>OrderPlaced</c>: a row per order that nothing
    /// would ever read), alone or among others in one batch, on both publishing paths; the others in the batch keep
    /// their deliveries. An event type never registered is still a programming error, said at once.
    /// </summary>
    [Fact]
    public async Task AnEventNoHandlerListensTo_IsNotStored_AndTheOthersInItsBatchAre()
    {
        var unheard = NewAggregate();
        var heard = NewAggregate();
        await platform.PublishAsync(new UnheardHappened(unheard));
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var publisher = scope.ServiceProvider.GetRequiredService<IEventPublisher>();
            await using var tx = await db.Database.BeginTransactionAsync();
            await publisher.PublishManyAsync(db, [new UnheardHappened(unheard), new ThingHappened(heard, 1), new UnheardHappened(heard)], CancellationToken.None);
            await publisher.PublishManyAsync(db, [new UnheardHappened(unheard)], CancellationToken.None);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            Assert.Throws<InvalidOperationException>(() => publisher.Publish(db, new UnregisteredHappened(unheard)));
            await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishManyAsync(db, [new ThingHappened(heard, 2), new UnregisteredHappened(heard)], CancellationToken.None));
        }

        Assert.False(await platform.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.AggregateId == unheard)));
        var messages = await platform.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().Where(m => m.AggregateId == heard).Select(m => m.Type).ToListAsync());
        Assert.Equal([nameof(ThingHappened)], messages);
        Assert.Equal(3, (await platform.DeliveriesAsync(heard)).Count);
    }

    [Fact]
    public async Task Publish_AddsTheEventAndOneDeliveryPerHandler_InTheCallersTransaction()
    {
        var committed = NewAggregate();
        var rolledBack = NewAggregate();
        await platform.PublishAsync(new ThingHappened(committed, 1));
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            scope.ServiceProvider.GetRequiredService<IEventPublisher>().Publish(db, new ThingHappened(rolledBack, 1));
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }

        var deliveries = await platform.DeliveriesAsync(committed);
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Pending, d.Status));
        var message = await platform.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.AggregateId == committed));
        Assert.Equal(nameof(ThingHappened), message.Type);
        Assert.Empty(await platform.DeliveriesAsync(rolledBack));
        Assert.False(await platform.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.AggregateId == rolledBack)));
    }

    [Fact]
    public async Task AnEventCommittedBeforeACrash_IsDeliveredAfterRestart_OncePerHandler()
    {
        var aggregate = NewAggregate();
        // Committed by an instance whose dispatcher never runs: the crash between commit and dispatch.
        await platform.PublishAsync(new ThingHappened(aggregate, 1), new ThingHappened(aggregate, 2));

        await using (var restarted = platform.Dispatching())
        {
            _ = restarted.Services;
            await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(aggregate)).All(d => d.Status == DeliveryStatus.Done), "every delivery done");
        }

        Assert.Equal([1, 2], RecordingHandler.Received.Where(e => e.AggregateId == aggregate).Select(e => e.Number));
        Assert.Equal([1, 2], AuditHandler.Received.Where(e => e.AggregateId == aggregate).Select(e => e.Number));
        Assert.Equal([1, 2], FlakyHandler.Succeeded.Where(e => e.AggregateId == aggregate).Select(e => e.Number));
    }

    [Fact]
    public async Task TwoDispatchingInstances_DeliverEachEventOncePerHandler()
    {
        var aggregates = Enumerable.Range(0, 6).Select(_ => NewAggregate()).ToList();
        await platform.PublishAsync(aggregates.SelectMany(a => Enumerable.Range(1, 4).Select(n => (IDomainEvent)new ThingHappened(a, n))).ToArray());

        await using var first = platform.Dispatching();
        await using var second = platform.Dispatching();
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));
        foreach (var aggregate in aggregates)
        {
            await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(aggregate)).All(d => d.Status == DeliveryStatus.Done), "every delivery done");
        }

        foreach (var aggregate in aggregates)
        {
            Assert.Equal([1, 2, 3, 4], RecordingHandler.Received.Where(e => e.AggregateId == aggregate).Select(e => e.Number));
            Assert.Equal([1, 2, 3, 4], AuditHandler.Received.Where(e => e.AggregateId == aggregate).Select(e => e.Number));
        }
    }

    [Fact]
    public async Task ABusyInstance_DeliversOneAtATime_AndStillDeliversEverything_ThenSideBySideOnceTheRushIsOver()
    {
        await using var dispatching = platform.WithWebHostBuilder(b => b
            .UseSetting("Events:DispatchEnabled", "true")
            .UseSetting("Events:Concurrency", "4")
            .UseSetting("Events:BusyRequests", "3")
            .UseSetting("Events:BusyConcurrency", "1")
            .UseSetting("Events:BusyDeferral", "00:00:00"));
        var pressure = dispatching.Services.GetRequiredService<Dots.Infrastructure.Http.RequestPressure>();

        // A rush: three requests in flight on the dispatching instance while the events come in.
        var rush = Enumerable.Range(0, 3).Select(_ => pressure.Enter()).ToList();
        SideBySideProbe.Reset();
        var duringRush = Enumerable.Range(0, 8).Select(_ => NewAggregate()).ToList();
        await platform.PublishAsync([.. duringRush.Select(a => new ProbeHappened(a))]);
        await Eventually.UntilAsync(() => duringRush.All(SideBySideProbe.Done.Contains), "every event of the rush delivered while the instance is busy");
        Assert.Equal(1, SideBySideProbe.MostSideBySide);

        rush.ForEach(r => r.Dispose());
        Assert.Equal(0, pressure.InFlight);
        SideBySideProbe.Reset();
        var afterRush = Enumerable.Range(0, 8).Select(_ => NewAggregate()).ToList();
        await platform.PublishAsync([.. afterRush.Select(a => new ProbeHappened(a))]);
        await Eventually.UntilAsync(() => afterRush.All(SideBySideProbe.Done.Contains), "every event after the rush delivered");
        // SQLite has one writer and delivers one at a time whatever the load; PostgreSQL goes back to side by side.
        if (DotsFactory.Provider == DatabaseProvider.Postgres)
        {
            Assert.True(SideBySideProbe.MostSideBySide > 1, $"after the rush deliveries ran {SideBySideProbe.MostSideBySide} at a time");
        }
    }

    [Fact]
    public async Task ARushLongerThanTheDeferral_HoldsTheInstancesDeliveriesBack_ThenDeliversThemOneAtATime()
    {
        await using var dispatching = BusyAtThree("00:00:03");
        var pressure = dispatching.Services.GetRequiredService<Dots.Infrastructure.Http.RequestPressure>();

        // A rush that outlasts the deferral: nothing is delivered at first, then everything, one at a time.
        var rush = Enumerable.Range(0, 3).Select(_ => pressure.Enter()).ToList();
        SideBySideProbe.Reset();
        var held = Enumerable.Range(0, 4).Select(_ => NewAggregate()).ToList();
        await platform.PublishAsync([.. held.Select(a => new ProbeHappened(a))]);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(held, SideBySideProbe.Done.Contains);
        await Eventually.UntilAsync(() => held.All(SideBySideProbe.Done.Contains), "every event delivered once the deferral has passed, the rush still on");
        Assert.Equal(1, SideBySideProbe.MostSideBySide);
        rush.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task TheEndOfARush_ReleasesTheEventsItHeldBack_WithoutWaitingForTheDeferral()
    {
        await using var dispatching = BusyAtThree("00:10:00");
        var pressure = dispatching.Services.GetRequiredService<Dots.Infrastructure.Http.RequestPressure>();

        var rush = Enumerable.Range(0, 3).Select(_ => pressure.Enter()).ToList();
        var held = Enumerable.Range(0, 4).Select(_ => NewAggregate()).ToList();
        await platform.PublishAsync([.. held.Select(a => new ProbeHappened(a))]);
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        Assert.DoesNotContain(held, SideBySideProbe.Done.Contains);

        // Ten minutes of deferral left: only the end of the rush can deliver them within the wait.
        rush.ForEach(r => r.Dispose());
        await Eventually.UntilAsync(() => held.All(SideBySideProbe.Done.Contains), "every held event delivered once the rush is over");
    }

    /// <summary>A dispatching instance that counts as busy from three requests in flight, with the given deferral.</summary>
    private WebApplicationFactory<Program> BusyAtThree(string deferral) => platform.WithWebHostBuilder(b => b
        .UseSetting("Events:DispatchEnabled", "true")
        .UseSetting("Events:BusyRequests", "3")
        .UseSetting("Events:BusyDeferral", deferral));

    [Theory]
    [InlineData("/api/products", null, 1)]
    [InlineData("/orders/ord-1", "text/html", 1)]
    [InlineData("/_blazor", null, 0)]
    [InlineData("/_blazor/negotiate", null, 0)]
    [InlineData("/api/demand/live", "text/event-stream", 0)]
    public async Task RequestPressure_CountsRequestsBeingServed_ButNotConnectionsThatStayOpen(string path, string? accept, int counted)
    {
        var pressure = new Dots.Infrastructure.Http.RequestPressure();
        var respond = new TaskCompletionSource();
        var counter = new Dots.Infrastructure.Http.RequestPressure.Counter(_ => respond.Task, pressure);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Path = path;
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        var serving = counter.InvokeAsync(context);
        Assert.Equal(counted, pressure.InFlight);
        respond.SetResult();
        await serving;
        Assert.Equal(0, pressure.InFlight);
    }

    [Fact]
    public async Task AFailingHandler_IsRetriedUntilItSucceeds_WithoutTroublingTheOtherHandlers()
    {
        var aggregate = NewAggregate();
        await platform.PublishAsync(new ThingHappened(aggregate, 1, FailTimes: 2));

        await using var dispatching = platform.Dispatching();
        _ = dispatching.Services;
        await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(aggregate)).All(d => d.Status == DeliveryStatus.Done), "every delivery done");

        var deliveries = await platform.DeliveriesAsync(aggregate);
        var flaky = deliveries.Single(d => d.Handler == FlakyName);
        Assert.Equal(3, flaky.Attempts);
        Assert.Null(flaky.LastError);
        Assert.All(deliveries.Where(d => d.Handler != FlakyName), d => Assert.Equal(1, d.Attempts));
        Assert.Single(FlakyHandler.Succeeded, e => e.AggregateId == aggregate);
    }

    [Fact]
    public async Task EventsOfOneAggregate_ReachEachHandlerInOrder_EvenWhenAnEarlierOneNeedsRetries()
    {
        var aggregate = NewAggregate();
        // Separate commits, the first of which fails twice before it goes through.
        await platform.PublishAsync(new ThingHappened(aggregate, 1, FailTimes: 2));
        for (var n = 2; n <= 5; n++)
        {
            await platform.PublishAsync(new ThingHappened(aggregate, n));
        }

        await using var first = platform.Dispatching();
        await using var second = platform.Dispatching();
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));
        await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(aggregate)).All(d => d.Status == DeliveryStatus.Done), "every delivery done");

        Assert.Equal([1, 2, 3, 4, 5], FlakyHandler.Succeeded.Where(e => e.AggregateId == aggregate).Select(e => e.Number));
        Assert.Equal([1, 2, 3, 4, 5], RecordingHandler.Received.Where(e => e.AggregateId == aggregate).Select(e => e.Number));
    }

    [Fact]
    public async Task APoisonEvent_IsParkedAsFailed_AndHoldsBackOnlyItsOwnAggregateForThatHandler()
    {
        var poisoned = NewAggregate();
        var healthy = NewAggregate();
        await platform.PublishAsync(new ThingHappened(poisoned, 1, FailTimes: 1000));
        await platform.PublishAsync(new ThingHappened(poisoned, 2), new ThingHappened(healthy, 1));

        await using var dispatching = platform.Dispatching();
        _ = dispatching.Services;
        await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(poisoned)).Any(d => d.Handler == FlakyName && d.Status == DeliveryStatus.Failed), "the poison delivery parked");
        await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(healthy)).All(d => d.Status == DeliveryStatus.Done), "the healthy aggregate delivered");
        await Eventually.UntilAsync(() => RecordingHandler.Received.Count(e => e.AggregateId == poisoned) == 2, "the other handlers got both poisoned-aggregate events");

        var poisonedDeliveries = await platform.DeliveriesAsync(poisoned);
        var parked = poisonedDeliveries.Single(d => d.Handler == FlakyName && d.Status == DeliveryStatus.Failed);
        Assert.Equal(4, parked.Attempts);
        Assert.Contains("Flaky failure", parked.LastError);
        // The later event of the same aggregate waits for the operator, for this handler only.
        Assert.Equal(DeliveryStatus.Pending, poisonedDeliveries.Single(d => d.Handler == FlakyName && d.Status != DeliveryStatus.Failed).Status);
        Assert.DoesNotContain(FlakyHandler.Succeeded, e => e.AggregateId == poisoned);
        Assert.All(poisonedDeliveries.Where(d => d.Handler != FlakyName), d => Assert.Equal(DeliveryStatus.Done, d.Status));
        Assert.Single(FlakyHandler.Succeeded, e => e.AggregateId == healthy);
    }

    [Fact]
    public async Task TheDailyTrim_DeletesOldDeliveredEvents_AndKeepsThoseStillOpen()
    {
        var delivered = NewAggregate();
        var open = NewAggregate();
        await platform.PublishAsync(new ThingHappened(delivered, 1));
        await using (var dispatching = platform.Dispatching())
        {
            _ = dispatching.Services;
            await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(delivered)).All(d => d.Status == DeliveryStatus.Done), "every delivery done");
        }
        await platform.PublishAsync(new ThingHappened(open, 1));

        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(8));
            var trim = new OutboxTrimJob(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), later, Microsoft.Extensions.Options.Options.Create(new EventsOptions()));
            Assert.True(await trim.TrimAsync(CancellationToken.None) >= 1);
        }

        Assert.False(await platform.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.AggregateId == delivered)));
        Assert.Empty(await platform.DeliveriesAsync(delivered));
        Assert.True(await platform.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.AggregateId == open)));
        Assert.Equal(3, (await platform.DeliveriesAsync(open)).Count);
    }

    [Fact]
    public async Task ADeliveryCutOffMidHandler_IsRedeliveredByAnotherInstance_OnceItsLeaseRunsOut()
    {
        var aggregate = NewAggregate();
        await platform.PublishAsync(new SlowThingHappened(aggregate));

        await using (var crashing = platform.Dispatching(lease: TimeSpan.FromSeconds(1)))
        {
            _ = crashing.Services;
            await Eventually.UntilAsync(() => HangingHandler.Calls.ContainsKey(aggregate), "the handler started on the first instance");
        }
        var leased = Assert.Single(await platform.DeliveriesAsync(aggregate));
        Assert.Equal(DeliveryStatus.Pending, leased.Status);
        Assert.NotNull(leased.LockedBy);

        await using var survivor = platform.Dispatching();
        _ = survivor.Services;
        await Eventually.UntilAsync(async () => (await platform.DeliveriesAsync(aggregate)).All(d => d.Status == DeliveryStatus.Done), "the delivery done");

        Assert.Equal(2, HangingHandler.Calls[aggregate]);
        Assert.Single(HangingHandler.Completed, a => a == aggregate);
        Assert.Equal(2, Assert.Single(await platform.DeliveriesAsync(aggregate)).Attempts);
    }
}
