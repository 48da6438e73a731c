using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.CoCreation;

/// <summary>
/// The royalty ledger: the idea's author earns the campaign's rate (default 5%) of the net line revenue of every unit of
/// a co-created product sold — campaign orders and every later order alike, both seen through Ordering's
/// <see cref="OrderPaid"/> — and loses it again when the order is cancelled or refunded. Entries are keyed by order and
/// product (unique), so a handler that runs twice books once.
/// </summary>
public sealed class RoyaltyService(DotsDbContext db, IEventPublisher events, TimeProvider clock, ILogger<RoyaltyService> logger)
{
    private IQueryable<RoyaltyEntry> Entries => db.Set<RoyaltyEntry>().AsNoTracking();

    public async Task<RoyaltiesDto> RoyaltiesAsync(string userId, CancellationToken ct)
    {
        var entries = await Entries.Where(e => e.AuthorId == userId).ToListAsync(ct);
        var ideaIds = entries.Select(e => e.IdeaId).Distinct().ToList();
        var titles = await db.Set<Idea>().AsNoTracking().Where(i => ideaIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Title, ct);
        var currency = entries.FirstOrDefault()?.Currency ?? "KRW";
        var earned = entries.Where(e => e.Kind == RoyaltyKind.Earned).Sum(e => e.Amount);
        var reversed = entries.Where(e => e.Kind == RoyaltyKind.Reversed).Sum(e => e.Amount);
        return new RoyaltiesDto(MoneyDto.Of(earned + reversed, currency), MoneyDto.Of(earned, currency), MoneyDto.Of(-reversed, currency),
            entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id, StringComparer.Ordinal)
                .Select(e => new RoyaltyEntryDto(e.Id, e.At, e.IdeaId, titles.GetValueOrDefault(e.IdeaId, ""), e.OrderId, MoneyDto.Of(e.Amount, e.Currency),
                    e.Kind == RoyaltyKind.Earned ? "earned" : "reversed")).ToList());
    }

    internal async Task EarnAsync(OrderPaid paid, CancellationToken ct)
    {
        var productIds = paid.Lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.Set<CoCreatedProduct>().AsNoTracking().Where(p => productIds.Contains(p.ProductId)).ToListAsync(ct);
        if (products.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        foreach (var product in products)
        {
            var key = $"earned:{paid.OrderId}:{product.ProductId}";
            if (await Entries.AnyAsync(e => e.Key == key, ct))
            {
                continue;
            }
            var lines = paid.Lines.Where(l => l.ProductId == product.ProductId).ToList();
            var currency = lines[0].UnitPrice.Currency;
            var basis = lines.Sum(l => l.UnitPrice.Amount * l.Quantity);
            var amount = new Money(basis * product.RoyaltyRate, currency).Rounded().Amount;
            var entry = new RoyaltyEntry
            {
                Id = Ids.New(), Key = key, AuthorId = product.AuthorId, IdeaId = product.IdeaId, OrderId = paid.OrderId, ProductId = product.ProductId,
                Kind = RoyaltyKind.Earned, Amount = amount, Currency = currency, Basis = basis, OrderTotal = paid.Total.Amount, At = now,
            };
            db.Set<RoyaltyEntry>().Add(entry);
            events.Publish(db, new RoyaltyEarned(entry.Id, entry.AuthorId, entry.IdeaId, entry.OrderId, entry.ProductId, MoneyDto.Of(amount, currency), now));
            await SaveOnceAsync(ct);
        }
        // A cancellation handled before this payment (two handlers' events may cross) reverses what was just earned.
        if (await db.Set<RoyaltyCancellation>().AnyAsync(c => c.OrderId == paid.OrderId, ct))
        {
            await ReverseAsync(paid.OrderId, 1m, ct);
        }
    }

    internal async Task CancelAsync(string orderId, CancellationToken ct)
    {
        if (!await db.Set<RoyaltyCancellation>().AnyAsync(c => c.OrderId == orderId, ct))
        {
            db.Set<RoyaltyCancellation>().Add(new RoyaltyCancellation { OrderId = orderId, At = clock.GetUtcNow() });
            await SaveOnceAsync(ct);
        }
        await ReverseAsync(orderId, 1m, ct);
    }

    internal async Task RefundedAsync(PaymentRefunded refund, CancellationToken ct)
    {
        string? orderId = null;
        if (refund.Purpose.StartsWith("order:", StringComparison.Ordinal))
        {
            orderId = refund.Purpose["order:".Length..];
        }
        else if (refund.Purpose.StartsWith("pledge:", StringComparison.Ordinal))
        {
            var pledgeId = refund.Purpose["pledge:".Length..];
            orderId = await db.Set<Pledge>().AsNoTracking().Where(p => p.Id == pledgeId).Select(p => p.OrderId).FirstOrDefaultAsync(ct);
        }
        if (orderId is null)
        {
            return;
        }
        var total = await Entries.Where(e => e.OrderId == orderId && e.Kind == RoyaltyKind.Earned).Select(e => e.OrderTotal).FirstOrDefaultAsync(ct);
        if (total > 0)
        {
            await ReverseAsync(orderId, Math.Min(1m, refund.RefundedInTotal.Amount / total), ct);
        }
    }

    /// <summary>
    /// Brings the reversed part of an order's royalties up to <paramref name="share"/> of what it earned. Each reversal
    /// row is numbered per order and product (unique key), so two handlers reversing at once book one row; the loser's
    /// delivery retries, finds nothing left, and stops.
    /// </summary>
    private async Task ReverseAsync(string orderId, decimal share, CancellationToken ct)
    {
        var entries = await Entries.Where(e => e.OrderId == orderId).ToListAsync(ct);
        foreach (var earned in entries.Where(e => e.Kind == RoyaltyKind.Earned))
        {
            var reversals = entries.Where(e => e.Kind == RoyaltyKind.Reversed && e.ProductId == earned.ProductId).ToList();
            var target = new Money(earned.Amount * share, earned.Currency).Rounded().Amount;
            var remaining = target + reversals.Sum(e => e.Amount);
            if (remaining <= 0)
            {
                continue;
            }
            var now = clock.GetUtcNow();
            var entry = new RoyaltyEntry
            {
                Id = Ids.New(), Key = $"reversed:{orderId}:{earned.ProductId}:{reversals.Count + 1}", AuthorId = earned.AuthorId, IdeaId = earned.IdeaId,
                OrderId = orderId, ProductId = earned.ProductId, Kind = RoyaltyKind.Reversed, Amount = -remaining, Currency = earned.Currency,
                Basis = earned.Basis, OrderTotal = earned.OrderTotal, At = now,
            };
            db.Set<RoyaltyEntry>().Add(entry);
            events.Publish(db, new RoyaltyReversed(entry.Id, entry.AuthorId, entry.IdeaId, orderId, entry.ProductId, MoneyDto.Of(-remaining, entry.Currency), now));
            await db.SaveChangesAsync(ct); // a duplicate key throws: the delivery retries and finds it done
            db.ChangeTracker.Clear();
            logger.LogInformation("Royalty of order {OrderId} reversed by {Amount}", orderId, remaining);
        }
    }

    private async Task SaveOnceAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Booked by a racing delivery of the same event.
        }
        db.ChangeTracker.Clear();
    }
}

internal sealed class RoyaltyOnOrderPaid(RoyaltyService royalties) : IEventHandler<OrderPaid>
{
    public Task HandleAsync(OrderPaid domainEvent, CancellationToken ct) => royalties.EarnAsync(domainEvent, ct);
}

internal sealed class RoyaltyOnOrderCancelled(RoyaltyService royalties) : IEventHandler<OrderCancelled>
{
    public Task HandleAsync(OrderCancelled domainEvent, CancellationToken ct) => royalties.CancelAsync(domainEvent.OrderId, ct);
}

internal sealed class RoyaltyOnPaymentRefunded(RoyaltyService royalties) : IEventHandler<PaymentRefunded>
{
    public Task HandleAsync(PaymentRefunded domainEvent, CancellationToken ct) => royalties.RefundedAsync(domainEvent, ct);
}
