namespace Dots.Modules.Notifications;

/// <summary>
/// One notification for one user. Title and body are kept as keys and JSON arguments (not rendered text), so the
/// centre shows them in whatever language the reader has now; <see cref="InApp"/> false means the user wanted this
/// kind by e-mail only (the row still exists, for dedupe and for its e-mail).
/// </summary>
internal sealed class Notification
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Kind { get; init; }
    public required string TitleKey { get; init; }
    public required string BodyKey { get; init; }
    public string? TitleSource { get; init; }
    public string? BodySource { get; init; }
    public required string TitleArgs { get; init; }
    public required string BodyArgs { get; init; }
    public string? Link { get; init; }
    public string? DedupeKey { get; init; }
    public bool InApp { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>
/// An e-mail to send for a notification, rendered at the moment it was queued in the recipient's language. One per
/// notification (unique), sent by <see cref="SendNotificationEmail"/> after the commit; <see cref="SentAt"/> makes a rerun a no-op.
/// </summary>
internal sealed class NotificationEmail
{
    public required string Id { get; init; }
    public required string NotificationId { get; init; }
    public required string UserId { get; init; }
    public required string To { get; init; }
    public required string Language { get; init; }
    public required string Subject { get; init; }
    public required string TextBody { get; init; }
    public required string HtmlBody { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
}

/// <summary>A user's notification language (null: not chosen yet, fall back to the account's, then the default).</summary>
internal sealed class NotificationSetting
{
    public required string UserId { get; init; }
    public string? Language { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's choice for one kind; no row means the kind's defaults.</summary>
internal sealed class NotificationPreference
{
    public required string UserId { get; init; }
    public required string Kind { get; init; }
    public bool InApp { get; set; }
    public bool Email { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
