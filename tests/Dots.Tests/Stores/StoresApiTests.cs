using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Stores;
using Dots.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Stores;

public sealed class StoresApiTests(StoresPlatform platform) : IClassFixture<StoresPlatform>
{
    [Fact]
    public async Task AStoresStock_AddsToTheVariantsTotal_AndAvailabilityIsNearestFirst()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop, stock: 10);
        var variant = product.FirstVariantId();
        var seongsu = await StoresPlatform.CreateStoreAsync(owner, shop, "Seongsu", 37.5446, 127.0557);
        var gangnam = await StoresPlatform.CreateStoreAsync(owner, shop, "Gangnam", 37.5006, 127.0364);
        var set = await StoresPlatform.SetStockAsync(owner, seongsu, variant, 4);
        Assert.Equal(14, (int)set["variantStock"]!);
        await StoresPlatform.SetStockAsync(owner, gangnam, variant, 2);
        Assert.Equal(16, await owner.Http.StockAsync((string)product["id"]!));
        // The online centre (its id is the shop's) keeps its 10; setting it to 7 leaves the stores alone.
        Assert.Equal(13, (int)(await StoresPlatform.SetStockAsync(owner, shop, variant, 7))["variantStock"]!);

        var near = await (await platform.CreateClient().GetAsync($"/api/products/{product["id"]}/availability?latitude=37.5010&longitude=127.0370")).JsonAsync(HttpStatusCode.OK);
        var names = near["locations"]!.AsArray().Select(l => (string)l!["name"]!).ToList();
        Assert.Equal(new[] { "Gangnam", "Seongsu", "Online centre" }, names);
        Assert.Equal(2, (int)near["locations"]![0]!["stock"]!);
        Assert.Equal(7, (int)near["locations"]![2]!["stock"]!);
        Assert.NotNull(near["locations"]![0]!["pickupReadyBy"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.CreateClient().GetAsync($"/api/products/{product["id"]}/availability?latitude=123&longitude=0")).StatusCode);

        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.PutAsJsonAsync($"/api/locations/{seongsu}/stock/{variant}", new { stock = 1 })).StatusCode);
        var badHours = await owner.Http.PostAsJsonAsync($"/api/shops/{shop}/locations", new { name = "X", address = "Y", latitude = 37.0, longitude = 127.0, openingHours = new[] { new { day = "funday", open = "25:00", close = "10:00" } } });
        var problem = await badHours.JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["openingHours[0].day"]);
    }

    [Fact]
    public async Task APickupOrder_TakesFromThatStoreOnly_CarriesACode_AndIsHandedOverByCode()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop, stock: 20);
        var variant = product.FirstVariantId();
        var store = await StoresPlatform.CreateStoreAsync(owner, shop);
        await StoresPlatform.SetStockAsync(owner, store, variant, 2);
        var buyer = await platform.NewUserAsync();

        // Three at a store holding two is 409, though the shop holds 22 in all; nothing is charged.
        var tooMany = await buyer.PlaceOrderAsync(StoresPlatform.PickupOrder(variant, store, 3), "k-many");
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        Assert.Equal(22, await owner.Http.StockAsync((string)product["id"]!));

        var order = await (await buyer.PlaceOrderAsync(StoresPlatform.PickupOrder(variant, store, 2), "k-ok")).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)order["id"]!;
        var code = (string)order["pickupCode"]!;
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Equal("pickup", (string)order["fulfilment"]!["type"]!);
        Assert.Equal(20, await owner.Http.StockAsync((string)product["id"]!));
        var stock = await (await owner.Http.GetAsync($"/api/locations/{store}/stock")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)stock["items"]![0]!["stock"]!);

        var queue = await (await owner.Http.GetAsync($"/api/locations/{store}/pickups")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(orderId, (string)queue[0]!["orderId"]!);
        Assert.Null(queue[0]!["code"]);
        await (await owner.Http.PostAsync($"/api/locations/{store}/pickups/{orderId}/ready", null)).JsonAsync(HttpStatusCode.OK);
        var mine = await (await buyer.Http.GetAsync($"/api/orders/{orderId}/pickup")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Ready", (string)mine["status"]!);
        Assert.Equal(code, (string)mine["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/orders/{orderId}/pickup")).StatusCode);

        var wrong = code == "000000" ? "111111" : "000000";
        Assert.Equal(HttpStatusCode.Conflict, (await owner.Http.PostAsJsonAsync($"/api/locations/{store}/pickups/{orderId}/handover", new { code = wrong })).StatusCode);
        var handed = await (await owner.Http.PostAsJsonAsync($"/api/locations/{store}/pickups/{orderId}/handover", new { code })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("HandedOver", (string)handed["status"]!);
    }

    [Fact]
    public async Task StoreStaff_ManageTheirStoresQueueAndCounts_AndNothingElse()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop, stock: 5);
        var variant = product.FirstVariantId();
        var mine = await StoresPlatform.CreateStoreAsync(owner, shop, "Mine");
        var other = await StoresPlatform.CreateStoreAsync(owner, shop, "Other");
        var staff = await platform.NewUserAsync();
        await (await owner.Http.PostAsJsonAsync($"/api/locations/{mine}/staff", new { email = staff.Email })).JsonAsync(HttpStatusCode.Created);

        await StoresPlatform.SetStockAsync(staff, mine, variant, 3);
        await (await staff.Http.GetAsync($"/api/locations/{mine}/pickups")).JsonAsync(HttpStatusCode.OK);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(StoresPlatform.PickupOrder(variant, mine), "s1")).JsonAsync(HttpStatusCode.Created);
        await (await staff.Http.PostAsync($"/api/locations/{mine}/pickups/{order["id"]}/ready", null)).JsonAsync(HttpStatusCode.OK);
        await (await staff.Http.PostAsJsonAsync($"/api/locations/{mine}/pickups/{order["id"]}/handover", new { code = (string)order["pickupCode"]! })).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PutAsJsonAsync($"/api/locations/{other}/stock/{variant}", new { stock = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync($"/api/locations/{other}/pickups")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PutAsJsonAsync($"/api/locations/{shop}/stock/{variant}", new { stock = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsJsonAsync($"/api/shops/{shop}/locations", new { name = "X", address = "Y", latitude = 37.0, longitude = 127.0 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsJsonAsync($"/api/locations/{mine}/staff", new { email = buyer.Email })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync($"/api/shops/{shop}/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PutAsJsonAsync($"/api/products/{product["id"]}/variants/{variant}/stock", new { stock = 50 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync($"/api/shops/{shop}/bookings")).StatusCode);
    }

    [Fact]
    public async Task AnUncollectedPickup_Expires_ReturningItsStockAndRefundingOnce()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop, stock: 10);
        var productId = (string)product["id"]!;
        var variant = product.FirstVariantId();
        var store = await StoresPlatform.CreateStoreAsync(owner, shop);
        await StoresPlatform.SetStockAsync(owner, store, variant, 3);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(StoresPlatform.PickupOrder(variant, store, 2), "e1")).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)order["id"]!;
        Assert.Equal(11, await owner.Http.StockAsync(productId));

        // Nothing expires before its time; four sweeps racing after it expire it once.
        Assert.Equal(0, await platform.Sweeper.SweepAsync(CancellationToken.None));
        platform.Clock.Offset = TimeSpan.FromDays(4);
        var swept = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => platform.Sweeper.SweepAsync(CancellationToken.None))));
        platform.Clock.Offset = TimeSpan.Zero;
        Assert.True(swept.Sum() >= 1); // other tests of this class leave pickups waiting too
        Assert.Equal(0, await platform.Sweeper.SweepAsync(CancellationToken.None));

        Assert.Equal(13, await owner.Http.StockAsync(productId));
        var stock = await (await owner.Http.GetAsync($"/api/locations/{store}/stock")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, (int)stock["items"]![0]!["stock"]!);
        var placed = await (await buyer.Http.GetAsync($"/api/orders/{orderId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains((string)placed["status"]!, new[] { "Cancelled", "Refunded" });
        Assert.Single(placed["payments"]!.AsArray(), p => (string)p!["kind"]! == "refund");
        var pickup = await (await buyer.Http.GetAsync($"/api/orders/{orderId}/pickup")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Expired", (string)pickup["status"]!);
        // The cancel's event handler (at least once) must not return the units a second time.
        using (var scope = platform.Services.CreateScope())
        {
            var handler = new RestoreStoreStockOnCancel(scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Database.DotsDbContext>(), platform.Clock);
            await handler.HandleAsync(new Dots.Modules.Ordering.OrderCancelled(orderId, "buyer", "test", [], DateTimeOffset.UtcNow), CancellationToken.None);
        }
        Assert.Equal(3, (int)(await (await owner.Http.GetAsync($"/api/locations/{store}/stock")).JsonAsync(HttpStatusCode.OK))["items"]![0]!["stock"]!);
    }

    [Fact]
    public async Task RacingPickupCheckouts_NeverTakeMoreThanTheStoreHolds()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop, stock: 50);
        var variant = product.FirstVariantId();
        var store = await StoresPlatform.CreateStoreAsync(owner, shop);
        await StoresPlatform.SetStockAsync(owner, store, variant, 5);
        var buyers = new List<UserClient>();
        for (var i = 0; i < 12; i++)
        {
            buyers.Add(await platform.NewUserAsync());
        }
        var results = await Task.WhenAll(buyers.Select((b, i) => Task.Run(() => b.PlaceOrderAsync(StoresPlatform.PickupOrder(variant, store), "race-" + i))));
        Assert.Equal(5, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var stock = await (await owner.Http.GetAsync($"/api/locations/{store}/stock")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)stock["items"]![0]!["stock"]!);
        Assert.Equal(50, await owner.Http.StockAsync((string)product["id"]!));
    }

    [Fact]
    public async Task ADeliveryOrder_IsRoutedToTheStoreThatHoldsEverything_AndOperatorsSeeWhy()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var a = await owner.CreateProductAsync(shop, stock: 0);
        var b = await owner.CreateProductAsync(shop, stock: 5);
        var store = await StoresPlatform.CreateStoreAsync(owner, shop, "Gangnam", 37.5006, 127.0364);
        await StoresPlatform.SetStockAsync(owner, store, a.FirstVariantId(), 2);
        await StoresPlatform.SetStockAsync(owner, store, b.FirstVariantId(), 2);
        var buyer = await platform.NewUserAsync();
        var body = new
        {
            items = new[] { new { variantId = a.FirstVariantId(), quantity = 1 }, new { variantId = b.FirstVariantId(), quantity = 1 } },
            shippingAddress = Api.Address,
            payment = new { method = "card", cardNumber = Api.ApprovedCard },
        };
        var order = await (await buyer.PlaceOrderAsync(body, "route-1")).JsonAsync(HttpStatusCode.Created);
        var allocations = await (await owner.Http.GetAsync($"/api/orders/{order["id"]}/allocations")).JsonAsync(HttpStatusCode.OK);
        Assert.All(allocations.AsArray(), x => Assert.Equal(store, (string)x!["locationId"]!));
        Assert.Contains("every item", (string)allocations[0]!["reason"]!);
        var stock = await (await owner.Http.GetAsync($"/api/locations/{store}/stock")).JsonAsync(HttpStatusCode.OK);
        Assert.All(stock["items"]!.AsArray(), x => Assert.Equal(1, (int)x!["stock"]!));

        // Cancelling gives the store its units back, once.
        await (await buyer.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        await Eventually.UntilAsync(async () =>
        {
            var s = await (await owner.Http.GetAsync($"/api/locations/{store}/stock")).JsonAsync(HttpStatusCode.OK);
            return s["items"]!.AsArray().All(x => (int)x!["stock"]! == 2);
        }, "the store's units back after the cancel");
        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/orders/{order["id"]}/allocations")).StatusCode);
    }
}
