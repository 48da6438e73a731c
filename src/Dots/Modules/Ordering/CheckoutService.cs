using Dots.Infrastructure.Events;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Http;
using Dots.Modules.Catalog;
using Dots.Modules.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Ordering;

/// <summary>
/// Checkout that never oversells. The order is written and Catalog's <see cref="StockService"/> takes the stock last
/// in the same short transaction, so the hot row is locked only from that statement to the commit — never across the
/// payment call (docs/decisions/0003-checkout-without-long-locks.md).
/// </summary>
public sealed class CheckoutService(
    DotsDbContext db,
    StockService stock,
    IEnumerable<ICheckoutStep> steps,
    PaymentService payments,
    IEventPublisher events,
    PayoutLedger payouts,
    OrderService orders,
    Idempotency idempotency,
    ReservationCombiner combiner,
    TimeProvider clock,
    IOptions<OrderingOptions> options,
    ILogger<CheckoutService> logger)
{
    private readonly OrderingOptions _options = options.Value;

    public async Task<OrderDto> PlaceOrderAsync(string buyerId, PlaceOrderRequest request, string? idempotencyKey, CancellationToken ct)
    {
        var (items, address, card) = Validate(request);
        var variants = await stock.GetVariantsAsync(items.Select(i => i.VariantId).ToList(), ct);

        var v = new Validation();
        for (var i = 0; i < items.Count; i++)
        {
            if (!variants.TryGetValue(items[i].VariantId, out var variant) || !variant.ForSale)
            {
                v.Add($"items[{items[i].Index}].variantId", $"No product variant with id '{items[i].VariantId}' is for sale.");
            }
        }
        v.ThrowIfInvalid();
        var currencies = variants.Values.Select(x => x.Currency).Distinct().ToList();
        if (currencies.Count > 1)
        {
            throw new RequestValidationException("items", $"One order cannot mix currencies ({string.Join(", ", currencies)}); order from each shop separately.");
        }
        // A cheap early answer for the sold-out case; the stock service's conditional take is what actually guarantees it.
        foreach (var item in items)
        {
            if (variants[item.VariantId].Stock < item.Quantity)
            {
                throw StockService.OutOfStock(variants[item.VariantId], item.VariantId);
            }
        }

        var order = BuildOrder(buyerId, items, variants, address, currencies[0]);
        var context = ContextOf(order, request.ShippingAddress, request.Extensions);
        var combined = await ReserveAsync(order, items, variants, context, card, ct);
        if (combined is not null && await combined.Paid.Task is { } confirmed)
        {
            // Paid and confirmed with the rest of its batch (PayAndConfirmManyAsync).
            return confirmed with { Extensions = context.ResponseFields.Count == 0 ? null : context.ResponseFields };
        }
        return await PayAndConfirmAsync(order, context, card);
    }

    /// <summary>
    /// Pays for a batch of orders the combiner reserved together and confirms them, each step for the whole batch
    /// (Payments' <see cref="PaymentService.PayManyNewAsync"/>, then one Placed → Paid commit), and answers each buyer
    /// through its entry: the confirmed order, the error paying it alone would have given (a decline releases its
    /// reservation first, as <see cref="PayAndConfirmAsync"/> does), or null — then the buyer's own request finishes
    /// it with <see cref="PayAndConfirmAsync"/>, which resumes from whatever the batch recorded.
    /// Runs on a scope of its own, never with a request's token.
    /// </summary>
    internal async Task PayAndConfirmManyAsync(IReadOnlyList<ReservationCombiner.Entry> entries)
    {
        var outcomes = await payments.PayManyNewAsync(entries.Select(e =>
            new PaymentOrder(PaymentPurpose(e.Order.Id), e.Order.BuyerId, new Money(e.Order.Total, e.Order.Currency), new PaymentCard(e.Card!.Number))).ToList());
        var captured = new List<(ReservationCombiner.Entry Entry, PaymentIntentDto Paid)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            switch (outcomes[i])
            {
                case { Paid: { } paid }:
                    captured.Add((entry, paid));
                    break;
                case { Error: { } e }:
                    if (e is PaymentDeclinedException || e is ConflictException c && c.Extensions.ContainsKey("providerResult"))
                    {
                        try
                        {
                            await ReleaseAsync(entry.Order, entry.Context, "Payment declined", CancellationToken.None);
                        }
                        catch (Exception release)
                        {
                            logger.LogWarning(release, "Releasing order {OrderId} after its declined payment failed; its own request retries", entry.Order.Id);
                            entry.Paid.TrySetResult(null);
                            break;
                        }
                    }
                    entry.Paid.TrySetException(e);
                    break;
                default:
                    entry.Paid.TrySetResult(null);
                    break;
            }
        }
        if (captured.Count == 0)
        {
            return;
        }
        var confirmed = false;
        try
        {
            confirmed = await MarkManyPaidAsync(captured);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Confirming a batch of {Count} paid orders failed; each is confirmed on its own", captured.Count);
        }
        foreach (var (entry, _) in captured)
        {
            entry.Paid.TrySetResult(confirmed ? OrderMapper.ToDto(entry.Order) : null);
        }
    }

    /// <summary>
    /// <see cref="MarkPaidAsync"/> for a batch, in one commit: every order Placed → Paid in one compare-and-set
    /// statement, their parts, payment rows, events and the shops' sales in one batch. False, with nothing written,
    /// when any order is no longer Placed (the sweep cancelled it): each then goes through <see cref="MarkPaidAsync"/>.
    /// </summary>
    private async Task<bool> MarkManyPaidAsync(IReadOnlyList<(ReservationCombiner.Entry Entry, PaymentIntentDto Paid)> paid)
    {
        var ct = CancellationToken.None;
        var now = clock.GetUtcNow();
        db.ChangeTracker.Clear();
        if (db.Provider == DatabaseProvider.Postgres)
        {
            return await MarkManyPaidOnPostgresAsync(paid, now);
        }
        var ids = paid.Select(p => p.Entry.Order.Id).ToList();
        var staged = new List<(Order Order, List<PaymentTransaction> Rows, OrderEvent Event)>();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var flipped = await db.Orders.Where(o => ids.Contains(o.Id) && o.Status == OrderStatus.Placed)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Paid).SetProperty(o => o.UpdatedAt, now), ct);
            if (flipped != ids.Count)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
            foreach (var (entry, intent) in paid)
            {
                var (rows, paidEvent) = StagePaid(entry.Order, intent, now);
                staged.Add((entry.Order, rows, paidEvent));
            }
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        foreach (var (order, rows, paidEvent) in staged)
        {
            ApplyPaid(order, rows, paidEvent, now);
        }
        return true;
    }

    /// <summary>
    /// <see cref="MarkManyPaidAsync"/> on PostgreSQL: the same rows as multi-row statements in one transaction — the
    /// orders' compare-and-set, parts, payment rows and events in one statement (<see cref="OrderRowsOnPostgres"/>), the
    /// shops' sales in one, the <c>OrderPaid</c> events in one — instead of EF's statement per row.
    /// </summary>
    private async Task<bool> MarkManyPaidOnPostgresAsync(IReadOnlyList<(ReservationCombiner.Entry Entry, PaymentIntentDto Paid)> paid, DateTimeOffset now)
    {
        var ct = CancellationToken.None;
        var orders = paid.Select(p => p.Entry.Order).ToList();
        var staged = new List<(Order Order, List<PaymentTransaction> Rows, OrderEvent Event)>(orders.Count);
        var sales = new List<ShopSale>();
        var partIds = new List<string>();
        var paidEvents = new List<IDomainEvent>(orders.Count);
        foreach (var (entry, intent) in paid)
        {
            var order = entry.Order;
            foreach (var part in order.ShopOrders.Where(p => p.Status == OrderStatus.Placed))
            {
                partIds.Add(part.Id);
                sales.Add(new ShopSale(part.ShopId, order.Id, part.Id, new Money(part.Subtotal, order.Currency)));
            }
            staged.Add((order, PaidRows(order, intent, now), PaidEvent(order, now)));
            paidEvents.Add(OrderPaidOf(order, now));
        }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Database.UseGenericPlansAsync(ct);
            var flipped = await OrderRowsOnPostgres.MarkPaidAsync(db, orders, partIds, staged.SelectMany(s => s.Rows).ToList(), staged.Select(s => s.Event).ToList(), now, ct);
            if (flipped != orders.Count)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
            await payouts.StageSalesAsync(db, sales, _options.CommissionRate, now, ct);
            await events.PublishManyAsync(db, paidEvents, ct);
            await tx.CommitAsync(ct);
        }
        foreach (var (order, rows, paidEvent) in staged)
        {
            ApplyPaid(order, rows, paidEvent, now);
        }
        return true;
    }

    /// <summary>
    /// Finishes a checkout whose process died (or whose request failed unexpectedly) after it wrote order
    /// <paramref name="orderId"/>, from what it recorded — the order's status and the payment's — so the client's
    /// retry gets the answer the first try would have given (ADR 0021): paid → the order; captured or authorized →
    /// captured and confirmed; declined → released, 402; cancelled by the sweep meanwhile → 409 (money returned);
    /// nothing recorded → null, and the caller runs the checkout again.
    /// </summary>
    public async Task<OrderDto?> ResumeAsync(string buyerId, string orderId, AddressDto? shippingAddress, PaymentRequest? payment,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? extensions, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.ShopOrders).Include(o => o.Payments).Include(o => o.Events)
            .AsSplitQuery().FirstOrDefaultAsync(o => o.Id == orderId && o.BuyerId == buyerId, ct);
        var purpose = PaymentPurpose(orderId);
        var intent = await payments.GetAsync(purpose, ct);
        if (intent is not null && intent.Attempts.Any(a => a.Status is "Pending" or "Unknown"))
        {
            intent = (await payments.ReconcileAsync(purpose, CancellationToken.None)).Intent;
        }
        if (order is null)
        {
            // Only a declined payment's release deletes an order; with no payment at all its transaction never committed.
            return intent is null ? null : throw Declined(intent);
        }
        logger.LogInformation("Resuming the checkout of order {OrderId} ({Status}, payment {Payment})", orderId, order.Status, intent?.Status ?? "none");
        switch (order.Status)
        {
            case OrderStatus.Placed:
                var context = ContextOf(order, shippingAddress, extensions);
                if (intent is { Status: "Failed" } && intent.Attempts.LastOrDefault()?.Status == "Declined" || intent is { Status: "Voided" or "Expired" })
                {
                    await ReleaseAsync(order, context, "Payment declined", CancellationToken.None);
                    throw Declined(intent);
                }
                var v = new Validation();
                var card = ValidatePayment(v, payment);
                v.ThrowIfInvalid();
                return await PayAndConfirmAsync(order, context, card!);
            case OrderStatus.Cancelled or OrderStatus.Refunded:
                await orders.TrySettleCancelledPaymentAsync(orderId);
                throw CancelledWhilePaying();
            default:
                await BookSalesAsync(order);
                return OrderMapper.ToDto(order);
        }
    }

    private static PaymentDeclinedException Declined(PaymentIntentDto intent)
    {
        var error = intent.Attempts.LastOrDefault(a => a.Status == "Declined")?.Error;
        var message = error is null ? "The payment was not completed." : error[(error.IndexOf(": ", StringComparison.Ordinal) is var i and >= 0 ? i + 2 : 0)..];
        return new PaymentDeclinedException(message);
    }

    private static ConflictException CancelledWhilePaying() =>
        new("The checkout did not finish in time and the order was cancelled; its stock is back on sale and any payment is refunded.");

    private static CheckoutContext ContextOf(Order order, AddressDto? shippingAddress, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? extensions) => new()
    {
        OrderId = order.Id,
        BuyerId = order.BuyerId,
        Currency = order.Currency,
        Lines = order.Lines.Select(l => new CheckoutLine(l.VariantId, l.ProductId, l.ShopId, l.Quantity, l.UnitPrice)).ToList(),
        ShippingAddress = shippingAddress,
        Extensions = extensions ?? new Dictionary<string, System.Text.Json.JsonElement>(),
    };

    /// <summary>
    /// Pays for a reserved order and confirms it. Payments records every attempt before it calls the provider and
    /// derives the provider's keys from the order (never from the client's Idempotency-Key), so running this again —
    /// a retry resuming a dead checkout — charges once.
    /// </summary>
    private async Task<OrderDto> PayAndConfirmAsync(Order order, CheckoutContext context, CardDetails card)
    {
        PaymentIntentDto paid;
        try
        {
            paid = await payments.PayAsync(PaymentPurpose(order.Id), order.BuyerId, new Money(order.Total, order.Currency), new PaymentCard(card.Number), CancellationToken.None);
        }
        catch (Exception e) when (e is PaymentDeclinedException || e is ConflictException c && c.Extensions.ContainsKey("providerResult"))
        {
            // Declined, or the capture refused (the hold is voided then): the reservation goes back, unless the sweep
            // already cancelled the order and returned it (the release is a compare-and-set on Placed).
            await ReleaseAsync(order, context, "Payment declined", CancellationToken.None);
            throw;
        }
        if (!await MarkPaidAsync(order, paid))
        {
            // The sweep cancelled the order (and returned its stock) while its payment ran: give the money back.
            await orders.TrySettleCancelledPaymentAsync(order.Id);
            throw CancelledWhilePaying();
        }
        // The shops' sales were booked in the same commit as Placed → Paid (MarkPaidAsync).
        return OrderMapper.ToDto(order) with { Extensions = context.ResponseFields.Count == 0 ? null : context.ResponseFields };
    }

    /// <summary>Books each shop's sale in Payments' ledger: unique per (order, part, kind), so booking again books once.</summary>
    private async Task BookSalesAsync(Order order)
    {
        foreach (var part in order.ShopOrders)
        {
            await payouts.BookSaleAsync(part.ShopId, order.Id, part.Id, new Money(part.Subtotal, order.Currency), _options.CommissionRate, CancellationToken.None);
        }
    }

    /// <summary>
    /// Writes an order that is already paid: the buyer's money was captured under <see cref="PrepaidOrderRequest.PaymentPurpose"/>
    /// before the order existed (a funded co-creation pledge). No stock is taken — the units were made to order — and the
    /// order is Paid at once, with <c>OrderPlaced</c> and <c>OrderPaid</c> and the shop's sale booked. Idempotent on the
    /// caller's order id: a retry after a crash returns the order written the first time and books nothing twice.
    /// </summary>
    public async Task<OrderDto> PlacePrepaidOrderAsync(PrepaidOrderRequest request, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireText(request.OrderId, "orderId", 32).RequireText(request.BuyerId, "buyerId", 450).RequireText(request.VariantId, "variantId", 32)
            .RequireText(request.PaymentPurpose, "paymentPurpose", 100)
            .Require(request.Quantity >= 1, "quantity", "The quantity must be at least 1.");
        var address = ValidateAddress(v, request.ShippingAddress);
        v.ThrowIfInvalid();
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.ShopOrders).Include(o => o.Payments).Include(o => o.Events)
            .AsSplitQuery().FirstOrDefaultAsync(o => o.Id == request.OrderId, ct);
        if (order is null)
        {
            var variants = await stock.GetVariantsAsync([request.VariantId], ct);
            if (!variants.TryGetValue(request.VariantId, out var variant))
            {
                throw new RequestValidationException("variantId", $"No product variant with id '{request.VariantId}'.");
            }
            var paid = await payments.GetAsync(request.PaymentPurpose, ct);
            var total = request.UnitPrice.Amount * request.Quantity;
            if (paid is null || paid.Status != "Captured" || paid.Captured.Amount != total || paid.Captured.Currency != request.UnitPrice.Currency)
            {
                throw new ConflictException($"The payment {request.PaymentPurpose} is not captured for {total} {request.UnitPrice.Currency}.");
            }
            var priced = variant with { Price = request.UnitPrice.Amount, Currency = request.UnitPrice.Currency };
            order = BuildOrder(request.BuyerId, [new Item(0, request.VariantId, request.Quantity)], new Dictionary<string, SellableVariant> { [request.VariantId] = priced },
                address, request.UnitPrice.Currency, request.OrderId);
            order.PaymentPurpose = request.PaymentPurpose;
            db.Orders.Add(order);
            events.Publish(db, OrderPlacedOf(order));
            var written = true;
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateException)
            {
                written = false;
            }
            db.ChangeTracker.Clear();
            // Placed → Paid is a compare-and-set: a racing call (same caller-chosen id) that wrote or flipped it first wins,
            // and this one carries on with the order as stored.
            if (!written || !await MarkPaidAsync(order, paid))
            {
                order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.ShopOrders).Include(o => o.Payments).Include(o => o.Events)
                    .AsSplitQuery().FirstAsync(o => o.Id == request.OrderId, ct);
                if (order.Status == OrderStatus.Placed && await MarkPaidAsync(order, paid) is false)
                {
                    order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.ShopOrders).Include(o => o.Payments).Include(o => o.Events)
                        .AsSplitQuery().FirstAsync(o => o.Id == request.OrderId, ct);
                }
            }
        }
        // Booked on every call, not only the first: the ledger is unique per order and shop, so a crash between the
        // order's write and this booking is finished by the retry.
        foreach (var part in order.ShopOrders)
        {
            await payouts.BookSaleAsync(part.ShopId, order.Id, part.Id, new Money(part.Subtotal, order.Currency), _options.CommissionRate, CancellationToken.None);
        }
        return OrderMapper.ToDto(order);
    }

    private Order BuildOrder(string buyerId, List<Item> items, IReadOnlyDictionary<string, SellableVariant> variants, Address address, string currency, string? orderId = null)
    {
        var now = clock.GetUtcNow();
        var order = new Order { Id = orderId ?? Ids.New(), BuyerId = buyerId, Currency = currency, Status = OrderStatus.Placed, PlacedAt = now, UpdatedAt = now, ShippingAddress = address };
        foreach (var shopItems in items.GroupBy(i => variants[i.VariantId].ShopId))
        {
            var fulfillmentId = Ids.New();
            decimal subtotal = 0;
            foreach (var item in shopItems)
            {
                var variant = variants[item.VariantId];
                var lineTotal = variant.Price * item.Quantity;
                subtotal += lineTotal;
                order.Lines.Add(new OrderLine
                {
                    Id = Ids.New(),
                    OrderId = order.Id,
                    ShopOrderId = fulfillmentId,
                    ShopId = variant.ShopId,
                    ProductId = variant.ProductId,
                    VariantId = variant.VariantId,
                    Title = variant.Title,
                    Sku = variant.Sku,
                    OptionsText = variant.OptionsText,
                    UnitPrice = variant.Price,
                    Quantity = item.Quantity,
                    LineTotal = lineTotal,
                });
            }
            order.ShopOrders.Add(new ShopOrder { Id = fulfillmentId, OrderId = order.Id, ShopId = shopItems.Key, Status = OrderStatus.Placed, Subtotal = subtotal, UpdatedAt = now });
        }
        order.Total = order.ShopOrders.Sum(f => f.Subtotal);
        order.Events.Add(new OrderEvent { Id = Ids.New(), OrderId = order.Id, Status = OrderStatus.Placed, At = now, Note = "Order placed" });
        return order;
    }

    /// <summary>
    /// Writes the order, runs the steps other modules added (a delivery slot, a pickup location), then Catalog takes
    /// the stock and commits all of it; a short variant or a refusing step rolls everything back (409).
    /// </summary>
    private async Task<ReservationCombiner.Entry?> ReserveAsync(Order order, List<Item> items, IReadOnlyDictionary<string, SellableVariant> variants, CheckoutContext context,
        CardDetails? card, CancellationToken ct)
    {
        if (combiner.Enabled && items.Count == 1 && db.Database.CurrentTransaction is null)
        {
            // Many buyers of one variant at once: write this order with theirs and take all their units in one
            // statement (ADR 0023); the same rows, steps and claim attach as below, only in a shared commit. With a
            // card, the batch is also paid and confirmed together (PayAndConfirmManyAsync).
            var entry = new ReservationCombiner.Entry(items[0].Quantity, context,
                left => StockService.OutOfStock(variants[items[0].VariantId] with { Stock = left }, items[0].VariantId))
            {
                Order = order,
                Card = card,
                Placed = OrderPlacedOf(order),
                Claim = idempotency.Claim,
            };
            if (await combiner.ReserveAsync(items[0].VariantId, entry))
            {
                return card is null ? null : entry;
            }
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            db.Orders.Add(order);
            events.Publish(db, OrderPlacedOf(order));
            // The request's Idempotency-Key claim learns the order in the same commit (a retry after a crash resumes it),
            // written in the same batch as the order's rows: no round trip of its own.
            idempotency.StageAttach(db, order.Id);
            await db.SaveChangesAsync(ct);
            foreach (var step in steps.OrderBy(s => s.Stage))
            {
                await step.ReserveAsync(context, ct);
            }
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
        await stock.TakeAndCommitAsync(items.Select(i => new StockLine(i.VariantId, i.Quantity)).ToList(), ct);
        return null;
    }

    /// <summary>
    /// Undoes a reservation whose payment failed: the order disappears and the stock goes back — only if the order is
    /// still Placed (a compare-and-set delete), so a sweep that cancelled it first, and returned its stock, is not
    /// repeated: the stock never comes back twice.
    /// </summary>
    private async Task ReleaseAsync(Order order, CheckoutContext context, string reason, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Orders.Where(o => o.Id == order.Id && o.Status == OrderStatus.Placed).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            await tx.RollbackAsync(ct);
            return;
        }
        logger.LogInformation("Releasing order {OrderId}: {Reason}", order.Id, reason);
        foreach (var step in steps.OrderByDescending(s => s.Stage))
        {
            await step.ReleaseAsync(context, ct);
        }
        await stock.ReturnAsync(order.Lines.Select(l => new StockLine(l.VariantId, l.Quantity)).ToList(), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The Payments purpose of an order's payment: one intent per order.</summary>
    public static string PaymentPurpose(string orderId) => "order:" + orderId;

    /// <summary>
    /// Placed → Paid as one compare-and-set: false (nothing written) when the order is no longer Placed — the sweep
    /// cancelled it — so a late payment never overwrites Cancelled.
    /// </summary>
    private async Task<bool> MarkPaidAsync(Order order, PaymentIntentDto paid)
    {
        // Money has moved: these writes must not be abandoned because the client hung up.
        var ct = CancellationToken.None;
        var now = clock.GetUtcNow();
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var flipped = await db.Orders.Where(o => o.Id == order.Id && o.Status == OrderStatus.Placed)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Paid).SetProperty(o => o.UpdatedAt, now), ct);
        if (flipped == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        // The parts, the payment rows, the event, the outbox message and each shop's sale in Payments' ledger all go in
        // one batch: the order's row lock (the compare-and-set above) makes this writer the only one, and nothing can
        // have flipped or booked a part of an order that was Placed until now.
        var (rows, paidEvent) = StagePaid(order, paid, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        ApplyPaid(order, rows, paidEvent, now);
        return true;
    }

    /// <summary>Stages what Placed → Paid writes besides the order's status: parts, payment rows, the event, OrderPaid, the shops' sales.</summary>
    private (List<PaymentTransaction> Rows, OrderEvent Event) StagePaid(Order order, PaymentIntentDto paid, DateTimeOffset now)
    {
        foreach (var part in order.ShopOrders.Where(p => p.Status == OrderStatus.Placed))
        {
            var stub = new ShopOrder { Id = part.Id, OrderId = part.OrderId, ShopId = part.ShopId, Status = OrderStatus.Placed, Subtotal = part.Subtotal, UpdatedAt = part.UpdatedAt };
            var entry = db.ShopOrders.Attach(stub);
            stub.Status = OrderStatus.Paid;
            stub.UpdatedAt = now;
            entry.Property(f => f.Status).IsModified = true;
            entry.Property(f => f.UpdatedAt).IsModified = true;
            payouts.StageSale(db, part.ShopId, order.Id, part.Id, new Money(part.Subtotal, order.Currency), _options.CommissionRate, now);
        }
        var rows = PaidRows(order, paid, now);
        var paidEvent = PaidEvent(order, now);
        db.Payments.AddRange(rows);
        db.OrderEvents.Add(paidEvent);
        events.Publish(db, OrderPaidOf(order, now));
        return (rows, paidEvent);
    }

    /// <summary>The order's payment rows once paid: its authorization and its capture.</summary>
    private static List<PaymentTransaction> PaidRows(Order order, PaymentIntentDto paid, DateTimeOffset now) =>
    [
        new() { Id = Ids.New(), OrderId = order.Id, Kind = PaymentKind.Authorize, Amount = order.Total, Currency = order.Currency, GatewayReference = OrderService.Reference(paid, "authorize"), At = now },
        new() { Id = Ids.New(), OrderId = order.Id, Kind = PaymentKind.Capture, Amount = order.Total, Currency = order.Currency, GatewayReference = OrderService.Reference(paid, "capture"), At = now },
    ];

    private static OrderPlaced OrderPlacedOf(Order order) =>
        new(order.Id, order.BuyerId, OrderMapper.EventLines(order), MoneyDto.Of(order.Total, order.Currency), order.PlacedAt);

    private static OrderPaid OrderPaidOf(Order order, DateTimeOffset now) =>
        new(order.Id, order.BuyerId, OrderMapper.EventLines(order), MoneyDto.Of(order.Total, order.Currency), now);

    private static OrderEvent PaidEvent(Order order, DateTimeOffset now) =>
        new() { Id = Ids.New(), OrderId = order.Id, Status = OrderStatus.Paid, At = now, Note = "Payment captured" };

    /// <summary>The in-memory order as the Placed → Paid commit left it.</summary>
    private static void ApplyPaid(Order order, List<PaymentTransaction> rows, OrderEvent paidEvent, DateTimeOffset now)
    {
        order.Status = OrderStatus.Paid;
        order.UpdatedAt = now;
        order.Payments.AddRange(rows);
        order.Events.Add(paidEvent);
        foreach (var part in order.ShopOrders)
        {
            part.Status = OrderStatus.Paid;
            part.UpdatedAt = now;
        }
    }

    private sealed record Item(int Index, string VariantId, int Quantity);

    private (List<Item> Items, Address Address, CardDetails Card) Validate(PlaceOrderRequest request)
    {
        var v = new Validation();
        var items = new List<Item>();
        if (request.Items is null || request.Items.Count == 0)
        {
            v.Add("items", "Add at least one item to the order.");
        }
        else if (request.Items.Count > _options.MaxLinesPerOrder)
        {
            v.Add("items", $"An order can have at most {_options.MaxLinesPerOrder} lines.");
        }
        else
        {
            for (var i = 0; i < request.Items.Count; i++)
            {
                var item = request.Items[i];
                if (item is null)
                {
                    v.Add($"items[{i}]", "The item is empty.");
                    continue;
                }
                v.Require(!string.IsNullOrWhiteSpace(item.VariantId), $"items[{i}].variantId", "The variantId is required.");
                v.Require(item.Quantity is >= 1, $"items[{i}].quantity", "The quantity must be at least 1.");
                v.Require(item.Quantity is null || item.Quantity <= _options.MaxQuantityPerLine, $"items[{i}].quantity", $"The quantity must be at most {_options.MaxQuantityPerLine}.");
                if (!string.IsNullOrWhiteSpace(item.VariantId) && item.Quantity is >= 1)
                {
                    items.Add(new Item(i, item.VariantId, item.Quantity.Value));
                }
            }
        }
        var address = ValidateAddress(v, request.ShippingAddress);
        var card = ValidatePayment(v, request.Payment);
        v.ThrowIfInvalid();
        // The same variant twice is one line of the summed quantity.
        var merged = items.GroupBy(i => i.VariantId, StringComparer.Ordinal).Select(g => new Item(g.First().Index, g.Key, g.Sum(x => x.Quantity))).ToList();
        return (merged, address, card!);
    }

    internal static Address ValidateAddress(Validation v, AddressDto? a)
    {
        if (a is null)
        {
            v.Add("shippingAddress", "The shipping address is required.");
            return new Address();
        }
        v.RequireText(a.Name, "shippingAddress.name", 100, "recipient's name")
            .RequireText(a.Line1, "shippingAddress.line1", 200, "address line")
            .Require((a.Line2?.Length ?? 0) <= 200, "shippingAddress.line2", "The second address line must be at most 200 characters.")
            .RequireText(a.City, "shippingAddress.city", 100, "city")
            .RequireText(a.PostalCode, "shippingAddress.postalCode", 20, "postal code")
            .RequireText(a.Phone, "shippingAddress.phone", 30, "phone number")
            .Require(a.Latitude is null or (>= -90 and <= 90), "shippingAddress.latitude", "The latitude must be between -90 and 90.")
            .Require(a.Longitude is null or (>= -180 and <= 180), "shippingAddress.longitude", "The longitude must be between -180 and 180.");
        return new Address
        {
            Name = a.Name?.Trim() ?? "",
            Line1 = a.Line1?.Trim() ?? "",
            Line2 = string.IsNullOrWhiteSpace(a.Line2) ? null : a.Line2.Trim(),
            City = a.City?.Trim() ?? "",
            PostalCode = a.PostalCode?.Trim() ?? "",
            Phone = a.Phone?.Trim() ?? "",
            Latitude = a.Latitude,
            Longitude = a.Longitude,
        };
    }

    internal static CardDetails? ValidatePayment(Validation v, PaymentRequest? p)
    {
        if (p is null)
        {
            v.Add("payment", "The payment is required.");
            return null;
        }
        if (!string.Equals(p.Method, "card", StringComparison.OrdinalIgnoreCase))
        {
            v.Add("payment.method", "The payment method must be 'card'.");
            return null;
        }
        if (!CardNumbers.TryNormalize(p.CardNumber, out var digits))
        {
            v.Add("payment.cardNumber", "The card number is not valid.");
            return null;
        }
        return new CardDetails(digits);
    }
}
