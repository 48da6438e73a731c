using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Identity;

public sealed class AccountsTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task Register_WithAWeakPassword_IsRejectedWithTheReason()
    {
        var response = await platform.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = "weak@test.dots", password = "abc" });
        var problem = await response.JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Register_WithATakenEmail_IsRejected()
    {
        var user = await platform.NewUserAsync();
        var response = await platform.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = user.Email, password = UserClient.Password });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Login_WithAWrongPassword_Returns401()
    {
        var user = await platform.NewUserAsync();
        var response = await platform.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = "Wrong-password1" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Login_ReturnsABearerTokenWithRefreshToken()
    {
        var user = await platform.NewUserAsync();
        var token = await (await platform.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = UserClient.Password })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Bearer", (string?)token["tokenType"]);
        Assert.False(string.IsNullOrEmpty((string?)token["accessToken"]));
        Assert.False(string.IsNullOrEmpty((string?)token["refreshToken"]));
        Assert.True((long)token["expiresIn"]! > 0);
    }

    [Fact]
    public async Task Me_ForANewAccount_IsACustomerWithNoShops()
    {
        var user = await platform.NewUserAsync();
        var me = await (await user.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(user.Email, (string?)me["email"]);
        Assert.Equal(["customer"], me["roles"]!.AsArray().Select(r => (string)r!).ToArray());
        Assert.Empty(me["shops"]!.AsArray());
        Assert.False(string.IsNullOrEmpty((string?)me["id"]));
    }

    [Fact]
    public async Task OpeningAShop_MakesTheCustomerAShopOwner()
    {
        var user = await platform.NewUserAsync();
        var shopId = await user.OpenShopAsync("Corner Shop");
        var me = await (await user.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains("shop-owner", me["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(shopId, (string?)me["shops"]![0]!["id"]);
        Assert.Equal("Corner Shop", (string?)me["shops"]![0]!["name"]);
    }

    [Fact]
    public async Task Me_WithoutAToken_Returns401NotARedirect()
    {
        var response = await platform.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Me_WithAForgedToken_Returns401()
    {
        var client = platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }
}
