using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dots.Tests.Ordering;

/// <summary>
/// Issue 15, smaller defects: the cart total silently dropped lines in another currency, and "Buy now" checked out the
/// whole cart. A cart is in one currency (a second is refused with a message saying what to do); a cart that holds
/// two anyway shows a subtotal per currency; "Buy now" buys only the picked item and leaves the cart alone.
/// </summary>
public sealed class CartCurrencyAndBuyNowTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task ALineInASecondCurrency_IsRefusedWithAClearMessage_AndTheTotalKeepsEveryLine()
    {
        var (krw, usd) = await TwoCurrenciesAsync();
        var buyer = await platform.NewUserAsync();
        (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{krw}", new { quantity = 2 })).EnsureSuccessStatusCode();

        var refused = await buyer.Http.PutAsJsonAsync($"/api/cart/items/{usd}", new { quantity = 1 });
        var problem = await refused.JsonAsync(HttpStatusCode.Conflict);
        Assert.Contains("USD", (string)problem["detail"]!);
        Assert.Contains("Buy now", (string)problem["detail"]!);

        var cart = await (await buyer.Http.GetAsync("/api/cart")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(cart["lines"]!.AsArray());
        Assert.Equal(25800m, (decimal)cart["total"]!["amount"]!);
        Assert.Equal("KRW", (string)Assert.Single(cart["subtotals"]!.AsArray())!["currency"]!);
    }

    [Fact]
    public async Task ACartHoldingTwoCurrencies_ShowsASubtotalPerCurrency_AndCheckoutRefusesTheMix()
    {
        var (krw, usd) = await TwoCurrenciesAsync();
        var buyer = await platform.NewUserAsync();
        (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{krw}", new { quantity = 2 })).EnsureSuccessStatusCode();
        var me = await (await buyer.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        // A cart from before the one-currency rule: written directly.
        await platform.WithDbAsync(async db =>
        {
            db.Set<CartItem>().Add(new CartItem { UserId = (string)me["id"]!, VariantId = usd, Quantity = 3, AddedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

        var cart = await (await buyer.Http.GetAsync("/api/cart")).JsonAsync(HttpStatusCode.OK);
        var subtotals = cart["subtotals"]!.AsArray().ToDictionary(s => (string)s!["currency"]!, s => (decimal)s!["amount"]!);
        Assert.Equal(new Dictionary<string, decimal> { ["KRW"] = 25800m, ["USD"] = 37.5m }, subtotals);

        var checkout = await buyer.Http.PostAsJsonAsync("/api/cart/checkout", new { shippingAddress = Api.Address, payment = new { method = "card", cardNumber = Api.ApprovedCard } });
        Assert.Equal(HttpStatusCode.BadRequest, checkout.StatusCode);
    }

    [Fact]
    public async Task BuyNow_ChecksOutOnlyThePickedItemAndQuantity_AndLeavesTheCartAlone()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var inCart = await owner.CreateProductAsync(shop, title: "In the cart", stock: 10);
        var bought = await owner.CreateProductAsync(shop, title: "Bought now", stock: 10);
        var buyer = await platform.NewUserAsync();
        (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{inCart.FirstVariantId()}", new { quantity = 1 })).EnsureSuccessStatusCode();

        var web = await platform.CookieClientAsync(buyer.Email);
        var productPage = await web.GetStringAsync($"/products/{bought["id"]}");
        var token = WebForms.Hidden(productPage)["__RequestVerificationToken"];
        var buyNow = await web.PostAsync("/cart/add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["productId"] = (string)bought["id"]!, ["variantId"] = bought.FirstVariantId(), ["quantity"] = "2", ["next"] = "checkout",
        }));
        Assert.Equal(HttpStatusCode.Redirect, buyNow.StatusCode);
        var checkoutUrl = buyNow.Headers.Location!.ToString();
        var cartMeanwhile = await (await buyer.Http.GetAsync("/api/cart")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([inCart.FirstVariantId()], cartMeanwhile["lines"]!.AsArray().Select(l => (string)l!["variantId"]!).ToArray());

        var page = await web.GetStringAsync(checkoutUrl);
        var form = WebForms.Hidden(page);
        form["_handler"] = "checkout";
        form["Input.Name"] = "Kim Ji-won";
        form["Input.Phone"] = "010-1234-5678";
        form["Input.Line1"] = "152 Teheran-ro";
        form["Input.City"] = "Seoul";
        form["Input.PostalCode"] = "06236";
        form["Input.CardNumber"] = Api.ApprovedCard;
        var placed = await web.PostAsync(checkoutUrl, new FormUrlEncodedContent(form));
        Assert.True(placed.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"the checkout answered {(int)placed.StatusCode}");
        Assert.Contains("/orders/", placed.Headers.Location!.ToString());

        var orders = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        var order = Assert.Single(orders["items"]!.AsArray())!;
        var full = await (await buyer.Http.GetAsync($"/api/orders/{order["id"]}")).JsonAsync(HttpStatusCode.OK);
        var line = Assert.Single(full["lines"]!.AsArray())!;
        Assert.Equal(bought.FirstVariantId(), (string)line["variantId"]!);
        Assert.Equal(2, (int)line["quantity"]!);
        var cart = await (await buyer.Http.GetAsync("/api/cart")).JsonAsync(HttpStatusCode.OK);
        var left = Assert.Single(cart["lines"]!.AsArray())!;
        Assert.Equal(inCart.FirstVariantId(), (string)left["variantId"]!);
        Assert.Equal(1, (int)left["quantity"]!);
    }

    private async Task<(string Krw, string Usd)> TwoCurrenciesAsync()
    {
        var korean = await platform.NewUserAsync();
        var krw = await korean.CreateProductAsync(await korean.OpenShopAsync(), stock: 10);
        var american = await platform.NewUserAsync();
        var usdShop = (string)(await (await american.Http.PostAsJsonAsync("/api/shops", new { name = "Dollar Shop", description = "d", currency = "USD" })).JsonAsync(HttpStatusCode.Created))["id"]!;
        var usd = await (await american.Http.PostAsJsonAsync($"/api/shops/{usdShop}/products", new
        {
            title = "Maple syrup", description = "d", category = "fresh-food",
            variants = new[] { new { sku = "USD-" + Guid.NewGuid().ToString("N")[..8], options = new Dictionary<string, string> { ["size"] = "M" }, price = new { amount = 12.5m, currency = "USD" }, stock = 10 } },
        })).JsonAsync(HttpStatusCode.Created);
        return (krw.FirstVariantId(), usd.FirstVariantId());
    }
}
