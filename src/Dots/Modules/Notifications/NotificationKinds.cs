namespace Dots.Modules.Notifications;

/// <summary>
/// A kind of notification users can switch on and off per channel. <see cref="Label"/> is a key of the
/// <see cref="LabelSource"/> string table (default <see cref="NotificationsTexts"/>), shown on the preferences page.
/// </summary>
public sealed record NotificationKind(string Key, string Label, bool InAppByDefault = true, bool EmailByDefault = true, string? LabelSource = null);

/// <summary>Every kind registered with <see cref="NotificationsApi.AddNotificationKind"/>, in registration order.</summary>
public sealed class NotificationKindRegistry(IEnumerable<NotificationKind> kinds)
{
    private readonly IReadOnlyList<NotificationKind> _kinds = kinds.DistinctBy(k => k.Key).ToList();

    public IReadOnlyList<NotificationKind> All => _kinds;

    public NotificationKind? Find(string? key) => _kinds.FirstOrDefault(k => k.Key == key);
}

/// <summary>The kinds this module's own handlers raise.</summary>
public static class NotificationKinds
{
    public const string OrderPaid = "order.paid";
    public const string OrderCancelled = "order.cancelled";
    public const string PaymentRefunded = "payment.refunded";
    public const string IdeaComment = "idea.comment";
    public const string IdeaProposal = "idea.proposal";
    public const string CampaignOutcome = "campaign.outcome";
    public const string ProductionUpdate = "campaign.production";
    public const string RoyaltyEarned = "royalty.earned";
    public const string DeliveryProgress = "delivery.progress";
    public const string PickupReady = "pickup.ready";
}
