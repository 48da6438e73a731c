using Dots.Infrastructure.Events;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;
using Microsoft.EntityFrameworkCore;
using Dots.Infrastructure.Database;

namespace Dots.Modules.Demand;

/// <summary>
/// Server-side signals from the modules' own events, recorded through the same writer as client events. The outbox
/// delivers at least once: each row carries a dedupe key so a redelivery is recorded once.
/// Co-creation joins by adding handlers that call <see cref="RecordAsync"/> with types vote, pledge or campaign.
/// </summary>
internal sealed class ServerSignals(DemandWriter writer, ProductDirectory products, TimeProvider clock)
{
    public async Task RecordAsync(IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (e.ReceivedAt == default) e.ReceivedAt = clock.GetUtcNow();
            if (e.ProductId is not null && e.Category is null)
                e.Category = (await products.FindAsync(e.ProductId, ct))?.Category;
        }
        await writer.WriteAsync(events, ct);
    }
}

internal sealed class OrderPaidSignal(ServerSignals signals) : IEventHandler<OrderPaid>
{
    public Task HandleAsync(OrderPaid e, CancellationToken ct) => signals.RecordAsync(
        [.. e.Lines.Select(l => new DemandEvent
        {
            Type = DemandEventTypes.Purchase,
            ShopId = l.ShopId,
            ProductId = l.ProductId,
            VariantId = l.VariantId,
            Quantity = l.Quantity,
            AmountScaled = Scaled.From(l.UnitPrice.Amount * l.Quantity),
            Currency = l.UnitPrice.Currency,
            UserId = e.BuyerId,
            DedupeKey = $"paid:{e.OrderId}:{l.VariantId}",
            At = e.At,
        })], ct);
}

/// <summary>A cancellation takes back only what was recorded as bought: an order cancelled before it was paid was never a sale.</summary>
internal sealed class OrderCancelledSignal(ServerSignals signals, DotsDbContext db) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled e, CancellationToken ct)
    {
        var paidKeys = e.Lines.Select(l => $"paid:{e.OrderId}:{l.VariantId}").ToList();
        var paid = (await db.Set<DemandEvent>().Where(x => paidKeys.Contains(x.DedupeKey!)).Select(x => x.DedupeKey!).ToListAsync(ct)).ToHashSet();
        var lines = e.Lines.Where(l => paid.Contains($"paid:{e.OrderId}:{l.VariantId}")).ToList();
        if (lines.Count == 0) return;
        await signals.RecordAsync(
            [.. lines.Select(l => new DemandEvent
            {
                Type = DemandEventTypes.Cancel,
                ShopId = l.ShopId,
                ProductId = l.ProductId,
                VariantId = l.VariantId,
                Quantity = l.Quantity,
                AmountScaled = Scaled.From(l.UnitPrice.Amount * l.Quantity),
                Currency = l.UnitPrice.Currency,
                DedupeKey = $"cancel:{e.OrderId}:{l.VariantId}",
                At = e.At,
            })], ct);
    }
}

internal sealed class StockDepletedSignal(ServerSignals signals) : IEventHandler<StockDepleted>
{
    public Task HandleAsync(StockDepleted e, CancellationToken ct) => signals.RecordAsync(
        [new DemandEvent
        {
            Type = DemandEventTypes.Stockout,
            ShopId = e.ShopId,
            ProductId = e.ProductId,
            VariantId = e.VariantId,
            DedupeKey = $"stockout:{e.VariantId}:{e.At.ToUnixTimeMilliseconds()}",
            At = e.At,
        }], ct);
}
