using System.Net;
using System.Text;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Platform;

/// <summary>
/// Lets a test choose the TCP peer a request seems to come from (header X-Test-Peer), before any of the app's
/// middleware runs — as if the connection really came from that address.
/// </summary>
internal sealed class TestPeerStartupFilter : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var peer))
            {
                http.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
            }
            return nextMiddleware(http);
        });
        next(app);
    };
}

/// <summary>Strict sign-in limit; trusts no proxy (the default).</summary>
public class NoProxyTrustPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["RateLimits:AuthPerMinute"] = "5" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddTransient<IStartupFilter, TestPeerStartupFilter>());
    }
}

/// <summary>Strict sign-in limit; trusts the proxy at 10.0.0.1.</summary>
public sealed class TrustedProxyPlatform : NoProxyTrustPlatform
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:AuthPerMinute"] = "5",
        ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.1",
    };
}

internal static class SignInAttempts
{
    /// <summary>Failed sign-ins from <paramref name="peer"/>, each claiming another address in X-Forwarded-For when <paramref name="forwardedFor"/> is null.</summary>
    public static async Task<List<HttpStatusCode>> SendAsync(HttpClient client, string peer, int count, Func<int, string>? forwardedFor = null)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
            {
                Content = new StringContent("{\"email\":\"nobody@test.dots\",\"password\":\"Nope12345\"}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(TestPeerStartupFilter.Header, peer);
            request.Headers.Add("X-Forwarded-For", forwardedFor?.Invoke(i) ?? $"198.51.100.{i + 1}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        return statuses;
    }
}

/// <summary>Issue 15 item 5: with no proxy configured, X-Forwarded-For is ignored — even from loopback, which ASP.NET Core trusts by default.</summary>
public sealed class NoProxyTrustTests(NoProxyTrustPlatform platform) : IClassFixture<NoProxyTrustPlatform>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("192.0.2.44")]
    public async Task ASpoofedForwardedFor_DoesNotBuyAFreshSignInBucket(string peer)
    {
        var statuses = await SignInAttempts.SendAsync(platform.CreateClient(), peer, 8);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    /// <summary>Issue 15 "Web and auth": the web sign-in and register forms were not rate limited at all.</summary>
    [Fact]
    public async Task WebSignInAndRegisterForms_ShareTheSignInLimit_ButReadingThemIsFree()
    {
        var client = platform.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        const string peer = "192.0.2.66";
        async Task<HttpStatusCode> Send(HttpMethod method, string path)
        {
            using var request = new HttpRequestMessage(method, path);
            if (method == HttpMethod.Post)
            {
                request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = path.EndsWith("login", StringComparison.Ordinal) ? "login" : "register",
                    ["Input.Email"] = "nobody@test.dots",
                    ["Input.Password"] = "Nope12345",
                });
            }
            request.Headers.Add(TestPeerStartupFilter.Header, peer);
            return (await client.SendAsync(request)).StatusCode;
        }
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await Send(HttpMethod.Post, "/account/login"));
            statuses.Add(await Send(HttpMethod.Post, "/account/register"));
        }
        // Five submissions (whatever their answer: these carry no antiforgery token) and then 429s, across both forms.
        Assert.Equal(5, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/account/login"));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/account/register"));
    }
}

/// <summary>Behind a configured proxy, the client's address is the one the proxy reports; other peers cannot claim one.</summary>
public sealed class TrustedProxyTests(TrustedProxyPlatform platform) : IClassFixture<TrustedProxyPlatform>
{
    [Fact]
    public async Task BehindTheTrustedProxy_EachClientAddressHasItsOwnBucket()
    {
        var client = platform.CreateClient();
        // Through the proxy, one client exhausts its limit...
        var first = await SignInAttempts.SendAsync(client, "10.0.0.1", 7, _ => "203.0.113.7");
        Assert.Equal(5, first.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, first.Count(s => s == HttpStatusCode.TooManyRequests));
        // ...and another client behind the same proxy is not punished for it (the key is not the proxy's address).
        var second = await SignInAttempts.SendAsync(client, "10.0.0.1", 1, _ => "203.0.113.8");
        Assert.Equal([HttpStatusCode.Unauthorized], second);
        // A client that reaches the instance directly cannot borrow an address with the header.
        var direct = await SignInAttempts.SendAsync(client, "192.0.2.55", 7);
        Assert.Equal(5, direct.Count(s => s == HttpStatusCode.Unauthorized));
        // A client that prepends a fake address before the proxy's entry is still keyed on what the proxy saw.
        var chained = await SignInAttempts.SendAsync(client, "10.0.0.1", 1, _ => "203.0.113.99, 203.0.113.7");
        Assert.Equal([HttpStatusCode.TooManyRequests], chained);
    }
}
