using Dots.Infrastructure.Events;

namespace Dots.Modules.Delivery;

/// <summary>The driver started the route that carries the order.</summary>
public sealed record OutForDelivery(string OrderId, string BuyerId, string RouteId, DateTimeOffset? Eta, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => OrderId;
}

/// <summary>The order is at the door (with a photo proof when the driver took one).</summary>
public sealed record Delivered(string OrderId, string BuyerId, string? ProofUrl, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => OrderId;
}

/// <summary>The driver could not deliver the order, and said why.</summary>
public sealed record DeliveryFailed(string OrderId, string BuyerId, string Reason, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => OrderId;
}
