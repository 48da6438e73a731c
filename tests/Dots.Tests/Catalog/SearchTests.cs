using System.Net;
using System.Text.Json.Nodes;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Catalog;

/// <summary>Each test tags its products with a unique made-up word so other tests' products never interfere.</summary>
public sealed class SearchTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private static string Marker() => "zq" + Guid.NewGuid().ToString("N")[..8];

    private async Task<JsonArray> SearchAsync(string query)
    {
        var page = await (await platform.CreateClient().GetAsync("/api/products?" + query)).JsonAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray();
    }

    [Fact]
    public async Task APrefix_FindsTheWholeWord()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var marker = Marker();
        var product = await owner.CreateProductAsync(shop, title: $"Chocolate {marker}");
        var items = await SearchAsync($"q=choc%20{marker}");
        Assert.Equal((string?)product["id"], (string?)Assert.Single(items)!["id"]);
    }

    [Fact]
    public async Task EveryWordMustMatch()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var marker = Marker();
        await owner.CreateProductAsync(shop, title: $"Green tea {marker}");
        await owner.CreateProductAsync(shop, title: $"Black tea {marker}");
        var items = await SearchAsync($"q=green+tea+{marker}");
        Assert.Equal($"Green tea {marker}", (string?)Assert.Single(items)!["title"]);
    }

    [Fact]
    public async Task ATitleMatch_RanksAboveADescriptionMatch()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var marker = Marker();
        await owner.CreateProductAsync(shop, title: $"Mug {marker}", description: "Goes well with hallabong juice and more hallabong");
        await owner.CreateProductAsync(shop, title: $"Hallabong {marker}", description: "Citrus");
        var items = await SearchAsync($"q=hallabong+{marker}");
        Assert.Equal(2, items.Count);
        Assert.Equal($"Hallabong {marker}", (string?)items[0]!["title"]);
    }

    [Fact]
    public async Task KoreanText_IsFoundByAKoreanPrefix()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var marker = Marker();
        var product = await owner.CreateProductAsync(shop, title: $"Tangerines {marker}", titleKo: "제주 감귤 선물세트");
        var items = await SearchAsync($"q={Uri.EscapeDataString("감귤 선물")}+{marker}");
        Assert.Equal((string?)product["id"], (string?)Assert.Single(items)!["id"]);
    }

    [Fact]
    public async Task CategoryAndPriceFilters_NarrowTheResults_AndPriceSortOrdersThem()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var marker = Marker();
        await owner.CreateProductAsync(shop, title: $"Cheap {marker}", price: 1000, category: "home");
        await owner.CreateProductAsync(shop, title: $"Middle {marker}", price: 5000, category: "home");
        await owner.CreateProductAsync(shop, title: $"Dear {marker}", price: 90000, category: "home");
        await owner.CreateProductAsync(shop, title: $"Other {marker}", price: 5000, category: "beauty");

        var home = await SearchAsync($"q={marker}&category=home&sort=price-desc");
        Assert.Equal(["Dear", "Middle", "Cheap"], home.Select(i => ((string)i!["title"]!).Split(' ')[0]).ToArray());
        var band = await SearchAsync($"q={marker}&minPrice=2000&maxPrice=10000&sort=price-asc");
        Assert.Equal(2, band.Count);
        Assert.All(band, i => Assert.Equal(5000m, (decimal)i!["price"]!["amount"]!));
    }

    [Fact]
    public async Task Results_ArePagedWithTotals()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var marker = Marker();
        for (var i = 0; i < 5; i++)
        {
            await owner.CreateProductAsync(shop, title: $"Item {i} {marker}");
        }
        var page = await (await platform.CreateClient().GetAsync($"/api/products?q={marker}&page=2&pageSize=2")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(5, (int)page["total"]!);
        Assert.Equal(2, (int)page["page"]!);
        Assert.Equal(2, (int)page["pageSize"]!);
        Assert.Equal(2, page["items"]!.AsArray().Count);
        var item = page["items"]![0]!;
        Assert.NotNull(item["shopId"]);
        Assert.Equal("KRW", (string?)item["price"]!["currency"]);
    }

    [Fact]
    public async Task EditingATitle_UpdatesTheSearchIndex()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var marker = Marker();
        var product = await owner.CreateProductAsync(shop, title: $"Old name {marker}");
        var response = await owner.Http.PutAsync($"/api/products/{product["id"]}", System.Net.Http.Json.JsonContent.Create(new { title = $"Brand new {marker}", description = "", category = "fresh-food", tags = Array.Empty<string>() }));
        await response.JsonAsync(HttpStatusCode.OK);
        Assert.Empty(await SearchAsync($"q=old+{marker}"));
        Assert.Single(await SearchAsync($"q=brand+{marker}"));
    }

    [Fact]
    public async Task QueryOperators_AreTreatedAsPlainText()
    {
        var items = await SearchAsync("q=" + Uri.EscapeDataString("\"unbalanced OR NEAR( * -- ;"));
        Assert.NotNull(items);
    }

    [Theory]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=1000")]
    [InlineData("page=0")]
    [InlineData("sort=sideways")]
    [InlineData("minPrice=-1")]
    public async Task BadListParameters_Return400NamingTheField(string query)
    {
        var problem = await (await platform.CreateClient().GetAsync("/api/products?" + query)).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]);
    }
}
