using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Ordering;

public sealed class OrderTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private async Task<(UserClient Owner, string ShopId, string ProductId, string VariantId)> ProductAsync(int stock = 10, decimal price = 12900)
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shopId, stock: stock, price: price);
        return (owner, shopId, (string)product["id"]!, product.FirstVariantId());
    }

    [Fact]
    public async Task PlaceOrder_ChargesOnceAndTakesTheStock()
    {
        var (_, _, productId, variantId) = await ProductAsync(stock: 10, price: 12900);
        var buyer = await platform.NewUserAsync();
        var response = await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 3), "order-1");
        var order = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Paid", (string?)order["status"]);
        Assert.Equal(38700m, (decimal)order["total"]!["amount"]!);
        Assert.Equal("KRW", (string?)order["total"]!["currency"]);
        Assert.Equal(["authorize", "capture"], order["payments"]!.AsArray().Select(p => (string)p!["kind"]!).ToArray());
        Assert.False(string.IsNullOrEmpty((string?)order["placedAt"]));
        Assert.Equal(3, (int)order["lines"]![0]!["quantity"]!);
        Assert.Equal($"/api/orders/{order["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal(7, await platform.CreateClient().StockAsync(productId));
    }

    [Fact]
    public async Task PlaceOrder_BeyondStock_Returns409AndReservesNothing()
    {
        var (_, _, productId, variantId) = await ProductAsync(stock: 2);
        var buyer = await platform.NewUserAsync();
        var problem = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 3))).JsonAsync(HttpStatusCode.Conflict);
        Assert.Equal(variantId, (string?)problem["variantId"]);
        Assert.Equal(2, await platform.CreateClient().StockAsync(productId));
        var orders = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)orders["total"]!);
    }

    [Fact]
    public async Task PlaceOrder_WithADeclinedCard_Returns402AndPutsTheStockBack()
    {
        var (_, _, productId, variantId) = await ProductAsync(stock: 5);
        var buyer = await platform.NewUserAsync();
        await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2, Api.DeclinedCard))).JsonAsync(HttpStatusCode.PaymentRequired);
        Assert.Equal(5, await platform.CreateClient().StockAsync(productId));
        var orders = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)orders["total"]!);
    }

    [Fact]
    public async Task PlaceOrder_WithBadInput_NamesEveryBadField()
    {
        var (_, _, _, variantId) = await ProductAsync();
        var buyer = await platform.NewUserAsync();
        var response = await buyer.Http.PostAsJsonAsync("/api/orders", new
        {
            items = new object[] { new { variantId, quantity = 0 }, new { variantId = "unknown", quantity = 1 } },
            shippingAddress = new { name = "Kim", line1 = "", city = "Seoul", postalCode = "", phone = "010", latitude = 123.0 },
            payment = new { method = "card", cardNumber = "1234" },
        });
        var errors = (await response.JsonAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject();
        foreach (var field in new[] { "items[0].quantity", "shippingAddress.line1", "shippingAddress.postalCode", "shippingAddress.latitude", "payment.cardNumber" })
        {
            Assert.True(errors.ContainsKey(field), $"missing {field}: {errors.ToJsonString()}");
        }
    }

    [Fact]
    public async Task PlaceOrder_ForAnUnknownVariant_Returns400()
    {
        var buyer = await platform.NewUserAsync();
        var problem = await (await buyer.PlaceOrderAsync(Api.OrderBody("no-such-variant"))).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["items[0].variantId"]);
    }

    [Fact]
    public async Task PlaceOrder_WhenSignedOut_Returns401()
    {
        var response = await platform.CreateClient().PostAsJsonAsync("/api/orders", Api.OrderBody("x"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKey_ReturnsTheFirstResultAndChargesOnce()
    {
        var (_, _, productId, variantId) = await ProductAsync(stock: 10);
        var buyer = await platform.NewUserAsync();
        var first = await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2), "retry-key");
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2), "retry-key");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.Equal(8, await platform.CreateClient().StockAsync(productId));
        Assert.Equal(1, (int)(await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK))["total"]!);
    }

    [Fact]
    public async Task ADeclineIsReplayedToo_SoARetryDoesNotChargeADifferentWay()
    {
        var (_, _, _, variantId) = await ProductAsync(stock: 10);
        var buyer = await platform.NewUserAsync();
        var first = await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 1, Api.DeclinedCard), "declined-key");
        var second = await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 1, Api.DeclinedCard), "declined-key");
        Assert.Equal(HttpStatusCode.PaymentRequired, first.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheSameIdempotencyKeyWithADifferentBody_Returns409()
    {
        var (_, _, _, variantId) = await ProductAsync(stock: 10);
        var buyer = await platform.NewUserAsync();
        await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 1), "same-key")).JsonAsync(HttpStatusCode.Created);
        await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2), "same-key")).JsonAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task IdempotencyKeys_BelongToTheirUser()
    {
        var (_, _, productId, variantId) = await ProductAsync(stock: 10);
        var alice = await platform.NewUserAsync();
        var bob = await platform.NewUserAsync();
        var a = await (await alice.PlaceOrderAsync(Api.OrderBody(variantId, 1), "shared-key")).JsonAsync(HttpStatusCode.Created);
        var b = await (await bob.PlaceOrderAsync(Api.OrderBody(variantId, 1), "shared-key")).JsonAsync(HttpStatusCode.Created);
        Assert.NotEqual((string?)a["id"], (string?)b["id"]);
        Assert.Equal(8, await platform.CreateClient().StockAsync(productId));
    }

    [Fact]
    public async Task AnIdempotencyKeyOver200Characters_Returns400()
    {
        var (_, _, _, variantId) = await ProductAsync();
        var buyer = await platform.NewUserAsync();
        await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId), new string('k', 201))).JsonAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnotherUsersOrder_IsNotFound()
    {
        var (_, _, _, variantId) = await ProductAsync();
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId))).JsonAsync(HttpStatusCode.Created);
        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/orders/{order["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await buyer.Http.GetAsync($"/api/orders/{order["id"]}")).StatusCode);
    }

    [Fact]
    public async Task MyOrders_AreListedNewestFirst()
    {
        var (_, _, _, variantId) = await ProductAsync(stock: 10);
        var buyer = await platform.NewUserAsync();
        var first = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId))).JsonAsync(HttpStatusCode.Created);
        var second = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId))).JsonAsync(HttpStatusCode.Created);
        var list = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([(string)second["id"]!, (string)first["id"]!], list["items"]!.AsArray().Select(o => (string)o!["id"]!).ToArray());
    }

    [Fact]
    public async Task Cancel_ReturnsStockRefundsAndIsSafeToRepeat()
    {
        var (owner, shopId, productId, variantId) = await ProductAsync(stock: 10, price: 10000);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 4))).JsonAsync(HttpStatusCode.Created);
        var cancelled = await (await buyer.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string?)cancelled["status"]);
        Assert.Contains("refund", cancelled["payments"]!.AsArray().Select(p => (string)p!["kind"]!));
        Assert.Equal(10, await platform.CreateClient().StockAsync(productId));

        var again = await (await buyer.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(cancelled.ToJsonString(), again.ToJsonString());
        Assert.Equal(10, await platform.CreateClient().StockAsync(productId));

        var payouts = await (await owner.Http.GetAsync($"/api/shops/{shopId}/payouts")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0m, (decimal)payouts["balance"]!["amount"]!);
    }

    [Fact]
    public async Task Cancel_AfterTheShopShipped_Returns409()
    {
        var (owner, shopId, productId, variantId) = await ProductAsync(stock: 5);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 1))).JsonAsync(HttpStatusCode.Created);
        await (await owner.Http.PostAsJsonAsync($"/api/shops/{shopId}/orders/{order["id"]}/advance", new { status = "Shipped" })).JsonAsync(HttpStatusCode.OK);
        await (await buyer.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).JsonAsync(HttpStatusCode.Conflict);
        Assert.Equal(4, await platform.CreateClient().StockAsync(productId));
    }

    [Fact]
    public async Task AnOrderAcrossTwoShops_IsSplitIntoAFulfilmentPerShop_AndEachShopIsPaidItsShareAfterCommission()
    {
        var (ownerA, shopA, _, variantA) = await ProductAsync(stock: 5, price: 10000);
        var (ownerB, shopB, _, variantB) = await ProductAsync(stock: 5, price: 30000);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(new
        {
            items = new[] { new { variantId = variantA, quantity = 2 }, new { variantId = variantB, quantity = 1 } },
            shippingAddress = Api.Address,
            payment = new { method = "card", cardNumber = Api.ApprovedCard },
        })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(50000m, (decimal)order["total"]!["amount"]!);
        var fulfillments = order["fulfillments"]!.AsArray();
        Assert.Equal(2, fulfillments.Count);
        Assert.Equal(20000m, (decimal)fulfillments.Single(f => (string?)f!["shopId"] == shopA)!["subtotal"]!["amount"]!);

        var payoutsA = await (await ownerA.Http.GetAsync($"/api/shops/{shopA}/payouts")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(18000m, (decimal)payoutsA["balance"]!["amount"]!);
        Assert.Equal(2000m, (decimal)payoutsA["commission"]!["amount"]!);
        var payoutsB = await (await ownerB.Http.GetAsync($"/api/shops/{shopB}/payouts")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(27000m, (decimal)payoutsB["balance"]!["amount"]!);

        var shopOrders = await (await ownerA.Http.GetAsync($"/api/shops/{shopA}/orders")).JsonAsync(HttpStatusCode.OK);
        var mine = Assert.Single(shopOrders["items"]!.AsArray());
        Assert.Equal(variantA, (string?)Assert.Single(mine!["lines"]!.AsArray())!["variantId"]);
    }

    [Fact]
    public async Task TheOrderMovesForwardOnlyWhenEveryShopHas_AndTheTimelineShowsEachStep()
    {
        var (ownerA, shopA, _, variantA) = await ProductAsync();
        var (ownerB, shopB, _, variantB) = await ProductAsync();
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(new
        {
            items = new[] { new { variantId = variantA, quantity = 1 }, new { variantId = variantB, quantity = 1 } },
            shippingAddress = Api.Address,
            payment = new { method = "card", cardNumber = Api.ApprovedCard },
        })).JsonAsync(HttpStatusCode.Created);
        var id = (string)order["id"]!;

        await (await ownerA.Http.PostAsJsonAsync($"/api/shops/{shopA}/orders/{id}/advance", new { status = "Packed" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Paid", (string?)(await (await buyer.Http.GetAsync($"/api/orders/{id}")).JsonAsync(HttpStatusCode.OK))["status"]);
        await (await ownerB.Http.PostAsJsonAsync($"/api/shops/{shopB}/orders/{id}/advance", new { status = "Packed" })).JsonAsync(HttpStatusCode.OK);
        var packed = await (await buyer.Http.GetAsync($"/api/orders/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Packed", (string?)packed["status"]);
        Assert.Equal(["Placed", "Paid", "Packed", "Packed"], packed["timeline"]!.AsArray().Select(t => (string)t!["status"]!).ToArray());

        await (await ownerA.Http.PostAsJsonAsync($"/api/shops/{shopA}/orders/{id}/advance", new { status = "Packed" })).JsonAsync(HttpStatusCode.Conflict);
        await (await ownerA.Http.PostAsJsonAsync($"/api/shops/{shopA}/orders/{id}/advance", new { status = "Teleported" })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Forbidden, (await ownerB.Http.PostAsJsonAsync($"/api/shops/{shopA}/orders/{id}/advance", new { status = "Shipped" })).StatusCode);
    }

    [Fact]
    public async Task ShopOrdersAndPayouts_AreForTheOwnerOnly()
    {
        var (_, shopId, _, _) = await ProductAsync();
        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.GetAsync($"/api/shops/{shopId}/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.GetAsync($"/api/shops/{shopId}/payouts")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync("/api/shops/no-such-shop/orders")).StatusCode);
    }

    [Fact]
    public async Task TheCart_CollectsItemsAndChecksOutAsOneOrder()
    {
        var (_, _, productId, variantId) = await ProductAsync(stock: 10, price: 5000);
        var buyer = await platform.NewUserAsync();
        await (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{variantId}", new { quantity = 2 })).JsonAsync(HttpStatusCode.OK);
        var cart = await (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{variantId}", new { quantity = 3 })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(15000m, (decimal)cart["total"]!["amount"]!);
        Assert.Equal(3, (int)cart["items"]!);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/cart/checkout") { Content = JsonContent.Create(new { shippingAddress = Api.Address, payment = new { method = "card", cardNumber = Api.ApprovedCard } }) };
        request.Headers.Add("Idempotency-Key", "cart-1");
        var order = await (await buyer.Http.SendAsync(request)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(15000m, (decimal)order["total"]!["amount"]!);
        Assert.Equal(7, await platform.CreateClient().StockAsync(productId));
        Assert.Empty((await (await buyer.Http.GetAsync("/api/cart")).JsonAsync(HttpStatusCode.OK))["lines"]!.AsArray());
    }

    [Fact]
    public async Task TheCart_RejectsUnknownVariantsAndNegativeQuantities()
    {
        var buyer = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.PutAsJsonAsync("/api/cart/items/nope", new { quantity = 1 })).StatusCode);
        var (_, _, _, variantId) = await ProductAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{variantId}", new { quantity = -1 })).StatusCode);
        var emptyCheckout = await buyer.Http.PostAsJsonAsync("/api/cart/checkout", new { shippingAddress = Api.Address, payment = new { method = "card", cardNumber = Api.ApprovedCard } });
        Assert.Equal(HttpStatusCode.BadRequest, emptyCheckout.StatusCode);
    }
}
