using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dots.Infrastructure.Events;

/// <summary>Wakes this instance's dispatcher as soon as outbox rows have committed, instead of at its next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers any number of commits.
        }
    }

    /// <summary>True when woken, false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}

/// <summary>
/// Notices saves that carry outbox rows and signals once they are committed: at the end of the save when it ran its own
/// transaction, or when the caller's transaction commits. An early or extra signal only costs the dispatcher one look.
/// </summary>
internal sealed class OutboxSaveInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    /// <summary>Contexts whose saved outbox rows have not been signalled yet (the value is only a marker).</summary>
    internal static readonly ConditionalWeakTable<DbContext, object> Unsignalled = [];
    private static readonly object Marker = new();

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>
    /// Called by <see cref="Outbox.Publish"/> when it adds a message to a context: the context's next save (or commit)
    /// signals the dispatcher. Marking at publish time spares every save a scan of the change tracker (which would run
    /// DetectChanges once more per SaveChanges); a save that fails leaves the mark, so a later one signals — a spare
    /// wake-up at worst.
    /// </summary>
    internal static void MarkPublished(DbContext context) => Unsignalled.AddOrUpdate(context, Marker);

    private void Saved(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null && Unsignalled.Remove(context))
        {
            signal.Notify();
        }
    }
}

internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : DbTransactionInterceptor
{
    public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public override Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && OutboxSaveInterceptor.Unsignalled.Remove(context))
        {
            signal.Notify();
        }
    }

    private static void Forget(DbContext? context)
    {
        if (context is not null)
        {
            OutboxSaveInterceptor.Unsignalled.Remove(context);
        }
    }
}
