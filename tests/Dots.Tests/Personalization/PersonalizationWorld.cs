using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Modules.Personalization;
using Dots.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Personalization;

/// <summary>
/// A platform of its own (training reads every order in the database) with a small marketplace and an order history
/// that has clear co-purchases: fresh food in shop A goes with crafts in shop B; everyone buys A's "staple" twice.
/// The customer <see cref="Owner"/> owns shop D, whose product others buy, and bought A0 once.
/// </summary>
public sealed class PersonalizationPlatform : DotsFactory
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private World? _world;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // Tests drive syncing themselves; the poller still runs but rarely.
        ["Personalization:PollInterval"] = "00:10:00",
        ["Personalization:CatalogRefresh"] = "00:10:00",
        ["Personalization:ProfileCacheLife"] = "00:00:03",
    };

    public async Task<World> WorldAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _world ??= await World.BuildAsync(this);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Re-reads the catalog and loads the newest live model on this instance (what the poller does).</summary>
    public async Task SyncAsync()
    {
        await Services.GetRequiredService<CatalogView>().RefreshAsync(CancellationToken.None);
        await Services.GetRequiredService<ModelHost>().SyncAsync(CancellationToken.None);
    }

    public async Task<TrainingResult> TrainAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ModelTrainer>().TrainAsync(CancellationToken.None);
        await SyncAsync();
        return result;
    }
}

public sealed record Shop(UserClient Seller, string Id, string[] Products, string[] Variants);

public sealed class World
{
    public required Shop A { get; init; }
    public required Shop B { get; init; }
    public required Shop C { get; init; }
    public required Shop D { get; init; }
    public required UserClient Owner { get; init; }
    public required string OwnerId { get; init; }

    public static async Task<World> BuildAsync(PersonalizationPlatform platform)
    {
        var a = await ShopAsync(platform, "A", "fresh-food", ["Jeju Tangerines", "Napa Cabbage", "Staple Rice", "Sweet Potatoes", "Green Tea", "Shine Muscat"],
            ["제주 감귤", "배추", "쌀", "꿀고구마", "녹차", "샤인머스캣"]);
        var b = await ShopAsync(platform, "B", "crafts", ["Hanji Lamp", "Paper Notebook", "Wooden Spoon", "Clay Cup", "Knot Bracelet", "Brass Bowl"],
            ["한지 조명", "종이 노트", "나무 숟가락", "흙 컵", "매듭 팔찌", "놋그릇"]);
        var c = await ShopAsync(platform, "C", "fresh-food", ["Hallabong", "Persimmons", "Chestnuts", "Pears", "Apples", "Plums"],
            ["한라봉", "감", "밤", "배", "사과", "자두"]);
        var owner = await platform.NewUserAsync();
        var ownerId = (string)(await (await owner.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK))["id"]!;
        var d = await ShopAsync(platform, "D", "fresh-food", ["Owner's Honey", "Owner's Jam"], ["꿀", "잼"], owner);

        // Nine history buyers; three tastes. Everyone buys A2 (a staple) in two orders.
        for (var i = 0; i < 9; i++)
        {
            var buyer = await platform.NewUserAsync();
            var t = i % 3;
            await BuyAsync(buyer, a.Variants[t], b.Variants[t], a.Variants[2]);
            await BuyAsync(buyer, c.Variants[t], d.Variants[0], a.Variants[2]);
            await BuyAsync(buyer, a.Variants[t], b.Variants[t + 3]);
        }
        await BuyAsync(owner, a.Variants[0]);
        await platform.TrainAsync();
        return new World { A = a, B = b, C = c, D = d, Owner = owner, OwnerId = ownerId };
    }

    public static async Task BuyAsync(UserClient buyer, params string[] variants)
    {
        var body = new
        {
            items = variants.Select(v => new { variantId = v, quantity = 1 }).ToArray(),
            shippingAddress = Api.Address,
            payment = new { method = "card", cardNumber = Api.ApprovedCard },
        };
        await (await buyer.PlaceOrderAsync(body)).JsonAsync(HttpStatusCode.Created);
    }

    private static async Task<Shop> ShopAsync(PersonalizationPlatform platform, string name, string category, string[] titles, string[] titlesKo, UserClient? seller = null)
    {
        seller ??= await platform.NewUserAsync();
        var shopId = await seller.OpenShopAsync("Shop " + name);
        var products = new List<string>();
        var variants = new List<string>();
        for (var i = 0; i < titles.Length; i++)
        {
            var p = await seller.CreateProductAsync(shopId, titles[i], stock: 500, category: category, titleKo: titlesKo[i]);
            products.Add((string)p["id"]!);
            variants.Add(p.FirstVariantId());
        }
        return new Shop(seller, shopId, [.. products], [.. variants]);
    }
}

public static class RecsApi
{
    public static async Task<JsonNode> GetListAsync(this HttpClient http, string url, string language = "en", string? session = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Accept-Language", language);
        if (session is not null)
        {
            request.Headers.Add(SessionIds.Header, session);
        }
        return await (await http.SendAsync(request)).JsonAsync(HttpStatusCode.OK);
    }

    public static IReadOnlyList<JsonNode> Items(this JsonNode list) => [.. list["items"]!.AsArray().Select(i => i!)];

    public static IReadOnlyList<string> Ids(this JsonNode list) => [.. list.Items().Select(i => (string)i["id"]!)];

    public static Task<HttpResponseMessage> SetPersonalizationAsync(this UserClient user, bool enabled) =>
        user.Http.PutAsJsonAsync("/api/me/personalization", new { enabled });
}
