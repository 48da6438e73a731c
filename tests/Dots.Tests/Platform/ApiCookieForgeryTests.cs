using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dots.Tests.Platform;

/// <summary>
/// Issue 15, web and auth: a body-less (or JSON) API POST authenticated only by the sign-in cookie — which a browser
/// attaches to another site's POST too — must not act as the user unless it carries the page's antiforgery token.
/// </summary>
public sealed partial class ApiCookieForgeryTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task ACookieOnlyApiPost_IsRefused_AndChangesNothing()
    {
        var (owner, cookie) = await OwnerWithCookieAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop);
        var id = (string)product["id"]!;

        // What a hostile page's <form method=post action=".../unpublish"> or fetch(..., {credentials:'include'}) sends.
        var forged = await cookie.PostAsync($"/api/products/{id}/unpublish", null);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var json = await cookie.PostAsJsonAsync("/api/shops", new { name = "Forged", description = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, json.StatusCode);
        var still = await (await platform.CreateClient().GetAsync($"/api/products/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Published", (string)still["status"]!);

        // Reading with the cookie stays as it was (a cross-site page cannot read the answer).
        Assert.Equal(HttpStatusCode.OK, (await cookie.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ACookieApiPost_WithThePagesAntiforgeryToken_AndABearerPost_StillWork()
    {
        var (owner, cookie) = await OwnerWithCookieAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync());
        var id = (string)product["id"]!;

        var page = await cookie.GetStringAsync("/");
        var token = TokenMeta().Match(page).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "every page publishes its antiforgery token for the site's own scripts");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/products/{id}/unpublish");
        request.Headers.Add("RequestVerificationToken", token);
        Assert.Equal(HttpStatusCode.OK, (await cookie.SendAsync(request)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await owner.Http.PostAsync($"/api/products/{id}/publish", null)).StatusCode);
    }

    [Fact]
    public async Task DemandEvents_FromACookieWithoutToken_AreKeptAnonymous_NotRefused()
    {
        var (_, cookie) = await OwnerWithCookieAsync();
        var response = await cookie.PostAsJsonAsync("/api/events", new { events = new[] { new { type = "search", query = "x", resultCount = 0, sessionId = "s-forgery" } } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>A user with a bearer client, and a second client signed in as the same user with the cookie only.</summary>
    private async Task<(UserClient Owner, HttpClient Cookie)> OwnerWithCookieAsync()
    {
        var owner = await platform.NewUserAsync();
        return (owner, await platform.CookieClientAsync(owner.Email));
    }

    [GeneratedRegex("<meta name=\"request-verification-token\" content=\"([^\"]+)\"")]
    private static partial Regex TokenMeta();
}
