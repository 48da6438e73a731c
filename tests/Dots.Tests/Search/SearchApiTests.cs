using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Search;

/// <summary>
/// GET /api/products?q= and /api/search/suggest through the whole app, on the provider DOTS_TEST_PROVIDER names. Each
/// test tags its products with a made-up Latin word so other tests' products never interfere (the Latin word and the
/// Korean query are separate terms that must both match).
/// </summary>
public sealed class SearchApiTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private static string Marker() => "zq" + Guid.NewGuid().ToString("N")[..8];

    private async Task<List<string>> TitlesAsync(string query)
    {
        var page = await (await platform.CreateClient().GetAsync("/api/products?q=" + Uri.EscapeDataString(query))).JsonAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().Select(i => (string)i!["title"]!).ToList();
    }

    private async Task<(UserClient Owner, string Shop, string Marker)> ShopAsync()
    {
        var owner = await platform.NewUserAsync();
        return (owner, await owner.OpenShopAsync(), Marker());
    }

    [Fact]
    public async Task KoreanSubWords_Syllables_AndSpacingVariants_FindTheCompound()
    {
        var (owner, shop, m) = await ShopAsync();
        await owner.CreateProductAsync(shop, title: $"Tangerines {m}", titleKo: "제주 감귤");
        await owner.CreateProductAsync(shop, title: $"Kimchi Jar {m}", titleKo: "옹기 김치통", category: "kitchen");
        await owner.CreateProductAsync(shop, title: $"Sweet Potatoes {m}", titleKo: "꿀고구마");
        foreach (var (query, expected) in new[]
        {
            ("고구마", "Sweet Potatoes"), ("귤", "Tangerines"), ("제주귤", "Tangerines"), ("제주 귤", "Tangerines"),
            ("김치 통", "Kimchi Jar"), ("김치통", "Kimchi Jar"), ("옹기김치통", "Kimchi Jar"),
        })
        {
            var titles = await TitlesAsync($"{query} {m}");
            Assert.True(titles.Count > 0 && titles[0] == $"{expected} {m}", $"'{query}' found [{string.Join(", ", titles)}]");
        }
    }

    [Fact]
    public async Task TyposInBothScripts_AndSynonymsAcrossLanguages_FindTheProduct()
    {
        var (owner, shop, m) = await ShopAsync();
        await owner.CreateProductAsync(shop, title: $"Jeju Tangerines {m}", titleKo: "제주 감귤");
        await owner.CreateProductAsync(shop, title: $"Green Tea Serum {m}", titleKo: "녹차 세럼", category: "beauty");
        await owner.CreateProductAsync(shop, title: $"Onggi Kimchi Jar {m}", titleKo: "옹기 김치통", category: "kitchen");
        foreach (var (query, expected) in new[]
        {
            ("tangerien", "Jeju Tangerines"), ("serun", "Green Tea Serum"), ("갑귤", "Jeju Tangerines"), ("셰럼", "Green Tea Serum"),
            ("kimchi pot", "Onggi Kimchi Jar"), ("김치 용기", "Onggi Kimchi Jar"), ("mandarin", "Jeju Tangerines"), ("차", "Green Tea Serum"),
        })
        {
            var titles = await TitlesAsync($"{query} {m}");
            Assert.True(titles.Count > 0 && titles[0] == $"{expected} {m}", $"'{query}' found [{string.Join(", ", titles)}]");
        }
    }

    [Fact]
    public async Task AnExactTitleMatch_RanksAboveATypoMatch_AndAFragment()
    {
        var (owner, shop, m) = await ShopAsync();
        await owner.CreateProductAsync(shop, title: $"Serums Sampler {m}", category: "beauty");
        await owner.CreateProductAsync(shop, title: $"Serum {m}", category: "beauty");
        await owner.CreateProductAsync(shop, title: $"Serun Cream {m}", category: "beauty");
        var titles = await TitlesAsync($"serum {m}");
        Assert.Equal([$"Serum {m}", $"Serums Sampler {m}"], titles); // the whole word first; no typo noise when the word exists
        Assert.Equal([$"Serun Cream {m}"], await TitlesAsync($"serun {m}"));
    }

    [Fact]
    public async Task ANonsenseQuery_FindsNothing_AndWildcardsAndOperatorsAreJustText()
    {
        var (owner, shop, m) = await ShopAsync();
        await owner.CreateProductAsync(shop, title: $"100% Cotton_Towel {m}", titleKo: "순면 타월");
        foreach (var query in new[] { "qxzvwjk", "뷁쀍", "%", "_", "\\", "\"", "*", "\"\"=\"", "NEAR(zzq zzv)", "%%%", "_%_", "'--", "\\%\\_" })
        {
            var response = await platform.CreateClient().GetAsync("/api/products?q=" + Uri.EscapeDataString(query));
            var page = await response.JsonAsync(HttpStatusCode.OK);
            Assert.True((int)page["total"]! == 0, $"'{query}' matched {(int)page["total"]!} products");
        }
        Assert.Single(await TitlesAsync($"cotton_towel {m}"));
        Assert.Single(await TitlesAsync($"100% {m}"));
    }

    [Fact]
    public async Task Suggestions_OfferProductsAndCategoriesAsTheUserTypes_AndDidYouMeanWhenNothingMatches()
    {
        var (owner, shop, m) = await ShopAsync();
        await owner.CreateProductAsync(shop, title: $"Yuzu Marmalade {m}", titleKo: "유자 마멀레이드");
        var client = platform.CreateClient();
        var typed = await (await client.GetAsync($"/api/search/suggest?q={Uri.EscapeDataString("유자 " + m)}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal($"Yuzu Marmalade {m}", (string?)typed["products"]![0]!["title"]);
        Assert.NotNull(typed["products"]![0]!["price"]);
        var category = await (await client.GetAsync($"/api/search/suggest?q={Uri.EscapeDataString("신선")}")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(category["categories"]!.AsArray(), c => (string?)c!["slug"] == "fresh-food");
        var typo = await (await client.GetAsync("/api/search/suggest?q=yazu")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(typo["products"]!.AsArray());
        Assert.Equal("yuzu", (string?)typo["didYouMean"]);
        await (await client.GetAsync("/api/search/suggest?q=" + new string('a', 201))).JsonAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnEditedOrUnpublishedProduct_IsSearchedAsItIsNow()
    {
        var (owner, shop, m) = await ShopAsync();
        var product = await owner.CreateProductAsync(shop, title: $"Old name {m}", titleKo: "옛 이름");
        var response = await owner.Http.PutAsJsonAsync($"/api/products/{product["id"]}", new { title = $"Brand new {m}", titleKo = "새 감귤", description = "", category = "fresh-food", tags = Array.Empty<string>() });
        await response.JsonAsync(HttpStatusCode.OK);
        Assert.Empty(await TitlesAsync($"old {m}"));
        Assert.Single(await TitlesAsync($"귤 {m}"));
        await (await owner.Http.PostAsync($"/api/products/{product["id"]}/unpublish", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(await TitlesAsync($"brand {m}"));
    }

    [Fact]
    public async Task Operators_MaintainTheSynonymList_AndSearchUsesItAtOnce()
    {
        var (owner, shop, m) = await ShopAsync();
        await owner.CreateProductAsync(shop, title: $"Quince Tea {m}", titleKo: "모과차");
        Assert.Empty(await TitlesAsync($"cydonia {m}"));

        var customer = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.Http.PostAsJsonAsync("/api/ops/search/synonyms", new { terms = new[] { "cydonia", "quince" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.Http.GetAsync("/api/ops/search/synonyms")).StatusCode);

        var op = await OperatorAsync();
        var created = await (await op.Http.PostAsJsonAsync("/api/ops/search/synonyms", new { terms = new[] { "Cydonia", "quince", "모과" } })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(["cydonia", "quince", "모과"], created["terms"]!.AsArray().Select(t => (string)t!).ToArray());
        Assert.Single(await TitlesAsync($"cydonia {m}"));

        var list = await (await op.Http.GetAsync("/api/ops/search/synonyms")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(list.AsArray(), g => g!["terms"]!.AsArray().Any(t => (string?)t == "jar")); // the shipped list
        var bad = await (await op.Http.PostAsJsonAsync("/api/ops/search/synonyms", new { terms = new[] { "alone" } })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["terms"]);
        await (await op.Http.PutAsJsonAsync($"/api/ops/search/synonyms/{created["id"]}", new { terms = new[] { "membrillo", "quince" } })).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(await TitlesAsync($"cydonia {m}"));
        Assert.Single(await TitlesAsync($"membrillo {m}"));
        Assert.Equal(HttpStatusCode.NoContent, (await op.Http.DeleteAsync($"/api/ops/search/synonyms/{created["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await op.Http.DeleteAsync($"/api/ops/search/synonyms/{created["id"]}")).StatusCode);
        Assert.Empty(await TitlesAsync($"membrillo {m}"));
    }

    private async Task<UserClient> OperatorAsync()
    {
        var user = await platform.NewUserAsync();
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().GrantAsync(user.Email, Roles.Operator, CancellationToken.None);
        }
        var login = await (await platform.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = UserClient.Password })).JsonAsync(HttpStatusCode.OK);
        var client = platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);
        return new UserClient(user.Email, client);
    }
}
