using Dots.Infrastructure;
using Dots.Modules.Catalog;
using Dots.Modules.Payments;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Ordering;

/// <summary>
/// Releases the stock of orders stuck in Placed — a process that died between taking the stock and recording the
/// payment. Safe on many instances: each order is claimed by a conditional status change, so it is released once.
/// Run every minute by the job scheduler (<see cref="StaleOrderSweepJob"/>).
/// </summary>
public sealed class StaleOrderSweeper(IServiceScopeFactory scopes, TimeProvider clock, ILogger<StaleOrderSweeper> logger)
{
    /// <summary>Longer than any checkout takes, payment included.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Returns how many orders were released. Each stale order is first claimed by a compare-and-set Placed →
    /// Cancelled (with its shop parts and its stock, in one transaction), so a checkout that resumes and pays it
    /// afterwards finds it cancelled and refunds instead of overwriting it; then its money is settled with the
    /// provider's books — an open call reconciled, a capture refunded, a hold voided — here, and again by the
    /// OrderCancelled handler through the outbox until it is done.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var cutoff = clock.GetUtcNow() - StaleAfter;
        var stale = await db.Orders.Where(o => o.Status == OrderStatus.Placed && o.PlacedAt < cutoff).OrderBy(o => o.Id).Select(o => o.Id).Take(100).ToListAsync(ct);
        var released = 0;
        var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
        foreach (var orderId in stale)
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                var now = clock.GetUtcNow();
                var claimed = await db.Orders.Where(o => o.Id == orderId && o.Status == OrderStatus.Placed)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Cancelled).SetProperty(o => o.UpdatedAt, now), ct);
                if (claimed == 0)
                {
                    continue;
                }
                var order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstAsync(o => o.Id == orderId, ct);
                await scope.ServiceProvider.GetRequiredService<StockService>().ReturnAsync(order.Lines.Select(l => new StockLine(l.VariantId, l.Quantity)).ToList(), ct);
                await db.ShopOrders.Where(f => f.OrderId == orderId && f.Status == OrderStatus.Placed)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, OrderStatus.Cancelled).SetProperty(f => f.UpdatedAt, now), ct);
                db.OrderEvents.Add(new OrderEvent { Id = Infrastructure.Ids.New(), OrderId = orderId, Status = OrderStatus.Cancelled, At = now, Note = "Checkout did not finish; stock returned" });
                scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Events.IEventPublisher>()
                    .Publish(db, new OrderCancelled(orderId, order.BuyerId, "Checkout did not finish", OrderMapper.EventLines(order), now));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            db.ChangeTracker.Clear();
            released++;
            // Money after the commit: what moved without an order is refunded or voided.
            await orders.TrySettleCancelledPaymentAsync(orderId);
        }
        if (released > 0)
        {
            logger.LogWarning("Released {Count} orders whose checkout did not finish", released);
        }
        await FinishCancelledRefundsAsync(scope.ServiceProvider, ct);
        return released;
    }

    /// <summary>
    /// Cancelled orders whose money moved but whose refund (or void) is not recorded — the cancel crashed after its
    /// commit, or the provider was down — are settled here, so no cancel is left charged.
    /// </summary>
    private async Task FinishCancelledRefundsAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<DotsDbContext>();
        var settledBefore = clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        var unsettled = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Cancelled && o.UpdatedAt < settledBefore
                && o.Payments.Any(p => p.Kind == PaymentKind.Capture || p.Kind == PaymentKind.Authorize)
                && !o.Payments.Any(p => p.Kind == PaymentKind.Refund || p.Kind == PaymentKind.Void))
            .OrderBy(o => o.UpdatedAt).Select(o => o.Id).Take(100).ToListAsync(ct);
        var orders = services.GetRequiredService<OrderService>();
        foreach (var orderId in unsettled)
        {
            try
            {
                await orders.SettleCancelledPaymentAsync(orderId, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not finish the refund of cancelled order {OrderId}; will retry on the next sweep", orderId);
            }
            db.ChangeTracker.Clear();
        }
    }
}
