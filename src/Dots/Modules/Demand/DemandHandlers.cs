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
public sealed class ServerSignals
{
    private readonly DemandWriter _writer;
    private readonly ProductDirectory _products;
    private readonly TimeProvider _clock;

    internal ServerSignals(DemandWriter writer, ProductDirectory products, TimeProvider clock)
    {
        _writer = writer;
        _products = products;
        _clock = clock;
    }

    /// <summary>
    /// Records server-side signals (types from <see cref="DemandEventTypes.Server"/>) and waits until they are durable.
    /// <paramref name="signals"/>' DedupeKey makes a redelivered event count once (e.g. "vote:{voteId}").
    /// </summary>
    public Task RecordAsync(IReadOnlyList<ServerSignal> signals, CancellationToken ct)
    {
        foreach (var s in signals)
        {
            if (!DemandEventTypes.Server.Contains(s.Type)) throw new ArgumentException($"'{s.Type}' is not a server-side signal type.", nameof(signals));
        }
        return RecordAsync([.. signals.Select(s => new DemandEvent
        {
            Type = s.Type, ShopId = s.ShopId, ProductId = s.ProductId, VariantId = s.VariantId, Category = s.Category, Quantity = s.Quantity,
            AmountScaled = Scaled.From(s.Amount), Currency = s.Currency, UserId = s.UserId, DedupeKey = s.DedupeKey, At = s.At,
        })], ct);
    }

    internal async Task RecordAsync(IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (e.ReceivedAt == default) e.ReceivedAt = _clock.GetUtcNow();
            if (e.ProductId is not null && e.Category is null)
                e.Category = (await _products.FindAsync(e.ProductId, ct))?.Category;
        }
        await _writer.WriteAsync(events, ct);
    }
}

/// <summary>A server-side demand signal another module records (co-creation: vote, pledge, campaign). No personal data beyond a user id.</summary>
public sealed record ServerSignal(string Type, string DedupeKey, DateTimeOffset At, string? ShopId = null, string? ProductId = null, string? VariantId = null,
    string? Category = null, int Quantity = 0, decimal Amount = 0, string? Currency = null, string? UserId = null);

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
