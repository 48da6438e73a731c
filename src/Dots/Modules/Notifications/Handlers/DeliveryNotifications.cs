using Dots.Modules.Delivery;
using Dots.Modules.Stores;

namespace Dots.Modules.Notifications;

internal static class KoreaTime
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    /// <summary>The site shows times in Korea Standard Time (the footer says so); "06:40".</summary>
    public static string Clock(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Seoul).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The buyer hears the van has left, with its ETA.</summary>
internal sealed class NotifyOutForDelivery(NotificationService notifications) : NotifyOnEvent<OutForDelivery>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(OutForDelivery e)
    {
        yield return new NotificationRequest(e.BuyerId, NotificationKinds.DeliveryProgress,
            LocalizedText.Of("Out for delivery"),
            e.Eta is { } eta
                ? LocalizedText.Of("Your order is on its way and should arrive around {0}.", KoreaTime.Clock(eta))
                : LocalizedText.Of("Your order is on its way."),
            $"/orders/{e.OrderId}/tracking", DedupeKey: $"{NotificationKinds.DeliveryProgress}:out:{e.OrderId}:{e.RouteId}");
    }
}

/// <summary>The buyer hears the parcel is at the door.</summary>
internal sealed class NotifyDelivered(NotificationService notifications) : NotifyOnEvent<Delivered>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(Delivered e)
    {
        yield return new NotificationRequest(e.BuyerId, NotificationKinds.DeliveryProgress,
            LocalizedText.Of("Delivered"),
            LocalizedText.Of("Your order was delivered at {0}. The driver's photo is on the tracking page.", KoreaTime.Clock(e.At)),
            $"/orders/{e.OrderId}/tracking", DedupeKey: $"{NotificationKinds.DeliveryProgress}:delivered:{e.OrderId}");
    }
}

/// <summary>The buyer hears a delivery attempt failed, and why.</summary>
internal sealed class NotifyDeliveryFailed(NotificationService notifications) : NotifyOnEvent<DeliveryFailed>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(DeliveryFailed e)
    {
        yield return new NotificationRequest(e.BuyerId, NotificationKinds.DeliveryProgress,
            LocalizedText.Of("Delivery failed"),
            LocalizedText.Of("The driver could not deliver your order: {0}", e.Reason),
            $"/orders/{e.OrderId}/tracking", DedupeKey: $"{NotificationKinds.DeliveryProgress}:failed:{e.OrderId}:{e.At.ToUnixTimeMilliseconds()}");
    }
}

/// <summary>The buyer hears the pickup order is ready at the store, with the code to show.</summary>
internal sealed class NotifyPickupReady(NotificationService notifications) : NotifyOnEvent<PickupReady>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(PickupReady e)
    {
        yield return new NotificationRequest(e.BuyerId, NotificationKinds.PickupReady,
            LocalizedText.Of("Ready for pickup"),
            LocalizedText.Of("Your order is ready at {0}. Show the code {1} at the desk.", e.LocationName, e.Code),
            $"/orders/{e.OrderId}/pickup", DedupeKey: $"{NotificationKinds.PickupReady}:{e.OrderId}");
    }
}
