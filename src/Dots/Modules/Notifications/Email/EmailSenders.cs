using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dots.Modules.Notifications;

/// <summary>One e-mail, already rendered. <see cref="Id"/> is stable across retries (the queued e-mail's id).</summary>
public sealed record EmailMessage(string Id, string To, string Subject, string TextBody, string HtmlBody, string Language);

/// <summary>Where e-mails go: <see cref="FileEmailSender"/> (default) or <see cref="SmtpEmailSender"/>, by <c>Notifications:Email:Mode</c>.</summary>
public interface IEmailSender
{
    /// <summary>Sends or throws; the caller retries a throw later, so the same <see cref="EmailMessage.Id"/> may come twice.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

internal static class Mime
{
    public static MimeMessage Build(EmailMessage message, NotificationEmailOptions options)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        // A stable Message-Id: a retried send is recognisably the same message to the receiving side.
        mime.MessageId = $"{message.Id}@{(MailboxAddress.Parse(options.From)).Domain}";
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        // Content-* headers belong to the body entity (MimeKit drops them from the message's own list).
        mime.Body.Headers.Add(HeaderId.ContentLanguage, message.Language);
        return mime;
    }
}

/// <summary>
/// Writes each e-mail as <c>{id}.eml</c> (RFC 5322, openable in any mail program) to <c>&lt;data dir&gt;/mail/</c>.
/// Written to a temporary name and moved into place, so a reader never sees half a file and a retry overwrites the same file.
/// </summary>
internal sealed class FileEmailSender(MailDirectory directory, IOptions<NotificationsOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var mime = Mime.Build(message, options.Value.Email);
        var path = Path.Combine(directory.Path, message.Id + ".eml");
        var temporary = path + ".tmp";
        await mime.WriteToAsync(temporary, ct);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The folder of <see cref="FileEmailSender"/>: <c>Notifications:Email:Directory</c>, else <c>&lt;data dir&gt;/mail</c>.</summary>
internal sealed class MailDirectory
{
    public MailDirectory(Dots.Infrastructure.DataPaths paths, IOptions<NotificationsOptions> options)
    {
        var configured = options.Value.Email.Directory;
        Path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? System.IO.Path.Combine(paths.DataDir, "mail") : configured);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }
}

/// <summary>Sends through an SMTP server with MailKit: one connection per e-mail (notifications are few and spread out).</summary>
internal sealed class SmtpEmailSender(IOptions<NotificationsOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var o = options.Value.Email;
        var mime = Mime.Build(message, o);
        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        var security = o.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.Auto,
        };
        await client.ConnectAsync(o.Host ?? throw new InvalidOperationException("Notifications:Email:Host is not set."), o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.User))
        {
            await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        }
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
