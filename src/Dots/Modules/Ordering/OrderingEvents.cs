using Dots.Infrastructure;
using Dots.Infrastructure.Events;

namespace Dots.Modules.Ordering;

/// <summary>One line of an order, as Ordering's events carry it.</summary>
public sealed record OrderedLine(string ProductId, string VariantId, string ShopId, int Quantity, MoneyDto UnitPrice);

/// <summary>An order was written and its stock taken; payment comes next. Published in the same transaction.</summary>
public sealed record OrderPlaced(string OrderId, string BuyerId, IReadOnlyList<OrderedLine> Lines, MoneyDto Total, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => OrderId;
}

/// <summary>An order's payment was captured: the sale happened.</summary>
public sealed record OrderPaid(string OrderId, string BuyerId, IReadOnlyList<OrderedLine> Lines, MoneyDto Total, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => OrderId;
}

/// <summary>
/// An order was cancelled (by its buyer, or because its checkout died); its stock is back on the shelf.
/// <see cref="WasPaid"/>: it had been paid (an <see cref="OrderPaid"/> came before), so its sale is undone.
/// </summary>
public sealed record OrderCancelled(string OrderId, string BuyerId, string Reason, IReadOnlyList<OrderedLine> Lines, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => OrderId;

    public bool WasPaid { get; init; }
}
