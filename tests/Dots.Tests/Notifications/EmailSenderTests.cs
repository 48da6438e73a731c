using System.Net;
using System.Net.Sockets;
using System.Text;
using Dots.Modules.Notifications;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dots.Tests.Notifications;

/// <summary>The SMTP sender against a minimal SMTP server on loopback, and the settings that guard it.</summary>
public sealed class EmailSenderTests
{
    [Fact]
    public async Task TheSmtpSender_DeliversTheMessage_WithBothPartsAndAStableMessageId()
    {
        using var server = new TinySmtpServer();
        var options = Options.Create(new NotificationsOptions
        {
            Email = new NotificationEmailOptions { Mode = EmailMode.Smtp, Host = "127.0.0.1", Port = server.Port, Security = SmtpSecurity.None, From = "Dots <no-reply@dots.test>" },
        });
        var sender = new SmtpEmailSender(options);

        await sender.SendAsync(new EmailMessage("0193abc", "kim@example.test", "주문 확정", "12,900원 주문이 확정되었어요.", "<p>12,900원 주문이 확정되었어요.</p>", "ko"), CancellationToken.None);

        var (recipients, data) = await server.Received.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["<kim@example.test>"], recipients);
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(data)));
        Assert.Equal("주문 확정", message.Subject);
        Assert.Equal("0193abc@dots.test", message.MessageId);
        Assert.Equal("ko", message.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Contains("주문이 확정되었어요", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<p>12,900원", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpModeWithoutAHost_OrABadSender_FailsValidationNamingTheSetting()
    {
        var result = new NotificationsOptionsValidator().Validate(null, new NotificationsOptions
        {
            DefaultLanguage = "fr",
            Email = new NotificationEmailOptions { Mode = EmailMode.Smtp, From = "not an address", User = "me" },
        });
        Assert.True(result.Failed);
        Assert.Contains("Notifications:Email:Host", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Notifications:Email:From", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Notifications:Email:User and Notifications:Email:Password", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Notifications:DefaultLanguage", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new NotificationsOptionsValidator().Validate(null, new NotificationsOptions()).Succeeded);
    }

    /// <summary>Just enough SMTP (RFC 5321, no TLS, no auth) to accept one message on a dynamic loopback port.</summary>
    private sealed class TinySmtpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly TaskCompletionSource<(List<string>, string)> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TinySmtpServer()
        {
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Task<(List<string> Recipients, string Data)> Received => _received.Task;

        private async Task ServeAsync()
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync();
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, new UTF8Encoding(false));
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
                var recipients = new List<string>();
                await writer.WriteLineAsync("220 tiny ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    var verb = line.Split(' ', ':')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250-tiny");
                            await writer.WriteLineAsync("250-8BITMIME");
                            await writer.WriteLineAsync("250 SMTPUTF8");
                            break;
                        case "RCPT":
                            recipients.Add(line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0]);
                            await writer.WriteLineAsync("250 ok");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go ahead");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync() is { } d && d != ".")
                            {
                                data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d[1..] : d).Append("\r\n");
                            }
                            await writer.WriteLineAsync("250 queued");
                            _received.TrySetResult((recipients, data.ToString()));
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 ok");
                            break;
                    }
                }
            }
            catch (Exception e)
            {
                _received.TrySetException(e);
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
