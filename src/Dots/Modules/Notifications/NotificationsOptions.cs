using MimeKit;

namespace Dots.Modules.Notifications;

/// <summary>Bound from the <c>Notifications</c> section and validated on start.</summary>
public sealed class NotificationsOptions
{
    /// <summary>The language of a user who chose none, whose account has none either: <c>ko</c> or <c>en</c>.</summary>
    public string DefaultLanguage { get; set; } = "ko";

    /// <summary>The site's public address, for the links in e-mails (notifications hold site-relative links).</summary>
    public string SiteUrl { get; set; } = "http://localhost:5080";

    /// <summary>How often an open page asks for the unread count (the bell), in seconds.</summary>
    public int BellPollSeconds { get; set; } = 20;

    public NotificationEmailOptions Email { get; set; } = new();

    internal static readonly string[] Languages = ["ko", "en"];

    internal IEnumerable<string> Problems()
    {
        if (!Languages.Contains(DefaultLanguage))
        {
            yield return "Notifications:DefaultLanguage must be 'ko' or 'en'.";
        }
        if (!Uri.TryCreate(SiteUrl, UriKind.Absolute, out var site) || (site.Scheme != Uri.UriSchemeHttp && site.Scheme != Uri.UriSchemeHttps))
        {
            yield return "Notifications:SiteUrl must be an absolute http(s) URL.";
        }
        if (BellPollSeconds is < 5 or > 3600)
        {
            yield return "Notifications:BellPollSeconds must be between 5 and 3600.";
        }
        if (!MailboxAddress.TryParse(Email.From, out _))
        {
            yield return "Notifications:Email:From must be an e-mail address (optionally with a name: \"Dots <no-reply@example.com>\").";
        }
        if (Email.Mode == EmailMode.Smtp)
        {
            if (string.IsNullOrWhiteSpace(Email.Host))
            {
                yield return "Notifications:Email:Host is required when Notifications:Email:Mode is Smtp.";
            }
            if (Email.Port is < 1 or > 65535)
            {
                yield return "Notifications:Email:Port must be between 1 and 65535.";
            }
            if (string.IsNullOrEmpty(Email.User) != string.IsNullOrEmpty(Email.Password))
            {
                yield return "Notifications:Email:User and Notifications:Email:Password go together (both or neither).";
            }
        }
        if (Email.Timeout <= TimeSpan.Zero)
        {
            yield return "Notifications:Email:Timeout must be positive.";
        }
    }
}

public enum EmailMode
{
    /// <summary>Each e-mail is written as an <c>.eml</c> file to <c>&lt;data dir&gt;/mail/</c> (the default: nothing leaves the machine).</summary>
    Files,

    /// <summary>Each e-mail is sent through an SMTP server (MailKit).</summary>
    Smtp,
}

public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise.</summary>
    Auto,
    SslOnConnect,
    StartTls,
    None,
}

/// <summary><c>Notifications:Email</c>: where e-mails go.</summary>
public sealed class NotificationEmailOptions
{
    public EmailMode Mode { get; set; } = EmailMode.Files;

    /// <summary>The sender of every e-mail.</summary>
    public string From { get; set; } = "Dots <no-reply@dots.local>";

    /// <summary>The folder of <c>.eml</c> files in Files mode; empty means <c>&lt;data dir&gt;/mail</c>.</summary>
    public string? Directory { get; set; }

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one SMTP conversation may take before it fails (and the outbox retries it).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
