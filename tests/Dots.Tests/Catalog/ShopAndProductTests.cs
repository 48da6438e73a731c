using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Catalog;

public sealed class ShopAndProductTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task OpenShop_ReturnsTheShopWithItsLocation()
    {
        var user = await platform.NewUserAsync();
        var response = await user.Http.PostAsJsonAsync("/api/shops", new { name = "Hanji House", description = "Paper crafts" });
        var shop = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Hanji House", (string?)shop["name"]);
        Assert.Equal($"/api/shops/{shop["id"]}", response.Headers.Location?.OriginalString);
        var fetched = await (await platform.CreateClient().GetAsync($"/api/shops/{shop["id"]}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("KRW", (string?)fetched["currency"]);
    }

    [Fact]
    public async Task OpenShop_WithoutAName_NamesTheField()
    {
        var user = await platform.NewUserAsync();
        var problem = await (await user.Http.PostAsJsonAsync("/api/shops", new { description = "no name" })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["name"]);
    }

    [Fact]
    public async Task OpenShop_WhenSignedOut_Returns401()
    {
        var response = await platform.CreateClient().PostAsJsonAsync("/api/shops", new { name = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CreateProduct_ByTheOwner_ReturnsVariantsWithIdsPricesAndStock()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var response = await owner.Http.PostAsJsonAsync($"/api/shops/{shopId}/products", new
        {
            title = "Linen Shirt",
            description = "Relaxed fit",
            category = "fashion",
            tags = new[] { "linen", "Summer" },
            variants = new[]
            {
                new { sku = "SHIRT-M", options = new Dictionary<string, string> { ["size"] = "M" }, price = new { amount = 79000m, currency = "KRW" }, stock = 20 },
                new { sku = "SHIRT-L", options = new Dictionary<string, string> { ["size"] = "L" }, price = new { amount = 75000m, currency = "KRW" }, stock = 5 },
            },
        });
        var product = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Linen Shirt", (string?)product["title"]);
        Assert.Equal(2, product["variants"]!.AsArray().Count);
        Assert.All(product["variants"]!.AsArray(), v => Assert.False(string.IsNullOrEmpty((string?)v!["id"])));
        Assert.Equal(75000m, (decimal)product["price"]!["amount"]!);
        Assert.Equal(["linen", "summer"], product["tags"]!.AsArray().Select(t => (string)t!).ToArray());
        var fetched = await (await platform.CreateClient().GetAsync($"/api/products/{product["id"]}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([75000m, 79000m], fetched["variants"]!.AsArray().Select(v => (decimal)v!["price"]!["amount"]!).ToArray());
        Assert.Equal([5, 20], fetched["variants"]!.AsArray().Select(v => (int)v!["stock"]!).ToArray());
    }

    [Fact]
    public async Task CreateProduct_InSomeoneElsesShop_Returns403()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var stranger = await platform.NewUserAsync();
        var response = await stranger.Http.PostAsJsonAsync($"/api/shops/{shopId}/products", new { title = "x", category = "home", variants = new[] { new { sku = "A", price = new { amount = 1000, currency = "KRW" }, stock = 1 } } });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task CreateProduct_InAShopThatDoesNotExist_Returns404()
    {
        var user = await platform.NewUserAsync();
        var response = await user.Http.PostAsJsonAsync("/api/shops/nope/products", new { title = "x", category = "home", variants = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CreateProduct_WithBadFields_ReportsEachFieldAtOnce()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var response = await owner.Http.PostAsJsonAsync($"/api/shops/{shopId}/products", new
        {
            title = "",
            category = "spaceships",
            variants = new[] { new { sku = "", price = new { amount = -5m, currency = "USD" }, stock = -1 } },
        });
        var errors = (await response.JsonAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject();
        foreach (var field in new[] { "title", "category", "variants[0].sku", "variants[0].price.amount", "variants[0].price.currency", "variants[0].stock" })
        {
            Assert.True(errors.ContainsKey(field), $"missing error for {field}: {errors.ToJsonString()}");
        }
    }

    [Fact]
    public async Task CreateProduct_WithASkuAlreadyUsedInTheShop_IsRejected()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        await owner.CreateProductAsync(shopId, sku: "DUP-1");
        var response = await owner.Http.PostAsJsonAsync($"/api/shops/{shopId}/products", new { title = "Other", category = "home", variants = new[] { new { sku = "DUP-1", price = new { amount = 1000, currency = "KRW" }, stock = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GetProduct_ThatDoesNotExist_Returns404Problem()
    {
        var response = await platform.CreateClient().GetAsync("/api/products/does-not-exist");
        await response.JsonAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnpublishedProducts_AreVisibleOnlyToTheirOwner()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shopId);
        await (await owner.Http.PostAsync($"/api/products/{product["id"]}/unpublish", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CreateClient().GetAsync($"/api/products/{product["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/products/{product["id"]}")).StatusCode);
        await (await owner.Http.PostAsync($"/api/products/{product["id"]}/publish", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await platform.CreateClient().GetAsync($"/api/products/{product["id"]}")).StatusCode);
    }

    [Fact]
    public async Task SetStock_ByTheOwner_ChangesUnitsAvailable()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 3);
        var response = await owner.Http.PutAsJsonAsync($"/api/products/{product["id"]}/variants/{product.FirstVariantId()}/stock", new { stock = 35 });
        Assert.Equal(35, (int)(await response.JsonAsync(HttpStatusCode.OK))["stock"]!);
        Assert.Equal(35, await platform.CreateClient().StockAsync((string)product["id"]!));
    }

    [Fact]
    public async Task SetStock_ByAnotherUser_Returns403AndChangesNothing()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 3);
        var stranger = await platform.NewUserAsync();
        var response = await stranger.Http.PutAsJsonAsync($"/api/products/{product["id"]}/variants/{product.FirstVariantId()}/stock", new { stock = 999 });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(3, await platform.CreateClient().StockAsync((string)product["id"]!));
    }

    [Fact]
    public async Task SetStock_Negative_NamesTheField()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync());
        var problem = await (await owner.Http.PutAsJsonAsync($"/api/products/{product["id"]}/variants/{product.FirstVariantId()}/stock", new { stock = -4 })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["stock"]);
    }

    [Fact]
    public async Task UploadImage_AcceptsAPngAndServesIt()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync());
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89];
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "pixel.png");
        form.Add(new StringContent("A red pixel"), "alt");
        var image = await (await owner.Http.PostAsync($"/api/products/{product["id"]}/images", form)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("A red pixel", (string?)image["alt"]);
        var served = await platform.CreateClient().GetAsync((string)image["url"]!);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task UploadImage_ThatIsNotAnImage_IsRejectedEvenWithAnImageContentType()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync());
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("<script>alert(1)</script>"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "evil.png");
        var problem = await (await owner.Http.PostAsync($"/api/products/{product["id"]}/images", form)).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["file"]);
    }

    [Fact]
    public async Task Categories_AreListedInBothLanguages()
    {
        var categories = (await (await platform.CreateClient().GetAsync("/api/categories")).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.Contains(categories, c => (string?)c!["slug"] == "fresh-food" && (string?)c["nameKo"] == "신선식품");
    }
}
