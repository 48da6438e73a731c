using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Delivery;
using Dots.Modules.Ordering;
using Dots.Tests.Infrastructure;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Dots.Tests.Delivery;

/// <summary>
/// The web checkout's path to a slot: the form's address is placed by the gazetteer (or the neighbourhood chosen on the
/// list or map), and the cart checkout takes the slot in the same checkout step as an API order.
/// </summary>
public sealed class WebCheckoutTests(DeliveryPlatform platform) : IClassFixture<DeliveryPlatform>
{
    private static readonly GazetteerPlace Yeoksam = SeoulGazetteer.Find("yeoksamdong")!;

    private static FormCollection Form(params (string Key, string Value)[] fields) =>
        new(fields.ToDictionary(f => f.Key, f => new StringValues(f.Value)));

    private static CheckoutCartRequest Request(string line1, string city = "Seoul") =>
        new(new AddressDto("Kim", line1, null, city, "06236", "010-0000-0000", null, null), new PaymentRequest("card", Api.ApprovedCard));

    private async Task<(string UserId, string VariantId)> BuyerWithCartAsync(string variantId)
    {
        var buyer = await platform.NewUserAsync();
        (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{variantId}", new { quantity = 1 })).EnsureSuccessStatusCode();
        var userId = await platform.DbAsync(db => db.Users.Where(u => u.Email == buyer.Email).Select(u => u.Id).FirstAsync());
        return (userId, variantId);
    }

    private async Task<string> CheckoutAsync(string userId, CheckoutCartRequest request)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CartService>().CheckoutOnceAsync(userId, Guid.NewGuid().ToString("N"), request, CancellationToken.None);
    }

    [Fact]
    public void Apply_GivesTheAddressTheNeighbourhoodsCoordinates_AndTheDeliveryObject_KeepingOtherExtensions()
    {
        var request = Request("서울 강남구 역삼1동 123") with
        {
            Extensions = new() { ["pickup"] = System.Text.Json.JsonSerializer.SerializeToElement(new { locationId = "x" }) },
        };
        var applied = DeliveryCheckoutForm.Apply(request, Form((DeliveryCheckoutForm.DoorCode, "#77"), (DeliveryCheckoutForm.LeaveAtDoor, "true")));

        Assert.Equal(Yeoksam.Latitude, applied.ShippingAddress!.Latitude);
        Assert.Equal(Yeoksam.Longitude, applied.ShippingAddress.Longitude);
        Assert.True(applied.Extensions!.ContainsKey("pickup"));
        var delivery = applied.Extensions["delivery"];
        Assert.Equal("#77", delivery.GetProperty("doorCode").GetString());
        Assert.True(delivery.GetProperty("leaveAtDoor").GetBoolean());

        // A neighbourhood chosen on the list wins over the address; an address it cannot place is sent as it was.
        var chosen = DeliveryCheckoutForm.Apply(Request("서울 강남구 역삼1동 123"), Form((DeliveryCheckoutForm.Area, "hapjeongdong")));
        Assert.Equal(SeoulGazetteer.Find("hapjeongdong")!.Latitude, chosen.ShippingAddress!.Latitude);
        var unknown = Request("1 Main Street", "Springfield");
        Assert.Same(unknown, DeliveryCheckoutForm.Apply(unknown, Form()));
        var pickup = Request("서울 강남구 역삼1동 123") with
        {
            Extensions = new() { ["fulfilment"] = System.Text.Json.JsonSerializer.SerializeToElement(new { type = "pickup", locationId = "s1" }) },
        };
        Assert.Same(pickup, DeliveryCheckoutForm.Apply(pickup, Form()));
        Assert.True(DeliveryCheckoutForm.IsPreview(Form((DeliveryCheckoutForm.Pick, "hapjeongdong"))));
        Assert.True(DeliveryCheckoutForm.IsPreview(Form((DeliveryCheckoutForm.Check, "1"))));
        Assert.False(DeliveryCheckoutForm.IsPreview(Form((DeliveryCheckoutForm.Area, "hapjeongdong"))));
    }

    [Fact]
    public async Task AWebCheckout_TakesTheNightsSlot_AndAFullSlotGivesTheNextNight()
    {
        var op = await platform.NewOperatorAsync();
        var (_, zoneId) = await platform.CityAsync(op, Yeoksam.Latitude, Yeoksam.Longitude, capacity: 1);
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 10);
        var promise = await (await platform.CreateClient().GetAsync("/api/delivery/promise?address=" + Uri.EscapeDataString("강남구 역삼동"))).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)promise["available"]!);
        var tonight = (string)promise["slotId"]!;

        var (first, variant) = await BuyerWithCartAsync(product.FirstVariantId());
        var firstOrder = await CheckoutAsync(first, DeliveryCheckoutForm.Apply(Request("152 Teheran-ro"), Form((DeliveryCheckoutForm.DoorCode, "#1234"))));
        var booking = await platform.BookingAsync(firstOrder);
        Assert.NotNull(booking);
        Assert.Equal(tonight, booking.SlotId);
        Assert.Equal("#1234", booking.DoorCode);
        Assert.Equal(Yeoksam.Latitude, booking.Latitude);
        Assert.Equal(1, (await platform.SlotAsync(tonight))!.Booked);

        // Tonight is full: the next buyer's web order takes the next night, and the promise says so.
        var (second, _) = await BuyerWithCartAsync(variant);
        var secondOrder = await CheckoutAsync(second, DeliveryCheckoutForm.Apply(Request("역삼동 1"), Form()));
        var next = await platform.BookingAsync(secondOrder);
        Assert.NotEqual(tonight, next!.SlotId);
        Assert.StartsWith(zoneId, next.SlotId);
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var nights = await scope.ServiceProvider.GetRequiredService<DeliveryService>().NightsAsync(Yeoksam.Latitude, Yeoksam.Longitude, CancellationToken.None);
            Assert.False(nights[0].Available);
            Assert.Equal("full", nights[0].Reason);
        }

        // A buyer who pinned tonight's full slot gets a conflict and pays nothing; the cart is kept.
        var (third, _) = await BuyerWithCartAsync(variant);
        await Assert.ThrowsAsync<Dots.Infrastructure.ConflictException>(() =>
            CheckoutAsync(third, DeliveryCheckoutForm.Apply(Request("역삼동 1"), Form((DeliveryCheckoutForm.Slot, tonight)))));
        Assert.Equal(1, (await platform.SlotAsync(tonight))!.Booked);
    }

    [Fact]
    public async Task Geocode_Api_PlacesAnAddress_Or404_Or400()
    {
        var client = platform.CreateClient();
        var found = await (await client.GetAsync("/api/delivery/geocode?q=" + Uri.EscapeDataString("Yeoksam-dong, Gangnam-gu"))).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("yeoksamdong", (string)found["id"]!);
        Assert.Equal("강남구 역삼동", (string)found["labelKo"]!);
        Assert.Equal("dong", (string)found["matchedOn"]!);
        await (await client.GetAsync("/api/delivery/geocode?q=Springfield")).JsonAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/delivery/geocode")).JsonAsync(HttpStatusCode.BadRequest);
        var unknown = await (await client.GetAsync("/api/delivery/promise?address=Springfield")).JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)unknown["available"]!);
    }

    [Fact]
    public async Task AWebCheckoutWhoseChosenNightFilledUp_SaysTheNightIsFull_AndOffersTheOtherNights_NotSoldOut()
    {
        // Issue 15: the page said "Something in your cart just sold out" when the night's slot filled up between page load and submit.
        var sanggye = SeoulGazetteer.Find("sanggyedong")!;
        var op = await platform.NewOperatorAsync();
        await platform.CityAsync(op, sanggye.Latitude, sanggye.Longitude, capacity: 1);
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 10);
        IReadOnlyList<PromiseDto> nights;
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            nights = await scope.ServiceProvider.GetRequiredService<DeliveryService>().NightsAsync(sanggye.Latitude, sanggye.Longitude, CancellationToken.None);
        }
        var chosen = nights.Skip(1).First(n => n.Available);

        var buyer = await platform.NewUserAsync();
        (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{product.FirstVariantId()}", new { quantity = 1 })).EnsureSuccessStatusCode();
        var web = await platform.CookieClientAsync(buyer.Email);
        var form = WebForms.Hidden(await web.GetStringAsync("/checkout"));

        // Meanwhile someone else takes the last place of that night.
        var other = await platform.NewUserAsync();
        await (await other.PlaceOrderAsync(DeliveryPlatform.OrderTo(product.FirstVariantId(), sanggye.Latitude, sanggye.Longitude, new { slotId = chosen.SlotId }), "other"))
            .JsonAsync(HttpStatusCode.Created);

        form["_handler"] = "checkout";
        form["Input.Name"] = "Kim Ji-won";
        form["Input.Phone"] = "010-1234-5678";
        form["Input.Line1"] = "서울 노원구 상계동 12";
        form["Input.City"] = "Seoul";
        form["Input.PostalCode"] = "01690";
        form["Input.CardNumber"] = Api.ApprovedCard;
        form[DeliveryCheckoutForm.Slot] = chosen.SlotId!;
        var answer = await web.PostAsync("/checkout", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
        Assert.DoesNotContain("sold out", page);
        Assert.Contains("The delivery night you chose has just filled up. Choose another night below; you have not been charged.", page);
        Assert.Contains("data-testid=\"night-full\"", page);
        // The chosen night is offered as full; another night with room is picked in its place.
        var radios = Regex.Matches(page, "<input type=\"radio\" name=\"Delivery.Slot\"[^>]*>").Select(m => m.Value).ToList();
        Assert.Contains(radios, r => r.Contains($"value=\"{chosen.SlotId}\"") && r.Contains("disabled"));
        Assert.Contains(radios, r => !r.Contains("disabled") && r.Contains("checked"));
        // Nothing was placed or charged; the cart is as it was.
        var orders = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(orders["items"]!.AsArray());
        var cart = await (await buyer.Http.GetAsync("/api/cart")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(cart["lines"]!.AsArray());

        // The API keeps its 409, now with a code a client can tell from stock.
        var api = await (await buyer.PlaceOrderAsync(DeliveryPlatform.OrderTo(product.FirstVariantId(), sanggye.Latitude, sanggye.Longitude, new { slotId = chosen.SlotId }), "again"))
            .JsonAsync(HttpStatusCode.Conflict);
        Assert.Equal(DeliveryConflicts.SlotFull, (string)api["code"]!);
        Assert.Equal(chosen.SlotId, (string)api["slotId"]!);
    }
}
