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

    /// <summary>Returns how many orders were released.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var cutoff = clock.GetUtcNow() - StaleAfter;
        var stale = await db.Orders.Where(o => o.Status == OrderStatus.Placed && o.PlacedAt < cutoff).Select(o => o.Id).Take(100).ToListAsync(ct);
        var released = 0;
        foreach (var orderId in stale)
        {
            // Money first: a checkout that died after the provider moved money must not leave a charge without an
            // order. If settling fails, the order stays Placed and the next sweep tries again.
            if (!await SettleMoneyAsync(scope.ServiceProvider.GetRequiredService<PaymentService>(), orderId, ct))
            {
                continue;
            }
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var claimed = await db.Orders.Where(o => o.Id == orderId && o.Status == OrderStatus.Placed)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Cancelled).SetProperty(o => o.UpdatedAt, now), ct);
            if (claimed == 0)
            {
                continue;
            }
            var order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstAsync(o => o.Id == orderId, ct);
            var lines = order.Lines.Select(l => new { l.VariantId, l.Quantity }).ToList();
            await scope.ServiceProvider.GetRequiredService<StockService>().ReturnAsync(lines.Select(l => new StockLine(l.VariantId, l.Quantity)).ToList(), ct);
            await db.ShopOrders.Where(f => f.OrderId == orderId).ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, OrderStatus.Cancelled), ct);
            db.OrderEvents.Add(new OrderEvent { Id = Infrastructure.Ids.New(), OrderId = orderId, Status = OrderStatus.Cancelled, At = now, Note = "Checkout did not finish; stock returned" });
            scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Events.IEventPublisher>()
                .Publish(db, new OrderCancelled(orderId, order.BuyerId, "Checkout did not finish", OrderMapper.EventLines(order), now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            released++;
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

    /// <summary>
    /// Resolves the payment of an order whose checkout died: open provider calls are reconciled by their keys, a
    /// captured payment is refunded and a hold is voided — once, however many sweeps run (the refund has a fixed id).
    /// </summary>
    private async Task<bool> SettleMoneyAsync(PaymentService payments, string orderId, CancellationToken ct)
    {
        var purpose = CheckoutService.PaymentPurpose(orderId);
        try
        {
            if (await payments.GetAsync(purpose, ct) is not { } intent)
            {
                return true;
            }
            if (intent.Attempts.Any(a => a.Status is "Pending" or "Unknown"))
            {
                intent = (await payments.ReconcileAsync(purpose, ct)).Intent;
            }
            if (intent.Status is "Captured" or "PartiallyRefunded" && intent.Captured.Amount > intent.Refunded.Amount)
            {
                await payments.RefundAsync(purpose, new Money(intent.Captured.Amount - intent.Refunded.Amount, intent.Amount.Currency),
                    "Checkout did not finish", ct, refundId: "checkout-died");
                logger.LogWarning("Refunded the payment of order {OrderId}, whose checkout died after the money moved", orderId);
            }
            else if (intent.Status == "Authorized")
            {
                await payments.VoidAsync(purpose, ct);
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not settle the payment of stale order {OrderId}; will retry on the next sweep", orderId);
            return false;
        }
    }
}
