using System.Collections.Concurrent;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Http;
using Dots.Modules.Catalog;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Ordering;

/// <summary>
/// Per-SKU reservation combiner (ADR 0023). Concurrent checkouts of the same variant hand their order write to a lane;
/// the lane's drainer writes every waiting buyer's order (rows, <c>OrderPlaced</c>, the claim's attach), runs the
/// checkout steps for each, and takes all their units from the hot row in ONE statement that commits them together.
/// Each buyer then pays and is answered on its own. A batch the shelf cannot serve whole (near a sell-out) changed
/// nothing; the refusal tells how many units are left, and the batch is committed again with its longest prefix (in
/// arrival order) that fits — those buyers are served together — while the rest are answered 409 at once (or, when a
/// later, smaller order would still fit, sent to their own transaction). A batch that fails for any other reason — a
/// step refusing one buyer, a database error — changed nothing, and every buyer in it falls back to its own
/// transaction. A buyer alone in its lane is a batch of one: the same rows and statements as without the combiner, on
/// the lane's context instead of the request's. A lane with nothing queued and nothing running is dropped, so memory
/// follows the SKUs being sold now, not every SKU ever sold. State is only the in-memory queues of this process: the
/// database stays the truth, and a second instance runs its own lanes against the same rows (their batches simply
/// queue on the row lock like single orders do).
/// </summary>
public sealed class ReservationCombiner(IServiceScopeFactory scopes, IOptions<OrderingOptions> options, ILogger<ReservationCombiner> logger)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    private long _batches;
    private long _orders;
    private long _sharedOrders;
    private long _fellBack;
    private long _refused;

    public bool Enabled => options.Value.CombineReservations;

    /// <summary>
    /// Committed batches, the orders in them, how many of those shared their batch with another buyer, how many
    /// buyers were handed back to their own transaction because their batch refused, and how many were answered
    /// "sold out" by the combiner itself (they did not fit in what their batch's refusal said was left).
    /// </summary>
    public (long Batches, long Orders, long SharedOrders, long FellBack, long Refused) Stats =>
        (Interlocked.Read(ref _batches), Interlocked.Read(ref _orders), Interlocked.Read(ref _sharedOrders), Interlocked.Read(ref _fellBack),
            Interlocked.Read(ref _refused));

    /// <summary>The lanes held now: one per variant with buyers queued or a batch running (idle lanes are dropped).</summary>
    public int LaneCount => _lanes.Count;

    /// <summary>
    /// One buyer's part of a batch: its units, its checkout context, its order with its <c>OrderPlaced</c> and its
    /// request's idempotency claim (what the batch writes for it), and its "sold out" answer given the units left.
    /// </summary>
    internal sealed class Entry(int quantity, CheckoutContext context, Func<int, Exception> soldOut)
    {
        public int Quantity => quantity;
        public CheckoutContext Context => context;
        public Func<int, Exception> SoldOut => soldOut;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The order written; with <see cref="Card"/>, the batch also pays for it once reserved.</summary>
        public required Order Order { get; init; }

        public CardDetails? Card { get; init; }

        public required IDomainEvent Placed { get; init; }

        public IdempotencyClaim? Claim { get; init; }

        /// <summary>
        /// Once reserved with a card: the order paid and confirmed with its batch, the error paying it gave, or null
        /// when the buyer's own request is to finish it (CheckoutService.PayAndConfirmManyAsync).
        /// </summary>
        public TaskCompletionSource<OrderDto?> Paid { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lane
    {
        public readonly List<Entry> Queue = [];
        public int Running;

        /// <summary>Set (under the lane's lock) when the lane is dropped from the map; an enqueuer finding it set looks the lane up again.</summary>
        public bool Retired;
    }

    /// <summary>The shelf was short of a batch's total: nothing was committed, and this many units were left right after.</summary>
    private sealed class ShelfShortException(int available, Exception refusal) : Exception("The shelf was short of the batch's total.", refusal)
    {
        public int Available => available;
    }

    /// <summary>
    /// True once the buyer's order and units are committed with its batch; false when the buyer must reserve on its
    /// own (alone in the lane, or the batch failed and changed nothing).
    /// </summary>
    internal Task<bool> ReserveAsync(string variantId, Entry entry)
    {
        while (true)
        {
            var lane = _lanes.GetOrAdd(variantId, _ => new Lane());
            bool start;
            lock (lane)
            {
                if (lane.Retired)
                {
                    continue; // dropped between the lookup and the lock: it is out of the map now, so look again
                }
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
    }

    private async Task DrainAsync(string variantId, Lane lane)
    {
        for (var rush = false; ; rush = true)
        {
            // The window only in a rush: a drainer that just committed a batch and found buyers queued meanwhile lets
            // more gather before it takes them (as PostgreSQL's commit_delay applies only when other transactions are
            // active). A buyer arriving at an idle lane is taken at once.
            var window = options.Value.CombinerWindow;
            if (rush && window > TimeSpan.Zero)
            {
                await Task.Delay(window);
            }
            List<Entry> batch;
            lock (lane)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Running--;
                    if (lane.Running == 0)
                    {
                        // Idle: drop it. Enqueuers take the same lock, so none can have added to it meanwhile, and one
                        // that looked it up before the removal sees Retired and gets a fresh lane.
                        lane.Retired = true;
                        _lanes.TryRemove(KeyValuePair.Create(variantId, lane));
                    }
                    return;
                }
                var n = Math.Min(lane.Queue.Count, options.Value.CombinerMaxBatch);
                batch = lane.Queue.GetRange(0, n);
                lane.Queue.RemoveRange(0, n);
            }
            // A batch of one is committed here too: while it commits, the buyers arriving meanwhile queue up for the
            // next batch (that wait, plus Ordering:CombinerWindow in a rush, is the batching window).
            await CommitOrSplitAsync(variantId, batch);
        }
    }

    /// <summary>
    /// Commits the batch; when the shelf is short of its total, commits its longest prefix that fits what the refusal
    /// said was left (a few times at most, as another lane or instance may take units meanwhile) and, once the prefix is
    /// committed, answers the rest: 409 to a buyer asking more than is left after the prefix, its own transaction to one
    /// that might still fit. (Answered earlier, a refusal would count on units a prefix short again never took.)
    /// Any other failure sends every buyer not yet answered to its own transaction, as before.
    /// </summary>
    private async Task CommitOrSplitAsync(string variantId, List<Entry> batch)
    {
        const int attempts = 3;
        var pending = batch;
        // Buyers after the prefix, in arrival order, answered only once the prefix is decided: a refusal counts on the
        // prefix's units being taken, which is true only after its commit (a prefix short again re-splits them all).
        var deferred = new List<Entry>();
        var left = 0;
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            try
            {
                await CommitAsync(variantId, pending);
            }
            catch (ShelfShortException shortfall) when (attempt < attempts)
            {
                pending.ForEach(Forget);
                left = shortfall.Available;
                var fit = 0;
                while (fit < pending.Count && pending[fit].Quantity <= left)
                {
                    left -= pending[fit].Quantity;
                    fit++;
                }
                logger.LogDebug("A batch of {Count} reservations of {VariantId} was short; {Fit} fit in the {Available} units left",
                    pending.Count, variantId, fit, shortfall.Available);
                deferred = [.. pending.Skip(fit), .. deferred];
                pending = pending.GetRange(0, fit);
                continue;
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "A batch of {Count} reservations of {VariantId} fell back to single orders", pending.Count + deferred.Count, variantId);
                Interlocked.Add(ref _fellBack, pending.Count + deferred.Count);
                foreach (var entry in pending.Concat(deferred))
                {
                    Forget(entry);
                    entry.Done.TrySetResult(false);
                }
                return;
            }
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _orders, pending.Count);
            if (pending.Count > 1)
            {
                Interlocked.Add(ref _sharedOrders, pending.Count);
            }
            pending.ForEach(e => e.Done.TrySetResult(true));
            var paying = pending.Where(e => e.Card is not null).ToList();
            if (paying.Count > 0)
            {
                // Paid on its own task: the lane goes on to its next batch meanwhile.
                _ = Task.Run(() => PayAsync(paying));
            }
            break;
        }
        // At most `left` units are on the shelf now (what the last refusal read, less the prefix just committed; other
        // buyers may have taken more): a buyer asking more is sold out; one that might still fit tries on its own.
        foreach (var rest in deferred)
        {
            if (rest.Quantity > left)
            {
                Interlocked.Increment(ref _refused);
                rest.Done.TrySetException(rest.SoldOut(left));
            }
            else
            {
                Interlocked.Increment(ref _fellBack);
                rest.Done.TrySetResult(false);
            }
        }
    }

    /// <summary>
    /// Pays for and confirms a committed batch together (one payment step per batch, not per buyer). Anything going
    /// wrong answers null to every buyer not yet answered: each request then finishes its own order, resuming from
    /// what was recorded.
    /// </summary>
    private async Task PayAsync(List<Entry> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<CheckoutService>().PayAndConfirmManyAsync(batch);
            Interlocked.Add(ref _paidTogether, batch.Count(e => e.Paid.Task.IsCompletedSuccessfully && e.Paid.Task.Result is not null));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Paying a batch of {Count} orders failed; each buyer's request finishes its own", batch.Count);
        }
        finally
        {
            batch.ForEach(e => e.Paid.TrySetResult(null));
        }
    }

    private long _paidTogether;

    /// <summary>Orders paid and confirmed with their batch (the rest were finished by their own requests).</summary>
    public long PaidTogether => Interlocked.Read(ref _paidTogether);

    /// <summary>Whatever a step noted for its own release belongs to the batch that rolled back.</summary>
    private static void Forget(Entry entry)
    {
        entry.Context.Items.Clear();
        entry.Context.ResponseFields.Clear();
    }

    /// <summary>
    /// One transaction for the whole batch on a context of its own: every order's rows in one batched write, the steps
    /// (run in this scope, so they write in this transaction), then Catalog takes the batch's total from the variant
    /// in one statement and commits. Throws, with nothing committed, when anything refuses.
    /// </summary>
    private async Task CommitAsync(string variantId, IReadOnlyList<Entry> batch)
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
                // On PostgreSQL each of these is one multi-row statement for the whole batch, written now; on SQLite
                // they are added to the context and written by the save below (which has nothing to do on PostgreSQL).
                // The claims' attach first, on custom plans: its generic plan finds a buyer's claim among all the
                // buyer's claims (the primary key leads with the user), which grows with each order; the batch's other
                // statements, by whole keys, then run on generic plans.
                await Idempotency.AttachManyAsync(db, batch.Where(e => e.Claim is not null).Select(e => (e.Claim!.Value, e.Order.Id)).ToList(), ct);
                var orders = batch.Select(e => e.Order).ToList();
                if (db.Provider == DatabaseProvider.Postgres)
                {
                    await db.Database.UseGenericPlansAsync(ct);
                    await OrderRowsOnPostgres.InsertAsync(db, orders, ct);
                }
                else
                {
                    db.Orders.AddRange(orders);
                }
                await services.GetRequiredService<IEventPublisher>().PublishManyAsync(db, batch.Select(e => e.Placed).ToList(), ct);
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
            try
            {
                await stock.TakeAndCommitAsync([new StockLine(variantId, batch.Sum(e => e.Quantity))], ct);
            }
            catch (ConflictException refused) when (refused.Extensions.TryGetValue("available", out var available) && available is int units)
            {
                // Read by Catalog right after the rollback: what is left for a prefix of this batch to take.
                throw new ShelfShortException(units, refused);
            }
        }
    }
}
