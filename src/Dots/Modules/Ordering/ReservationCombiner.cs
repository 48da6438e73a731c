using System.Collections.Concurrent;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Ordering;

/// <summary>
/// Per-SKU reservation combiner (ADR 0023). Concurrent checkouts of the same variant hand their order write to a lane;
/// the lane's drainer writes every waiting buyer's order (rows, <c>OrderPlaced</c>, the claim's attach), runs the
/// checkout steps for each, and takes all their units from the hot row in ONE statement that commits them together.
/// Each buyer then pays and is answered on its own. A batch that fails for any reason — a variant short of the
/// batch's total, a step refusing one buyer, a database error — changed nothing, and every buyer in it falls back to
/// its own transaction (which answers 409 to the ones the shelf cannot serve). A buyer alone in its lane is a batch of
/// one: the same rows and statements as without the combiner, on the lane's context instead of the request's.
/// State is only the in-memory queue of this process: the database stays the truth, and a second instance runs its
/// own lanes against the same rows (their batches simply queue on the row lock like single orders do).
/// </summary>
public sealed class ReservationCombiner(IServiceScopeFactory scopes, IOptions<OrderingOptions> options, ILogger<ReservationCombiner> logger)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    private long _batches;
    private long _orders;
    private long _sharedOrders;
    private long _fellBack;

    public bool Enabled => options.Value.CombineReservations;

    /// <summary>
    /// Committed batches, the orders in them, how many of those shared their batch with another buyer, and how many
    /// buyers were handed back to their own transaction because their batch refused.
    /// </summary>
    public (long Batches, long Orders, long SharedOrders, long FellBack) Stats =>
        (Interlocked.Read(ref _batches), Interlocked.Read(ref _orders), Interlocked.Read(ref _sharedOrders), Interlocked.Read(ref _fellBack));

    /// <summary>One buyer's part of a batch: its units, its checkout context, and how to write its order rows into a context.</summary>
    internal sealed class Entry(int quantity, CheckoutContext context, Action<DotsDbContext> write)
    {
        public int Quantity => quantity;
        public CheckoutContext Context => context;
        public Action<DotsDbContext> Write => write;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lane
    {
        public readonly List<Entry> Queue = [];
        public int Running;
    }

    /// <summary>
    /// True once the buyer's order and units are committed with its batch; false when the buyer must reserve on its
    /// own (alone in the lane, or the batch failed and changed nothing).
    /// </summary>
    internal Task<bool> ReserveAsync(string variantId, Entry entry)
    {
        var lane = _lanes.GetOrAdd(variantId, _ => new Lane());
        bool start;
        lock (lane)
        {
            lane.Queue.Add(entry);
            start = lane.Running < options.Value.CombinerLanesPerSku;
            if (start)
            {
                lane.Running++;
            }
        }
        if (start)
        {
            _ = Task.Run(() => DrainAsync(variantId, lane));
        }
        return entry.Done.Task;
    }

    private async Task DrainAsync(string variantId, Lane lane)
    {
        while (true)
        {
            var window = options.Value.CombinerWindow;
            if (window > TimeSpan.Zero)
            {
                await Task.Delay(window);
            }
            List<Entry> batch;
            lock (lane)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Running--;
                    return;
                }
                var n = Math.Min(lane.Queue.Count, options.Value.CombinerMaxBatch);
                batch = lane.Queue.GetRange(0, n);
                lane.Queue.RemoveRange(0, n);
            }
            // A batch of one is committed here too: while it commits, the buyers arriving meanwhile queue up for the
            // next batch (that wait is the batching window; there is no timer).
            bool committed;
            try
            {
                await CommitAsync(variantId, batch);
                committed = true;
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _orders, batch.Count);
                if (batch.Count > 1)
                {
                    Interlocked.Add(ref _sharedOrders, batch.Count);
                }
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "A batch of {Count} reservations of {VariantId} fell back to single orders", batch.Count, variantId);
                committed = false;
                Interlocked.Add(ref _fellBack, batch.Count);
            }
            foreach (var entry in batch)
            {
                if (!committed)
                {
                    // Whatever a step noted for its own release belongs to the batch that rolled back.
                    entry.Context.Items.Clear();
                    entry.Context.ResponseFields.Clear();
                }
                entry.Done.TrySetResult(committed);
            }
        }
    }

    /// <summary>
    /// One transaction for the whole batch on a context of its own: every order's rows in one batched write, the steps
    /// (run in this scope, so they write in this transaction), then Catalog takes the batch's total from the variant
    /// in one statement and commits. Throws, with nothing committed, when anything refuses.
    /// </summary>
    private async Task CommitAsync(string variantId, List<Entry> batch)
    {
        var ct = CancellationToken.None; // the batch is many buyers': one client hanging up does not abandon it
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<DotsDbContext>();
        var stock = services.GetRequiredService<StockService>();
        var steps = services.GetServices<ICheckoutStep>().OrderBy(s => s.Stage).ToList();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                foreach (var entry in batch)
                {
                    entry.Write(db);
                }
                await db.SaveChangesAsync(ct);
                foreach (var entry in batch)
                {
                    foreach (var step in steps)
                    {
                        await step.ReserveAsync(entry.Context, ct);
                    }
                }
            }
            catch
            {
                db.ChangeTracker.Clear();
                throw;
            }
            // Commits (or rolls back and throws 409 when the shelf is short of the batch's total); either way it ends tx.
            await stock.TakeAndCommitAsync([new StockLine(variantId, batch.Sum(e => e.Quantity))], ct);
        }
    }
}
