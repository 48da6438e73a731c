using System.Net;
using System.Net.Http.Json;
using Dots.Cli;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Platform;

/// <summary>Issue 15, item 3: client mistakes that were 500s, and the web's security headers.</summary>
public sealed class HardeningTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task AProductWithFiveOptionsAtTheirLongest_CanBeBought()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var options = Enumerable.Range(0, 5).ToDictionary(i => new string((char)('a' + i), 30), _ => new string('v', 60));
        var product = await (await owner.Http.PostAsJsonAsync($"/api/shops/{shop}/products", new
        {
            title = "Long options", description = "d", category = "fresh-food",
            variants = new[] { new { sku = "LONG-" + Guid.NewGuid().ToString("N")[..8], options, price = new { amount = 1000, currency = "KRW" }, stock = 3 } },
        })).JsonAsync(HttpStatusCode.Created);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId()))).JsonAsync(HttpStatusCode.Created);
        Assert.True(((string)order["lines"]![0]!["options"]!).Length >= 460);
    }

    [Fact]
    public async Task ANullVariant_AndTooLongOptionsOnUpdate_Are400()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var nullVariant = await owner.Http.PostAsync($"/api/shops/{shop}/products", JsonContent.Create(
            new { title = "x", description = "d", category = "fresh-food", variants = new object?[] { null } }));
        Assert.Equal(HttpStatusCode.BadRequest, nullVariant.StatusCode);

        var product = await owner.CreateProductAsync(shop);
        var tooMany = Enumerable.Range(0, 6).ToDictionary(i => "o" + i, _ => "v");
        var update = await owner.Http.PutAsJsonAsync($"/api/products/{product["id"]}/variants/{product.FirstVariantId()}", new { options = tooMany });
        Assert.Equal(HttpStatusCode.BadRequest, update.StatusCode);
        var tooLong = await owner.Http.PutAsJsonAsync($"/api/products/{product["id"]}/variants/{product.FirstVariantId()}",
            new { options = new Dictionary<string, string> { ["size"] = new string('x', 61) } });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Theory]
    [InlineData("/api/products?minPrice=1000000000000000")]
    [InlineData("/api/products?maxPrice=1000000000000000")]
    [InlineData("/api/products?page=21474838&pageSize=100")]
    public async Task HugeNumbersInQueries_Are400_Not500(string url)
    {
        var response = await platform.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/%09/evil.example")]
    [InlineData("/%0a/evil.example")]
    [InlineData("//evil.example")]
    public async Task TheLanguageSwitch_NeverRedirectsOffSite(string returnUrl)
    {
        var client = platform.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync("/culture?c=ko&returnUrl=" + returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/products")]
    [InlineData("/media/nothing-here.png")]
    public async Task EveryResponse_RefusesFramingAndSniffing(string url)
    {
        var response = await platform.CreateClient().GetAsync(url);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("SAMEORIGIN", response.Headers.GetValues("X-Frame-Options").Single());
        // Blazor's interactive pages set their own frame-ancestors 'self'; everything else gets 'none'.
        Assert.Matches("frame-ancestors '(none|self)'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task HttpsResponses_CarryHsts()
    {
        var client = platform.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var response = await client.GetAsync("/api/products");
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Theory]
    [InlineData("/orders/some-order/cancel")]
    [InlineData("/account/logout")]
    public async Task WebActionsThatReadNoForm_StillRequireTheAntiforgeryToken(string url)
    {
        var client = platform.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.PostAsync(url, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("lsit")]
    [InlineData("jobs", "lsit")]
    public async Task AnUnknownCommand_SaysSo_AndExits2_InsteadOfStartingTheServer(params string[] args)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            var run = DotsCli.RunAsync(args);
            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.Same(run, finished);
            Assert.Equal(2, await run);
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Contains("unknown command 'lsit'", error.ToString());
    }
}
