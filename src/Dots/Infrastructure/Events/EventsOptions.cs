namespace Dots.Infrastructure.Events;

/// <summary>The `Events` section.</summary>
public sealed class EventsOptions
{
    /// <summary>Whether this instance dispatches; publishing works either way. Off = events wait in the outbox for another instance.</summary>
    public bool DispatchEnabled { get; set; } = true;

    /// <summary>How often the dispatcher looks for work it was not told about (other instances, retries, recovery after a crash).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed delivery belongs to its instance; a crash mid-handler is redelivered after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts before a delivery is marked Failed (poison); it then holds back its aggregate's later events for that handler.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait after the first failure; it doubles per attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long events every handler has finished with are kept before the daily trim deletes them.</summary>
    public TimeSpan RetainDelivered { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Deliveries claimed per round.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// Deliveries of one round run side by side, each in its own scope, on PostgreSQL (SQLite has one writer: one at a
    /// time there). A round's deliveries never share a handler and aggregate, so each aggregate's order holds.
    /// </summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// Requests in flight on this instance from which it counts as busy. A busy instance holds its outbox deliveries
    /// back for <see cref="BusyDeferral"/>, then runs them with <see cref="BusyConcurrency"/> side by side instead of
    /// <see cref="Concurrency"/>: in a flash sale the handlers (notifications, demand, counters) took a fifth of the
    /// CPU and answered no buyer, so they give way to checkout and catch up at full speed once the rush is over
    /// (docs/benchmarks.md §1). They never stop for longer than the deferral: events keep flowing under any load.
    /// </summary>
    public int BusyRequests { get; set; } = 16;

    /// <summary>Deliveries side by side while the instance is busy (see <see cref="BusyRequests"/>); at most <see cref="Concurrency"/>.</summary>
    public int BusyConcurrency { get; set; } = 1;

    /// <summary>
    /// How long a rush may hold this instance's deliveries back: from the moment it became busy (see
    /// <see cref="BusyRequests"/>) the instance delivers nothing for this long — confirmation e-mails, dashboards and
    /// counters lag by at most this much — then one at a time (<see cref="BusyConcurrency"/>) until the rush is over.
    /// Another instance that is not busy delivers meanwhile. Zero: no deferral.
    /// </summary>
    public TimeSpan BusyDeferral { get; set; } = TimeSpan.FromSeconds(30);

    internal TimeSpan BackoffAfter(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(Backoff.Ticks * factor, MaxBackoff.Ticks));
        return wait;
    }
}
