using Dots.Infrastructure.Events;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Modules.Payments;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Ordering;

/// <summary>Orders after checkout: the buyer's view, cancellation, and each shop's fulfilment and payouts.</summary>
public sealed class OrderService(DotsDbContext db, IEventPublisher events, PaymentService payments, PayoutLedger payouts, CatalogService catalog, StockService stock, TimeProvider clock, ILogger<OrderService> logger)
{
    /// <summary>
    /// A customer cancels a paid order before any part ships. A Placed order is still paying: the cancel is refused
    /// (409, retry in a moment), never lost under a payment that lands afterwards.
    /// </summary>
    private static readonly OrderStatus[] Cancellable = [OrderStatus.Paid, OrderStatus.Packed];
    private static readonly OrderStatus[] Sold = [OrderStatus.Paid, OrderStatus.Packed, OrderStatus.Shipped, OrderStatus.Delivered];

    /// <summary>
    /// Lines of paid (not cancelled) orders placed at or after <paramref name="since"/>, optionally of one buyer,
    /// oldest first: the purchase history other modules learn from (personalization's training and "buy again").
    /// </summary>
    public async Task<IReadOnlyList<PurchasedLine>> PurchasedLinesAsync(DateTimeOffset? since, string? buyerId, CancellationToken ct)
    {
        var orders = db.Orders.AsNoTracking().Where(o => Sold.Contains(o.Status));
        if (buyerId is not null)
        {
            orders = orders.Where(o => o.BuyerId == buyerId);
        }
        var rows = await orders
            .Join(db.OrderLines, o => o.Id, l => l.OrderId, (o, l) => new { o.Id, o.BuyerId, l.ProductId, l.ShopId, l.Quantity, o.PlacedAt })
            .ToListAsync(ct);
        // DateTimeOffset filters and ordering in memory: SQLite cannot compare them in SQL.
        return [.. rows.Where(r => since is null || r.PlacedAt >= since).OrderBy(r => r.PlacedAt).ThenBy(r => r.Id)
            .Select(r => new PurchasedLine(r.Id, r.BuyerId, r.ProductId, r.ShopId, r.Quantity, r.PlacedAt))];
    }

    public async Task<OrderDto> GetAsync(string orderId, string buyerId, CancellationToken ct) =>
        OrderMapper.ToDto(await LoadAsync(orderId, buyerId, ct));

    public async Task<Paged<OrderSummaryDto>> ListAsync(string buyerId, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, s) = Paging.Normalize(page, pageSize);
        var query = db.Orders.AsNoTracking().Where(o => o.BuyerId == buyerId);
        var total = await query.CountAsync(ct);
        var orders = await query.OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Skip((p - 1) * s).Take(s)
            .Include(o => o.Lines).AsSplitQuery().ToListAsync(ct);
        return new Paged<OrderSummaryDto>(
            orders.Select(o => new OrderSummaryDto(o.Id, o.Status.ToString(), MoneyDto.Of(o.Total, o.Currency), o.PlacedAt,
                o.Lines.Sum(l => l.Quantity), o.Lines.OrderBy(l => l.Id, StringComparer.Ordinal).Select(l => l.Title).FirstOrDefault() ?? "")).ToList(),
            total, p, s);
    }

    /// <summary>
    /// Cancels before shipping: stock returns and the payment is refunded exactly once, however many cancels race —
    /// the status flip is one conditional UPDATE and only the request that made it does the rest.
    /// </summary>
    public async Task<OrderDto> CancelAsync(string orderId, string buyerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Compare-and-set on the order and on every shop's part: a part that shipped (or is shipping at this
            // moment, holding its row) makes the whole cancel a 409, never a refund of goods on their way.
            var flipped = await db.Orders
                .Where(o => o.Id == orderId && o.BuyerId == buyerId && Cancellable.Contains(o.Status)
                    && !db.ShopOrders.Any(f => f.OrderId == o.Id && !Cancellable.Contains(f.Status)))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Cancelled).SetProperty(o => o.UpdatedAt, now), ct);
            var parts = flipped == 0 ? 0 : await db.ShopOrders.CountAsync(f => f.OrderId == orderId, ct);
            var partsFlipped = flipped == 0 ? 0 : await db.ShopOrders.Where(f => f.OrderId == orderId && Cancellable.Contains(f.Status))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, OrderStatus.Cancelled).SetProperty(f => f.UpdatedAt, now), ct);
            if (flipped == 0 || partsFlipped != parts)
            {
                await tx.RollbackAsync(ct);
                var current = await LoadAsync(orderId, buyerId, ct);
                if (current.Status == OrderStatus.Placed)
                {
                    throw new ConflictException("The order's payment is still being processed; retry the cancel in a moment.");
                }
                if (current.Status is not (OrderStatus.Cancelled or OrderStatus.Refunded))
                {
                    throw new ConflictException(current.ShopOrders.Any(f => f.Status is OrderStatus.Shipped or OrderStatus.Delivered)
                        ? "Part of the order has shipped; it can no longer be cancelled."
                        : $"The order is {current.Status} and can no longer be cancelled.");
                }
                // A retry of a cancel whose money step did not finish (a crash, a provider outage) finishes it now.
                await TrySettleCancelledPaymentAsync(orderId);
                return await GetAsync(orderId, buyerId, ct);
            }

            var order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstAsync(o => o.Id == orderId, ct);
            await stock.ReturnAsync(order.Lines.Select(l => new StockLine(l.VariantId, l.Quantity)).ToList(), ct);
            db.OrderEvents.Add(new OrderEvent { Id = Ids.New(), OrderId = order.Id, Status = OrderStatus.Cancelled, At = now, Note = "Cancelled by the customer; stock returned" });
            // The event's handler (CancelledOrderSettlement) refunds through the outbox, with retries, if the refund
            // below does not finish.
            events.Publish(db, new OrderCancelled(order.Id, order.BuyerId, "Cancelled by the customer", OrderMapper.EventLines(order), now) { WasPaid = true });
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        // Money moves after the commit, never inside it: the stock rows are not held for a provider's network time.
        // Payments derives its keys from the order, so a retried cancel refunds (or voids) once; what a crash or an
        // outage leaves unfinished here, the OrderCancelled handler (outbox retries), a retry of the cancel or the
        // sweep job finishes (SettleCancelledPaymentAsync).
        db.ChangeTracker.Clear();
        await TrySettleCancelledPaymentAsync(orderId);
        return await GetAsync(orderId, buyerId, CancellationToken.None);
    }

    internal async Task TrySettleCancelledPaymentAsync(string orderId)
    {
        try
        {
            await SettleCancelledPaymentAsync(orderId, CancellationToken.None);
        }
        catch (Exception e) when (e is PaymentProviderUnavailableException or ConflictException or PaymentDeclinedException)
        {
            // The order stays cancelled; its refund is finished by the next retry or the sweep job.
            logger.LogWarning(e, "The refund of cancelled order {OrderId} did not finish; it will be retried", orderId);
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Brings a cancelled order's money in line, from whatever state a crash or an outage left: refunds what is still
    /// captured (or voids a hold), then records it on the order and takes it off each shop's payouts — each of these
    /// once, however often it runs (the refund has a fixed id, ledger bookings are unique, the order's record is written
    /// only when missing). Returns true when nothing is left to do.
    /// </summary>
    internal async Task<bool> SettleCancelledPaymentAsync(string orderId, CancellationToken ct)
    {
        var purpose = await db.Orders.Where(o => o.Id == orderId).Select(o => o.PaymentPurpose).FirstOrDefaultAsync(ct)
            ?? CheckoutService.PaymentPurpose(orderId);
        var intent = await payments.GetAsync(purpose, ct);
        if (intent is null)
        {
            return true;
        }
        if (intent.Attempts.Any(a => a.Status is "Pending" or "Unknown"))
        {
            intent = (await payments.ReconcileAsync(purpose, ct)).Intent;
        }
        var order = await db.Orders.Include(o => o.ShopOrders).Include(o => o.Payments).AsSplitQuery().FirstAsync(o => o.Id == orderId, ct);
        var now = clock.GetUtcNow();
        if (intent.Status is "Captured" or "PartiallyRefunded" && intent.Captured.Amount > intent.Refunded.Amount)
        {
            intent = await payments.RefundAsync(purpose, new Money(intent.Captured.Amount - intent.Refunded.Amount, order.Currency),
                "Cancelled by the customer", CancellationToken.None, refundId: "cancel");
        }
        else if (intent.Status == "Authorized")
        {
            intent = await payments.VoidAsync(purpose, CancellationToken.None);
        }
        // Only an order that was paid had its sales booked; a checkout cancelled by the sweep before it was paid has none to take back.
        var saleBooked = order.Payments.Any(p => p.Kind == PaymentKind.Capture);
        if (intent.Status == "Refunded")
        {
            foreach (var part in saleBooked ? order.ShopOrders : [])
            {
                await payouts.BookRefundAsync(part.ShopId, orderId, part.Id, "cancel", new Money(part.Subtotal, order.Currency), null, CancellationToken.None, now);
            }
            if (!order.Payments.Any(p => p.Kind == PaymentKind.Refund))
            {
                db.Payments.Add(new PaymentTransaction { Id = Ids.New(), OrderId = orderId, Kind = PaymentKind.Refund, Amount = intent.Refunded.Amount, Currency = order.Currency, GatewayReference = Reference(intent, "refund"), At = now });
                db.OrderEvents.Add(new OrderEvent { Id = Ids.New(), OrderId = orderId, Status = OrderStatus.Refunded, At = now, Note = "Payment refunded" });
            }
        }
        else if (intent.Status == "Voided" && !order.Payments.Any(p => p.Kind == PaymentKind.Void))
        {
            db.Payments.Add(new PaymentTransaction { Id = Ids.New(), OrderId = orderId, Kind = PaymentKind.Void, Amount = intent.Amount.Amount, Currency = order.Currency, GatewayReference = Reference(intent, "void"), At = now });
        }
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // A racing cancel (or the sweep) recorded it first: the unique (order, kind) index keeps one row.
            db.ChangeTracker.Clear();
        }
        // RequiresAuthorization: no attempt finished, nothing moved; a checkout that pays later finds the order
        // cancelled and refunds it itself (CheckoutService.PayAndConfirmAsync).
        return intent.Status is "Refunded" or "Voided" or "Failed" or "Expired" or "RequiresAuthorization";
    }

    internal static string Reference(PaymentIntentDto intent, string kind) =>
        intent.Payments.LastOrDefault(p => p.Kind == kind)?.Reference ?? intent.Id;

    public async Task<Paged<ShopOrderDto>> ShopOrdersAsync(string shopId, string userId, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        await catalog.RequireOwnedShopAsync(shopId, userId, ct);
        var (p, s) = Paging.Normalize(page, pageSize);
        var fulfillments = db.ShopOrders.AsNoTracking().Where(f => f.ShopId == shopId && f.Status != OrderStatus.Placed);
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var wanted))
            {
                throw new RequestValidationException("status", $"Unknown status '{status}'.");
            }
            fulfillments = fulfillments.Where(f => f.Status == wanted);
        }
        var total = await fulfillments.CountAsync(ct);
        var rows = await fulfillments
            .Join(db.Orders.AsNoTracking(), f => f.OrderId, o => o.Id, (f, o) => new { f, o })
            .OrderByDescending(x => x.o.PlacedAt).ThenByDescending(x => x.o.Id)
            .Skip((p - 1) * s).Take(s).ToListAsync(ct);
        var fulfillmentIds = rows.Select(r => r.f.Id).ToList();
        var lines = (await db.OrderLines.AsNoTracking().Where(l => fulfillmentIds.Contains(l.ShopOrderId)).ToListAsync(ct)).ToLookup(l => l.ShopOrderId);
        return new Paged<ShopOrderDto>(rows.Select(r => new ShopOrderDto(
            r.o.Id, r.f.Id, r.f.Status.ToString(), r.o.PlacedAt, MoneyDto.Of(r.f.Subtotal, r.o.Currency), OrderMapper.ToDto(r.o.ShippingAddress),
            lines[r.f.Id].Select(l => OrderMapper.ToDto(l, r.o.Currency)).ToList())).ToList(), total, p, s);
    }

    /// <summary>The seller moves its part of an order forward: Paid → Packed → Shipped → Delivered.</summary>
    public async Task<ShopOrderDto> AdvanceAsync(string shopId, string orderId, string userId, AdvanceRequest request, CancellationToken ct)
    {
        await catalog.RequireOwnedShopAsync(shopId, userId, ct);
        if (!Enum.TryParse<OrderStatus>(request.Status, ignoreCase: true, out var target) || target is not (OrderStatus.Packed or OrderStatus.Shipped or OrderStatus.Delivered))
        {
            throw new RequestValidationException("status", "The status must be Packed, Shipped or Delivered.");
        }
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var fulfillment = await db.ShopOrders.FirstOrDefaultAsync(f => f.OrderId == orderId && f.ShopId == shopId, ct)
            ?? throw new NotFoundException($"No order '{orderId}' for this shop.");
        var from = fulfillment.Status;
        if (from is OrderStatus.Cancelled or OrderStatus.Refunded or OrderStatus.Placed || target <= from)
        {
            throw new ConflictException($"This order is {from}; it cannot move to {target}.");
        }
        var moved = await db.ShopOrders.Where(f => f.Id == fulfillment.Id && f.Status == from)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, target).SetProperty(f => f.UpdatedAt, now), ct);
        if (moved == 0)
        {
            throw new ConflictException("The order changed while you were updating it; reload and try again.");
        }
        db.OrderEvents.Add(new OrderEvent { Id = Ids.New(), OrderId = orderId, Status = target, ShopId = shopId, At = now, Note = $"{target} by the shop" });
        await db.SaveChangesAsync(ct);

        // The customer's order is as far along as its slowest shop.
        var statuses = await db.ShopOrders.Where(f => f.OrderId == orderId).Select(f => f.Status).ToListAsync(ct);
        var overall = statuses.Min();
        // Compare-and-set: only ever forward, and never out of Cancelled/Refunded (they rank above Delivered).
        var current = await db.Orders.Where(o => o.Id == orderId).Select(o => o.Status).FirstAsync(ct);
        if (current < overall)
        {
            await db.Orders.Where(o => o.Id == orderId && o.Status == current)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, overall).SetProperty(o => o.UpdatedAt, now), ct);
        }
        await tx.CommitAsync(ct);
        var order = await db.Orders.AsNoTracking().FirstAsync(o => o.Id == orderId, ct);

        var lines = await db.OrderLines.AsNoTracking().Where(l => l.ShopOrderId == fulfillment.Id).ToListAsync(ct);
        return new ShopOrderDto(order.Id, fulfillment.Id, target.ToString(), order.PlacedAt, MoneyDto.Of(fulfillment.Subtotal, order.Currency),
            OrderMapper.ToDto(order.ShippingAddress), lines.Select(l => OrderMapper.ToDto(l, order.Currency)).ToList());
    }

    /// <summary>The shop's payouts as Payments' ledger keeps them: sales and refunds, commission, and the newest lines.</summary>
    public async Task<PayoutsDto> PayoutsAsync(string shopId, string userId, CancellationToken ct)
    {
        var shop = await catalog.RequireOwnedShopAsync(shopId, userId, ct);
        var entries = await payouts.EntriesAsync(shopId, int.MaxValue, ct);
        var mine = entries.Where(e => e.Amount.Currency == shop.Currency).ToList();
        var sales = mine.Where(e => e.Kind is "sale" or "refund").Sum(e => e.Amount.Amount);
        var commission = mine.Where(e => e.Kind is "commission" or "commission-reversal").Sum(e => e.Amount.Amount);
        var paidOut = mine.Where(e => e.Kind == "payout").Sum(e => e.Amount.Amount);
        return new PayoutsDto(
            MoneyDto.Of(sales + commission + paidOut, shop.Currency), MoneyDto.Of(sales, shop.Currency), MoneyDto.Of(-commission, shop.Currency),
            entries.Take(200).Select(e => new PayoutEntryDto(e.Id, e.Kind, e.Amount, e.OrderId ?? "", e.At)).ToList());
    }

    private async Task<Order> LoadAsync(string orderId, string buyerId, CancellationToken ct) =>
        await db.Orders.AsNoTracking()
            .Include(o => o.Lines).Include(o => o.ShopOrders).Include(o => o.Payments).Include(o => o.Events)
            .AsSplitQuery()
            .FirstOrDefaultAsync(o => o.Id == orderId && o.BuyerId == buyerId, ct)
        ?? throw new NotFoundException($"No order with id '{orderId}'.");
}
