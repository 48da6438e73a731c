using System.Threading.Channels;
using Dots.Infrastructure;
using Dots.Infrastructure.Signals;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Demand;

/// <summary>What a batch handed to the writer became.</summary>
internal enum EnqueueResult
{
    Queued,
    /// <summary>The queue holds its maximum of events: the caller must push back (429) — nothing of the batch was taken.</summary>
    Full,
}

/// <summary>
/// The one writer of demand events on this instance: callers hand it whole batches; it coalesces them into database
/// batches (one transaction each: raw rows + roll-up deltas), retries a failed write until it succeeds, and only then
/// completes the callers' tasks, tells the client-signal listeners and pushes the change to live dashboards.
/// Memory is bounded by <see cref="DemandOptions.QueueCapacity"/> events: a batch that does not fit is refused whole.
/// </summary>
internal sealed class DemandWriter(
    IServiceScopeFactory scopes,
    IOptions<DemandOptions> options,
    DemandLiveFeed live,
    TimeProvider clock,
    ILogger<DemandWriter> logger) : BackgroundService
{
    private sealed record Pending(IReadOnlyList<DemandEvent> Events, TaskCompletionSource Durable, long EnqueuedTicks);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>
    /// Committed batches on their way to the client-signal listeners (personalization's views): a second loop tells them,
    /// so the next database batch does not wait for the listeners. Bounded: when the listeners fall behind, the writer
    /// waits for room (and so, through the event queue, ingestion pushes back).
    /// </summary>
    private readonly Channel<IReadOnlyList<DemandEvent>> _committed = Channel.CreateBounded<IReadOnlyList<DemandEvent>>(
        new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly object _gate = new();
    private int _queued;
    private volatile TaskCompletionSource? _stall;
    private readonly LagRecorder _lag = new();

    private int _listenersPending;

    /// <summary>Committed events the client-signal listeners have not been told yet.</summary>
    public int ListenersPending => Volatile.Read(ref _listenersPending);

    /// <summary>Events accepted and not yet durable.</summary>
    public int Queued => Volatile.Read(ref _queued);

    public long WrittenEvents;
    public long WrittenBatches;

    public LagRecorder Lag => _lag;

    public EnqueueResult TryEnqueue(IReadOnlyList<DemandEvent> events, out Task durable)
    {
        durable = Task.CompletedTask;
        if (events.Count == 0) return EnqueueResult.Queued;
        lock (_gate)
        {
            if (_queued + events.Count > options.Value.QueueCapacity) return EnqueueResult.Full;
            _queued += events.Count;
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Writer.TryWrite(new Pending(events, tcs, clock.GetTimestamp()));
        durable = tcs.Task;
        return EnqueueResult.Queued;
    }

    /// <summary>Server-side signals: waits for room instead of refusing (the outbox retries a handler anyway).</summary>
    public async Task WriteAsync(IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        while (true)
        {
            if (TryEnqueue(events, out var durable) == EnqueueResult.Queued)
            {
                await durable.WaitAsync(ct);
                return;
            }
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Test hook: the writer stops taking batches (as if the database hung) until <see cref="Resume"/>.</summary>
    internal void Stall() => _stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void Resume() => Interlocked.Exchange(ref _stall, null)?.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = Task.Run(ListenLoopAsync, CancellationToken.None);
        try
        {
            await WriteLoopAsync(stoppingToken);
        }
        finally
        {
            _committed.Writer.TryComplete();
            await listening;
        }
    }

    private async Task ListenLoopAsync()
    {
        var reader = _committed.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var events = new List<DemandEvent>();
            while (events.Count < 20_000 && reader.TryRead(out var batch)) events.AddRange(batch);
            await NotifyListenersAsync(events);
            Interlocked.Add(ref _listenersPending, -events.Count);
        }
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>();
        while (true)
        {
            try
            {
                if (!await reader.WaitToReadAsync(stoppingToken)) return;
            }
            catch (OperationCanceledException)
            {
                // Shutting down: what is queued is written below, then the loop ends.
                if (!reader.TryPeek(out _)) return;
            }
            if (_stall is { } stall) await stall.Task.WaitAsync(stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            batch.Clear();
            int rows = 0;
            while (rows < options.Value.MaxBatchRows && reader.TryRead(out var p))
            {
                batch.Add(p);
                rows += p.Events.Count;
            }
            if (batch.Count == 0) continue;
            await WriteWithRetryAsync(batch, rows, stoppingToken);
        }
    }

    private async Task WriteWithRetryAsync(List<Pending> batch, int rows, CancellationToken stoppingToken)
    {
        var events = batch.Count == 1 ? batch[0].Events : batch.SelectMany(p => p.Events).ToList();
        RollupAccumulator? acc = null;
        for (int attempt = 1; acc is null; attempt++)
        {
            try
            {
                acc = await scopes.RunAsync((DemandStore s) => s.AppendAsync(events, CancellationToken.None));
            }
            catch (Exception e) when (attempt < 1_000_000)
            {
                // Accepted events are never dropped: keep trying (the queue meanwhile fills and ingestion answers 429).
                logger.LogWarning(e, "Writing {Rows} demand events failed (attempt {Attempt}); retrying", rows, attempt);
                try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt)), stoppingToken); }
                catch (OperationCanceledException) { await Task.Delay(500, CancellationToken.None); }
            }
        }
        lock (_gate) _queued -= rows;
        Interlocked.Add(ref WrittenEvents, rows);
        Interlocked.Increment(ref WrittenBatches);
        var now = clock.GetTimestamp();
        foreach (var p in batch)
        {
            _lag.Record(clock.GetElapsedTime(p.EnqueuedTicks, now));
            p.Durable.TrySetResult();
        }
        live.Publish(new DemandChange([.. acc.Shops], acc.Queries.Count > 0, rows));
        Interlocked.Add(ref _listenersPending, events.Count);
        await _committed.Writer.WriteAsync(events, CancellationToken.None);
    }

    private async Task NotifyListenersAsync(IReadOnlyList<DemandEvent> events)
    {
        var signals = new List<ClientSignal>(events.Count);
        foreach (var e in events)
        {
            if (DemandEventTypes.Client.Contains(e.Type)) signals.Add(new ClientSignal(e.Type, e.ProductId, e.Query, e.ResultCount, e.SessionId, e.UserId, e.At));
        }
        if (signals.Count == 0) return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            foreach (var listener in scope.ServiceProvider.GetServices<IClientSignalListener>())
            {
                try
                {
                    await listener.OnAcceptedAsync(signals, CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Client signal listener {Listener} failed", listener.GetType().Name);
                }
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Client signal listeners could not run");
        }
    }
}

/// <summary>Accepted → durable (and so visible in the roll-ups) times, for the benchmark: a bounded reservoir.</summary>
internal sealed class LagRecorder
{
    private readonly double[] _ms = new double[100_000];
    private long _count;

    public void Record(TimeSpan lag)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        _ms[i % _ms.Length] = lag.TotalMilliseconds;
    }

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public (double P50, double P99, long Count) Percentiles()
    {
        var n = (int)Math.Min(Interlocked.Read(ref _count), _ms.Length);
        if (n == 0) return (0, 0, 0);
        var copy = _ms[..n];
        Array.Sort(copy);
        return (copy[(int)(0.5 * (n - 1))], copy[(int)(0.99 * (n - 1))], Interlocked.Read(ref _count));
    }
}
