using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Ordering;

/// <summary>
/// Keeps Catalog's <c>Product.SoldUnits</c> true (issue 15): a paid order's units are added when its
/// <see cref="OrderPaid"/> is handled, and taken off when a paid order is cancelled (<see cref="OrderCancelled.WasPaid"/>;
/// a cancel refunds the whole payment). Delivery is at least once and the two events reach this handler in either
/// order, so each order's <see cref="Order.SalesCounted"/> moves None → Counted → Reversed (or None → Reversed) by a
/// compare-and-set in the same transaction as the count: a second delivery finds the state moved and changes nothing.
/// </summary>
internal sealed class SoldUnitsCounter(DotsDbContext db, SalesCounter sales)
{
    public Task HandleAsync(OrderPaid domainEvent, CancellationToken ct) =>
        MoveAsync(domainEvent.OrderId, SalesCount.None, SalesCount.Counted, domainEvent.Lines, +1, ct);

    public async Task HandleAsync(OrderCancelled domainEvent, CancellationToken ct)
    {
        if (!domainEvent.WasPaid)
        {
            return;
        }
        // Counted: take the units off. Not counted yet (this event overtook OrderPaid's): mark it so it never will be.
        if (!await MoveAsync(domainEvent.OrderId, SalesCount.Counted, SalesCount.Reversed, domainEvent.Lines, -1, ct))
        {
            await MoveAsync(domainEvent.OrderId, SalesCount.None, SalesCount.Reversed, [], 0, ct);
        }
    }

    private async Task<bool> MoveAsync(string orderId, SalesCount from, SalesCount to, IReadOnlyList<OrderedLine> lines, int sign, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Orders.Where(o => o.Id == orderId && o.SalesCounted == from)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.SalesCounted, to), ct);
        if (moved == 0)
        {
            return false;
        }
        if (sign != 0)
        {
            await sales.AddAsync(lines.Select(l => new SoldLine(l.ProductId, sign * l.Quantity)).ToList(), ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }
}

/// <summary>The outbox's handler for <see cref="OrderPaid"/> (a handler name is one event's: one class per event).</summary>
internal sealed class SoldUnitsOnOrderPaid(SoldUnitsCounter counter) : IEventHandler<OrderPaid>
{
    public Task HandleAsync(OrderPaid domainEvent, CancellationToken ct) => counter.HandleAsync(domainEvent, ct);
}

/// <summary>The outbox's handler for <see cref="OrderCancelled"/>.</summary>
internal sealed class SoldUnitsOnOrderCancelled(SoldUnitsCounter counter) : IEventHandler<OrderCancelled>
{
    public Task HandleAsync(OrderCancelled domainEvent, CancellationToken ct) => counter.HandleAsync(domainEvent, ct);
}
