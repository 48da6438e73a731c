using Dots.Infrastructure.Events;
using Dots.Modules.Ordering;

namespace Dots.Modules.Delivery;

/// <summary>Checkout's delivery step (stage 200): takes the night's slot inside the order's transaction.</summary>
internal sealed class DeliverySlotStep(DeliveryService delivery) : ICheckoutStep
{
    public int Stage => 200;

    public Task ReserveAsync(CheckoutContext context, CancellationToken ct) => delivery.BookAsync(context, ct);

    public Task ReleaseAsync(CheckoutContext context, CancellationToken ct) => delivery.ReleaseAsync(context.OrderId, ct);
}

/// <summary>A cancelled order gives its slot back (once, however often the event is delivered) and leaves its wave's routes.</summary>
internal sealed class ReleaseSlotOnCancel(DeliveryService delivery, WavePlanner planner) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled e, CancellationToken ct)
    {
        if (await delivery.ReleaseAsync(e.OrderId, ct) is { } waveId)
        {
            await planner.RequestReplanAsync(waveId, ct);
        }
    }
}
