using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dots.Modules.Demand;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Demand;

public sealed class DemandApiTests(DemandPlatform platform) : IClassFixture<DemandPlatform>
{
    private async Task<(UserClient Owner, string ShopId, string ProductId, string VariantId)> ShopWithProductAsync(int stock = 10)
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shopId, stock: stock);
        return (owner, shopId, (string)product["id"]!, product.FirstVariantId());
    }

    [Fact]
    public async Task Ingest_KeepsTheGoodEvents_AndRejectsEachBadOneWithItsReason()
    {
        var (owner, shopId, productId, _) = await ShopWithProductAsync();
        var session = "s-" + Guid.NewGuid().ToString("N");
        var anon = platform.CreateClient();
        var response = await anon.PostAsJsonAsync("/api/events", new
        {
            events = new object[]
            {
                new { type = "view", productId, sessionId = session },
                new { type = "search", query = "  Purple   Teapot ", resultCount = 0, sessionId = session },
                new { type = "teleport", productId, sessionId = session },
                new { type = "purchase", productId, sessionId = session },
                new { type = "view", sessionId = session },
                new { type = "view", productId = "nope", sessionId = session },
                new { type = "search", query = "tea", sessionId = session },
                new { type = "view", productId },
                new { type = "cart", productId, quantity = 2, sessionId = session },
                new { type = "view", productId, sessionId = session, at = "yesterday-ish" },
            },
        });
        var body = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(3, (int)body["accepted"]!);
        var rejected = body["rejected"]!.AsArray().Select(r => ((int)r!["index"]!, (string)r["reason"]!)).ToList();
        Assert.Equal([2, 3, 4, 5, 6, 7, 9], rejected.Select(r => r.Item1).ToArray());
        Assert.Equal("unknown event type 'teleport'", rejected[0].Item2);
        Assert.Contains("recorded by the server", rejected[1].Item2);
        Assert.Contains("productId is required", rejected[2].Item2);
        Assert.Contains("unknown product 'nope'", rejected[3].Item2);
        Assert.Contains("resultCount", rejected[4].Item2);
        Assert.Contains("sessionId is required", rejected[5].Item2);
        Assert.Contains("ISO 8601", rejected[6].Item2);

        var demand = await (await owner.Http.GetAsync($"/api/shops/{shopId}/demand?granularity=hour")).JsonAsync(HttpStatusCode.OK);
        var p = demand["products"]!.AsArray().Single(x => (string?)x!["productId"] == productId)!;
        Assert.Equal(1, (int)p["totals"]!["views"]!);
        Assert.Equal(1, (int)p["totals"]!["carts"]!);
        Assert.Equal(0, (int)p["totals"]!["purchases"]!);
        Assert.Equal("KRW", (string?)p["totals"]!["revenue"]!["currency"]);
        Assert.NotNull(p["totals"]!["conversion"]);
        Assert.Contains(p["series"]!.AsArray(), s => (int)s!["views"]! == 1 && s["at"] is not null && s["units"] is not null);
        Assert.NotNull(p["forecast"]);

        // The anonymous search is kept under the session only, its text normalised; the listener heard the accepted signals
        // (listeners run after the durable write, off the request, so they are waited for).
        var search = Assert.Single(await platform.EventsAsync(e => e.SessionId == session && e.Type == "search"));
        Assert.Equal("purple teapot", search.Query);
        Assert.Null(search.UserId);
        await Eventually.UntilAsync(() => RecordingSignalListener.Seen.Count(s => s.SessionId == session) >= 3, "the listener hears the three accepted signals");
        Assert.Equal(3, RecordingSignalListener.Seen.Count(s => s.SessionId == session));
    }

    [Fact]
    public async Task SignedInEvents_CarryTheUserId_AndNoSessionId()
    {
        var (_, _, productId, _) = await ShopWithProductAsync();
        var user = await platform.NewUserAsync();
        var session = "s-" + Guid.NewGuid().ToString("N");
        var body = await (await user.Http.PostAsJsonAsync("/api/events", new { events = new[] { new { type = "view", productId, sessionId = session } } })).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(1, (int)body["accepted"]!);
        var row = Assert.Single(await platform.EventsAsync(e => e.ProductId == productId && e.Type == "view"));
        Assert.NotNull(row.UserId);
        Assert.Null(row.SessionId);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"events\": 3}")]
    [InlineData("{}")]
    [InlineData("not json")]
    public async Task ABodyThatIsNotABatch_Is400(string body)
    {
        var response = await platform.CreateClient().PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ShopDemand_IsForTheOwnerOnly_404ForOthers()
    {
        var (owner, shopId, _, _) = await ShopWithProductAsync();
        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/shops/{shopId}/demand")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/shops/{shopId}/demand/suggestions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/shops/nope/demand")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().GetAsync($"/api/shops/{shopId}/demand")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Http.GetAsync($"/api/shops/{shopId}/demand?granularity=week")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/shops/{shopId}/demand?granularity=day")).StatusCode);
    }

    [Fact]
    public async Task APaidOrder_CountsAsPurchaseUnitsAndRevenue_AndItsCancellationTakesThemBack()
    {
        var (owner, shopId, productId, variantId) = await ShopWithProductAsync(stock: 5);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2))).JsonAsync(HttpStatusCode.Created);

        async Task<(long Purchases, long Units, decimal Revenue)> TotalsAsync()
        {
            var rows = (await platform.ProductRollupsAsync(shopId)).Where(r => r.Span == Buckets.Day).ToList();
            return (rows.Sum(r => r.Purchases), rows.Sum(r => r.Units), rows.Sum(r => r.RevenueScaled) / 10_000m);
        }
        await Eventually.UntilAsync(async () => (await TotalsAsync()).Units == 2, "the purchase in the roll-ups");
        Assert.Equal((1L, 2L, 25800m), await TotalsAsync());

        var demand = await (await owner.Http.GetAsync($"/api/shops/{shopId}/demand")).JsonAsync(HttpStatusCode.OK);
        var p = demand["products"]!.AsArray().Single(x => (string?)x!["productId"] == productId)!;
        Assert.Equal(25800m, (decimal)p["totals"]!["revenue"]!["amount"]!);

        (await buyer.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => (await TotalsAsync()).Units == 0, "the cancellation in the roll-ups");
        Assert.Equal((0L, 0L, 0m), await TotalsAsync());
    }
}
