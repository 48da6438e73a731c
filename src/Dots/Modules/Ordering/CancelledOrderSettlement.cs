using Dots.Infrastructure.Events;

namespace Dots.Modules.Ordering;

/// <summary>
/// Settles a cancelled order's money after the cancel committed — refund what was captured, void a hold — with the
/// outbox's retries and backoff when the provider is down, never with a request's cancellation token. Idempotent:
/// Payments' refund has a fixed id and the ledger bookings are unique, so a cancel that already settled it inline
/// (the usual case) makes this a lookup.
/// </summary>
internal sealed class CancelledOrderSettlement(OrderService orders, TimeProvider clock) : IEventHandler<OrderCancelled>
{
    /// <summary>The canceller settles inline first; the handler steps in after this, so the two do not race for one refund.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    public async Task HandleAsync(OrderCancelled domainEvent, CancellationToken ct)
    {
        var wait = domainEvent.At + Grace - clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, ct);
        }
        if (!await orders.SettleCancelledPaymentAsync(domainEvent.OrderId, CancellationToken.None))
        {
            throw new InvalidOperationException($"The payment of cancelled order {domainEvent.OrderId} is not settled yet; retrying.");
        }
    }
}
