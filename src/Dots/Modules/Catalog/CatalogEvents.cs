using Dots.Infrastructure.Events;

namespace Dots.Modules.Catalog;

/// <summary>A variant's last unit was sold: the shelf is empty until its owner restocks.</summary>
public sealed record StockDepleted(string VariantId, string ProductId, string ShopId, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => VariantId;
}
