using System.Text.Json.Serialization;
using Dots.Infrastructure;

namespace Dots.Modules.Notifications;

/// <summary>
/// "Tell user <see cref="UserId"/> that something of kind <see cref="Kind"/> happened." Title and body are resource
/// keys with arguments, rendered in the recipient's language when the notification is shown or mailed.
/// </summary>
/// <param name="UserId">The recipient (an account id).</param>
/// <param name="Kind">A registered kind (<c>order.paid</c>, <c>idea.comment</c>): the unit of the user's preferences.</param>
/// <param name="Link">A site-relative URL the notification opens (<c>/orders/{id}</c>), or null.</param>
/// <param name="DedupeKey">
/// The same recipient never gets two notifications with one key (a unique index), so a redelivered event is harmless.
/// Derive it from the event: <c>order.paid:{orderId}</c>.
/// </param>
public sealed record NotificationRequest(string UserId, string Kind, LocalizedText Title, LocalizedText Body, string? Link = null, string? DedupeKey = null);

/// <summary>
/// A text in the recipient's language: a key of a module's string table (<see cref="Source"/>, default
/// <see cref="NotificationsTexts"/>) and its <c>{0}</c>, <c>{1}</c> arguments.
/// </summary>
public sealed record LocalizedText(string Key, IReadOnlyList<TextArg> Args, string? Source = null)
{
    /// <summary>A key of <see cref="NotificationsTexts"/>.</summary>
    public static LocalizedText Of(string key, params TextArg[] args) => new(key, args);

    /// <summary>A key of another module's string table (its <c>&lt;Module&gt;Texts</c> marker class).</summary>
    public static LocalizedText Of<TTexts>(string key, params TextArg[] args) => new(key, args, typeof(TTexts).FullName);
}

/// <summary>One argument of a <see cref="LocalizedText"/>: plain text, or money formatted for the reader's language.</summary>
public sealed record TextArg(string? Text = null, MoneyDto? Money = null)
{
    public static implicit operator TextArg(string text) => new(text);

    public static implicit operator TextArg(MoneyDto money) => new(null, money);
}

/// <summary>A notification as its recipient sees it: title and body rendered in the reader's language.</summary>
public sealed record NotificationDto(string Id, string Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public bool Read => ReadAt is not null;
}

/// <summary>A page of the caller's notifications, newest first, with how many are unread in all.</summary>
public sealed record NotificationPageDto(IReadOnlyList<NotificationDto> Items, int Total, int Page, int PageSize, int Unread);

public sealed record UnreadCountDto(int Unread);

/// <summary>The caller's notification settings: the language of notifications and e-mails, and each kind's channels.</summary>
public sealed record NotificationPreferencesDto(string Language, IReadOnlyList<KindPreferenceDto> Kinds);

/// <param name="Label">The kind's name in the caller's language.</param>
public sealed record KindPreferenceDto(string Kind, string Label, bool InApp, bool Email);

/// <summary>
/// Changes only what it names: a language (<c>ko</c> or <c>en</c>) and/or some kinds' channels (a channel left out stays as it is).
/// </summary>
public sealed record UpdateNotificationPreferencesRequest(string? Language, IReadOnlyList<KindPreferenceUpdate>? Kinds);

public sealed record KindPreferenceUpdate(string? Kind, bool? InApp, bool? Email);
