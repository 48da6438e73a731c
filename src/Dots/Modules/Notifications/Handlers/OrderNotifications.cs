using System.Globalization;
using Dots.Infrastructure;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;

namespace Dots.Modules.Notifications;

/// <summary>The buyer hears that the order is confirmed (its payment was captured).</summary>
internal sealed class NotifyOrderPaid(NotificationService notifications) : NotifyOnEvent<OrderPaid>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(OrderPaid e)
    {
        yield return new NotificationRequest(e.BuyerId, NotificationKinds.OrderPaid,
            LocalizedText.Of("Order confirmed"),
            LocalizedText.Of("Your order of {0} is confirmed. We'll let you know when it ships.", e.Total),
            $"/orders/{e.OrderId}");
    }
}

/// <summary>The buyer hears that the order was cancelled.</summary>
internal sealed class NotifyOrderCancelled(NotificationService notifications) : NotifyOnEvent<OrderCancelled>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(OrderCancelled e)
    {
        yield return new NotificationRequest(e.BuyerId, NotificationKinds.OrderCancelled,
            LocalizedText.Of("Order cancelled"),
            LocalizedText.Of("Your order was cancelled and its items are back in stock. Any payment is refunded to your card."),
            $"/orders/{e.OrderId}");
    }
}

/// <summary>The payer hears about money coming back; each refund of one payment is its own notification.</summary>
internal sealed class NotifyPaymentRefunded(NotificationService notifications) : NotifyOnEvent<PaymentRefunded>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(PaymentRefunded e)
    {
        const string order = "order:";
        var link = e.Purpose.StartsWith(order, StringComparison.Ordinal) ? "/orders/" + e.Purpose[order.Length..] : null;
        yield return new NotificationRequest(e.PayerId, NotificationKinds.PaymentRefunded,
            LocalizedText.Of("Refund issued"),
            LocalizedText.Of("{0} is on its way back to your card. It may take a few days to show.", e.Amount),
            link,
            // A payment can be refunded in parts: the running total tells one refund from the next.
            DedupeKey: $"{NotificationKinds.PaymentRefunded}:{e.IntentId}:{e.RefundedInTotal.Amount.Normalize().ToString(CultureInfo.InvariantCulture)}");
    }
}
