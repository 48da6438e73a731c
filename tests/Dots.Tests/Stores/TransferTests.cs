using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Stores;

/// <summary>Inventory transfers between locations with in-transit stock (send, receive, cancel), each step once.</summary>
public sealed class TransferTests(StoresPlatform platform) : IClassFixture<StoresPlatform>
{
    private sealed record Setup(UserClient Owner, string Shop, string ProductId, string Variant, string A, string B);

    private async Task<Setup> SetupAsync(int total = 10, int atA = 3)
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop, stock: total);
        var variant = product.FirstVariantId();
        var a = await StoresPlatform.CreateStoreAsync(owner, shop, "Store A");
        var b = await StoresPlatform.CreateStoreAsync(owner, shop, "Store B", 37.5347, 127.0003);
        // Move units from the online centre to A, so the total stays `total`.
        await StoresPlatform.SetStockAsync(owner, shop, variant, total - atA);
        await StoresPlatform.SetStockAsync(owner, a, variant, atA);
        return new Setup(owner, shop, (string)product["id"]!, variant, a, b);
    }

    private static Task<HttpResponseMessage> SendAsync(UserClient user, string from, string to, string variant, int quantity) =>
        user.Http.PostAsJsonAsync($"/api/locations/{from}/transfers", new { toLocationId = to, variantId = variant, quantity, note = "restock" });

    private static async Task<int> AtAsync(UserClient owner, string location, string variant)
    {
        var body = await (await owner.Http.GetAsync($"/api/locations/{location}/stock")).JsonAsync(HttpStatusCode.OK);
        return body["items"]!.AsArray().Where(i => (string)i!["variantId"]! == variant).Select(i => (int)i!["stock"]!).FirstOrDefault();
    }

    [Fact]
    public async Task Sent_UnitsLeaveTheSourceAndAreInTransit_Received_TheyArriveOnce()
    {
        var s = await SetupAsync();
        var staffB = await platform.NewUserAsync();
        await (await s.Owner.Http.PostAsJsonAsync($"/api/locations/{s.B}/staff", new { email = staffB.Email })).JsonAsync(HttpStatusCode.Created);

        var sent = await (await SendAsync(s.Owner, s.A, s.B, s.Variant, 2)).JsonAsync(HttpStatusCode.Created);
        var id = (string)sent["id"]!;
        Assert.Equal("InTransit", (string)sent["status"]!);
        Assert.Equal("Store B", (string)sent["toName"]!);
        Assert.Equal(1, await AtAsync(s.Owner, s.A, s.Variant));
        Assert.Equal(0, await AtAsync(s.Owner, s.B, s.Variant));
        // In transit: not at any location, not for sale.
        Assert.Equal(8, await s.Owner.Http.StockAsync(s.ProductId));
        var atB = await (await staffB.Http.GetAsync($"/api/locations/{s.B}/transfers")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)atB["unitsInTransitIn"]!);
        Assert.Equal(id, (string)atB["incoming"]![0]!["id"]!);

        // Five racing receives by B's staff: the units arrive once.
        var receives = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => staffB.Http.PostAsync($"/api/transfers/{id}/receive", null)));
        Assert.All(receives, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, await AtAsync(s.Owner, s.B, s.Variant));
        Assert.Equal(1, await AtAsync(s.Owner, s.A, s.Variant));
        Assert.Equal(10, await s.Owner.Http.StockAsync(s.ProductId));
        Assert.Equal(HttpStatusCode.Conflict, (await s.Owner.Http.PostAsync($"/api/transfers/{id}/cancel", null)).StatusCode);
        var done = await (await s.Owner.Http.GetAsync($"/api/transfers/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Received", (string)done["status"]!);

        // The audit trail of both stores keeps the moves.
        var trailA = await (await s.Owner.Http.GetAsync($"/api/locations/{s.A}/stock")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(trailA["movements"]!.AsArray(), m => (string)m!["kind"]! == "transfer-out");
        var trailB = await (await s.Owner.Http.GetAsync($"/api/locations/{s.B}/stock")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(trailB["movements"]!.AsArray(), m => (string)m!["kind"]! == "transfer-in");
    }

    [Fact]
    public async Task Cancelled_TheUnitsGoBackToTheSource_AndItCannotBeReceivedAfterwards()
    {
        var s = await SetupAsync();
        var id = (string)(await (await SendAsync(s.Owner, s.A, s.B, s.Variant, 3)).JsonAsync(HttpStatusCode.Created))["id"]!;
        Assert.Equal(0, await AtAsync(s.Owner, s.A, s.Variant));
        Assert.Equal(7, await s.Owner.Http.StockAsync(s.ProductId));

        var cancels = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => s.Owner.Http.PostAsync($"/api/transfers/{id}/cancel", null)));
        Assert.All(cancels, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(3, await AtAsync(s.Owner, s.A, s.Variant));
        Assert.Equal(0, await AtAsync(s.Owner, s.B, s.Variant));
        Assert.Equal(10, await s.Owner.Http.StockAsync(s.ProductId));
        Assert.Equal(HttpStatusCode.Conflict, (await s.Owner.Http.PostAsync($"/api/transfers/{id}/receive", null)).StatusCode);
    }

    [Fact]
    public async Task RacingSends_NeverTakeMoreThanTheSourceHolds_AndTheCentreCanSendToo()
    {
        var s = await SetupAsync(total: 10, atA: 3);
        var sends = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync(s.Owner, s.A, s.B, s.Variant, 2)));
        Assert.Single(sends, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(sends.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await AtAsync(s.Owner, s.A, s.Variant));
        Assert.Equal(8, await s.Owner.Http.StockAsync(s.ProductId));

        // The online centre (id = the shop's id) holds 10 - 3 = 7: it can send 7, not 8.
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(s.Owner, s.Shop, s.B, s.Variant, 8)).StatusCode);
        var fromCentre = (string)(await (await SendAsync(s.Owner, s.Shop, s.B, s.Variant, 7)).JsonAsync(HttpStatusCode.Created))["id"]!;
        Assert.Equal(1, await s.Owner.Http.StockAsync(s.ProductId));
        await (await s.Owner.Http.PostAsync($"/api/transfers/{fromCentre}/receive", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(7, await AtAsync(s.Owner, s.B, s.Variant));
        Assert.Equal(8, await s.Owner.Http.StockAsync(s.ProductId));
    }

    [Fact]
    public async Task RacingSendsFromTheOnlineCentre_NeverTakeMoreThanItHolds_SoNoLocationGoesNegative()
    {
        // The centre holds 10 - 4 = 6 of 10; eight sends of 2 race for them: exactly three can be served.
        var s = await SetupAsync(total: 10, atA: 4);
        using var start = new SemaphoreSlim(0);
        var running = Enumerable.Range(0, 8).Select(async i =>
        {
            await start.WaitAsync();
            return await SendAsync(s.Owner, s.Shop, i % 2 == 0 ? s.A : s.B, s.Variant, 2);
        }).ToList();
        start.Release(running.Count);
        var sends = await Task.WhenAll(running);

        Assert.Equal(3, sends.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(sends.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        // Sellable: A's 4; in transit: 6; the centre: 0, not below.
        Assert.Equal(4, await s.Owner.Http.StockAsync(s.ProductId));
        Assert.Equal(4, await AtAsync(s.Owner, s.A, s.Variant));
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(s.Owner, s.Shop, s.B, s.Variant, 1)).StatusCode);
        var transfers = await (await s.Owner.Http.GetAsync($"/api/locations/{s.Shop}/transfers")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(6, (int)transfers["unitsInTransitOut"]!);
    }

    [Fact]
    public async Task OnlyTheEndsStaffMayAct_OthersAre403Or404_AndBadRequestsAre400()
    {
        var s = await SetupAsync();
        var staffA = await platform.NewUserAsync();
        await (await s.Owner.Http.PostAsJsonAsync($"/api/locations/{s.A}/staff", new { email = staffA.Email })).JsonAsync(HttpStatusCode.Created);
        var stranger = await platform.NewUserAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(stranger, s.A, s.B, s.Variant, 1)).StatusCode);
        // A's staff can send from A, not from B.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(staffA, s.B, s.A, s.Variant, 1)).StatusCode);
        var id = (string)(await (await SendAsync(staffA, s.A, s.B, s.Variant, 1)).JsonAsync(HttpStatusCode.Created))["id"]!;
        // A's staff see it but cannot receive it at B; a stranger does not learn it exists.
        await (await staffA.Http.GetAsync($"/api/transfers/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.Http.PostAsync($"/api/transfers/{id}/receive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/transfers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsync($"/api/transfers/{id}/receive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.GetAsync($"/api/locations/{s.A}/transfers")).StatusCode);

        var same = await (await SendAsync(s.Owner, s.A, s.A, s.Variant, 1)).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(same["errors"]!["toLocationId"]);
        var otherOwner = await platform.NewUserAsync();
        var otherShop = await otherOwner.OpenShopAsync();
        var foreign = await StoresPlatform.CreateStoreAsync(otherOwner, otherShop, "Foreign");
        Assert.NotNull((await (await SendAsync(s.Owner, s.A, foreign, s.Variant, 1)).JsonAsync(HttpStatusCode.BadRequest))["errors"]!["toLocationId"]);
        var zero = await (await SendAsync(s.Owner, s.A, s.B, s.Variant, 0)).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(zero["errors"]!["quantity"]);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Owner.Http.PostAsync("/api/transfers/nope/receive", null)).StatusCode);
    }
}
