using Dots.Infrastructure.Events;

namespace Dots.Modules.Stores;

/// <summary>A pickup order is packed and waiting at the store's desk; the buyer brings <see cref="Code"/>.</summary>
public sealed record PickupReady(string OrderId, string BuyerId, string LocationId, string LocationName, string Code, DateTimeOffset ExpiresAt, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => OrderId;
}
