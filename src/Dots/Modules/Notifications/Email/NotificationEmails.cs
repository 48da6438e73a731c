using System.Globalization;
using System.Net;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Notifications;

/// <summary>
/// An e-mail was queued with its notification. Published in the notification's transaction, so the platform's outbox
/// (ADR 0012) is the mail queue: delivered after the commit, claimed by one instance, retried with backoff.
/// </summary>
internal sealed record NotificationEmailQueued(string EmailId) : IDomainEvent
{
    public string AggregateId => EmailId;
}

/// <summary>
/// Sends a queued e-mail once. A redelivery after a successful send finds <see cref="NotificationEmail.SentAt"/> set and
/// does nothing; a crash between the send and that write sends again with the same Message-Id (and, in Files mode,
/// overwrites the same file) — at least once, never lost.
/// </summary>
internal sealed class SendNotificationEmail(DotsDbContext db, IEmailSender sender, TimeProvider clock) : IEventHandler<NotificationEmailQueued>
{
    public async Task HandleAsync(NotificationEmailQueued queued, CancellationToken ct)
    {
        var email = await db.Set<NotificationEmail>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == queued.EmailId, ct);
        if (email is null || email.SentAt is not null)
        {
            return;
        }
        await db.Set<NotificationEmail>().Where(m => m.Id == email.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
        await sender.SendAsync(new EmailMessage(email.Id, email.To, email.Subject, email.TextBody, email.HtmlBody, email.Language), ct);
        var now = clock.GetUtcNow();
        await db.Set<NotificationEmail>().Where(m => m.Id == email.Id && m.SentAt == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, now), ct);
    }
}

/// <summary>Renders a notification as an e-mail in the recipient's language: a plain-text part and a simple HTML part.</summary>
public sealed class NotificationEmailComposer(NotificationTextRenderer texts, IOptions<NotificationsOptions> options)
{
    internal (string Subject, string Text, string Html) Compose(string title, string body, string? link, CultureInfo culture)
    {
        var site = options.Value.SiteUrl.TrimEnd('/');
        var url = link is null ? null : site + (link.StartsWith('/') ? link : "/" + link);
        var settings = site + "/notifications/settings";
        var open = texts.Render(LocalizedText.Of("Open in Dots"), culture);
        var why = texts.Render(LocalizedText.Of("You get this e-mail because of your notification settings. Change them here: {0}", settings), culture);
        var whyHtml = texts.Render(LocalizedText.Of("You get this e-mail because of your notification settings. Change them here: {0}", "\u0001"), culture);

        var text = $"{title}\n\n{body}\n" + (url is null ? "" : $"\n{open}: {url}\n") + $"\n--\n{why}\n";

        var e = (string s) => WebUtility.HtmlEncode(s);
        var footer = e(whyHtml).Replace("\u0001", $"<a href=\"{e(settings)}\" style=\"color:#6b7280\">{e(settings)}</a>", StringComparison.Ordinal);
        var button = url is null ? "" :
            $"<p style=\"margin:24px 0\"><a href=\"{e(url)}\" style=\"background:#4338ca;color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600;display:inline-block\">{e(open)}</a></p>";
        var html = $"""
            <!DOCTYPE html>
            <html lang="{e(culture.TwoLetterISOLanguageName)}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title></head>
            <body style="margin:0;padding:0;background:#f5f6f8;font-family:-apple-system,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic',sans-serif;color:#111827">
            <div style="max-width:560px;margin:0 auto;padding:24px 16px">
            <p style="font-weight:800;font-size:20px;margin:0 0 16px">dots</p>
            <div style="background:#ffffff;border-radius:12px;padding:20px">
            <h1 style="font-size:20px;margin:0 0 12px">{e(title)}</h1>
            <p style="font-size:16px;line-height:1.5;margin:0">{e(body)}</p>
            {button}
            </div>
            <p style="font-size:12px;color:#6b7280;line-height:1.5;margin:16px 4px 0">{footer}</p>
            </div>
            </body>
            </html>
            """;
        return (title, text, html);
    }
}
