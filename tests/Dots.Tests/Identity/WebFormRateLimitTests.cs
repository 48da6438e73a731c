using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dots.Tests.Identity;

/// <summary>A platform whose sign-in limit is a few attempts a minute.</summary>
public sealed class TightAuthLimitPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["RateLimits:AuthPerMinute"] = "4" };
}

/// <summary>
/// Issue 15: a rate-limited sign-in or register form answered a JSON 429 ProblemDetails. A person gets the page again —
/// status 429 with Retry-After — saying how long to wait (English and Korean), with the email kept; a rejected attempt
/// never reaches the password check; API clients keep the ProblemDetails.
/// </summary>
public sealed partial class WebFormRateLimitTests(TightAuthLimitPlatform platform) : IClassFixture<TightAuthLimitPlatform>
{
    [Fact]
    public async Task SigningInWronglyThroughTheForm_UntilLimited_GivesThePageAgainWith429_RetryAfter_AndTheWait()
    {
        var user = await platform.NewUserAsync();
        var web = platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var (limited, retryAfter) = await SignInWronglyUntilLimitedAsync(web, user.Email);
        if (retryAfter <= 3)
        {
            // The window is about to turn: wait it out and be limited again, so the checks below run inside one window.
            await Task.Delay(TimeSpan.FromSeconds(retryAfter + 1));
            (limited, retryAfter) = await SignInWronglyUntilLimitedAsync(web, user.Email);
        }

        Assert.Equal("text/html", limited.Content.Headers.ContentType?.MediaType);
        var page = WebUtility.HtmlDecode(await limited.Content.ReadAsStringAsync());
        Assert.Contains($"Too many attempts — try again in {retryAfter} seconds.", page);
        Assert.Contains("role=\"alert\"", page);
        Assert.Contains("<html lang=\"en\"", page);
        Assert.Matches($"id=\"email\"[^>]*value=\"{Regex.Escape(user.Email)}\"|value=\"{Regex.Escape(user.Email)}\"[^>]*id=\"email\"", page);

        // The right password while limited is not even tried: the page again, no sign-in cookie, no redirect.
        var right = await PostFormAsync(web, "/account/login", "login", new() { ["Input.Email"] = user.Email, ["Input.Password"] = UserClient.Password }, "ko");
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Null(right.Headers.Location);
        Assert.DoesNotContain(right.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(".AspNetCore.Identity", StringComparison.Ordinal) || c.StartsWith(".Dots.Auth", StringComparison.Ordinal));
        var korean = WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync());
        Assert.Matches(@"시도가 너무 많습니다 — \d+초 후에 다시 시도해 주세요\.", korean);
        Assert.Contains("<html lang=\"ko\"", korean);

        // The register form shares the limit and says the same.
        var register = await PostFormAsync(web, "/account/register", "register", new() { ["Input.Email"] = "new@test.dots", ["Input.Password"] = UserClient.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, register.StatusCode);
        Assert.True(register.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Matches(@"Too many attempts — try again in \d+ seconds\.", WebUtility.HtmlDecode(await register.Content.ReadAsStringAsync()));

        // An API client keeps the ProblemDetails.
        var api = await web.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = UserClient.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.True(api.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var problem = await api.JsonAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(429, (int)problem["status"]!);

        // Reading the sign-in page is never limited.
        var read = await web.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    private static async Task<(HttpResponseMessage Limited, int RetryAfter)> SignInWronglyUntilLimitedAsync(HttpClient web, string email)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var response = await PostFormAsync(web, "/account/login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = "Wrong-password1" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var seconds = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
                Assert.InRange(seconds, 1, 60);
                return (response, seconds);
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("The email or password is not right.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        throw new Xunit.Sdk.XunitException("20 wrong sign-ins were never limited");
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient web, string path, string formName, Dictionary<string, string> fields, string language = "en")
    {
        var page = await web.GetStringAsync(path);
        var form = HiddenInput().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["_handler"] = formName;
        foreach (var (key, value) in fields)
        {
            form[key] = value;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.AcceptLanguage.ParseAdd(language);
        return await web.SendAsync(request);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();
}
