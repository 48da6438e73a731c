using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Delivery;

public sealed class SlotTests(DeliveryPlatform platform) : IClassFixture<DeliveryPlatform>
{
    [Fact]
    public async Task Promise_ForAnAddressInAZone_GivesTonightsCutoffAndTomorrowsSevenAmInLocalTime()
    {
        var op = await platform.NewOperatorAsync();
        await platform.CityAsync(op, 35.10, 129.00);

        var promise = await (await platform.CreateClient().GetAsync("/api/delivery/promise?latitude=35.1&longitude=129.01")).JsonAsync(HttpStatusCode.OK);

        Assert.True((bool)promise["available"]!);
        Assert.EndsWith("23:00:00+09:00", (string)promise["cutoff"]!);
        Assert.EndsWith("07:00:00+09:00", (string)promise["deliverBy"]!);
        Assert.NotNull((string?)promise["slotId"]);
        Assert.NotNull((string?)promise["zone"]);
    }

    [Fact]
    public async Task Promise_OutsideEveryZone_IsUnavailableWithAReason_AndBadCoordinatesAre400()
    {
        var client = platform.CreateClient();
        var outside = await (await client.GetAsync("/api/delivery/promise?latitude=-45&longitude=-170")).JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)outside["available"]!);
        Assert.False(string.IsNullOrEmpty((string?)outside["reason"]));

        var text = await (await client.GetAsync("/api/delivery/promise?latitude=abc&longitude=127")).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(text["errors"]!["latitude"]);
        await (await client.GetAsync("/api/delivery/promise?latitude=37&longitude=181")).JsonAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/api/delivery/promise")).JsonAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ConcurrentCheckouts_NeverOverbookASlot_AndACancelGivesThePlaceBackExactlyOnce()
    {
        var op = await platform.NewOperatorAsync();
        await platform.CityAsync(op, 36.00, 128.00, capacity: 3);
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 100);
        var promise = await (await platform.CreateClient().GetAsync("/api/delivery/promise?latitude=36&longitude=128")).JsonAsync(HttpStatusCode.OK);
        var slotId = (string)promise["slotId"]!;
        var buyers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => platform.NewUserAsync()));

        var responses = await Task.WhenAll(buyers.Select((b, i) => b.PlaceOrderAsync(DeliveryPlatform.OrderTo(product.FirstVariantId(), 36.001, 128.001, new { slotId, doorCode = "#12" }), "slot-" + i)));

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.Equal(3, created.Count);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(3, (await platform.SlotAsync(slotId))!.Booked);
        Assert.Equal(97, await platform.CreateClient().StockAsync((string)product["id"]!));

        // The fourth buyer is offered the next night.
        var full = await (await platform.CreateClient().GetAsync("/api/delivery/promise?latitude=36&longitude=128")).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)full["nextNight"]!);
        Assert.NotEqual(slotId, (string)full["slotId"]!);

        var first = await created[0].JsonAsync(HttpStatusCode.Created);
        var orderId = (string)first["id"]!;
        var buyer = buyers[Array.IndexOf(responses, created[0])];
        var booking = await platform.BookingAsync(orderId);
        Assert.Equal("#12", booking!.DoorCode);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)));
        await Eventually.UntilAsync(async () => (await platform.SlotAsync(slotId))!.Booked == 2, "the slot is given back");
        await Task.Delay(500);
        Assert.Equal(2, (await platform.SlotAsync(slotId))!.Booked);
    }

    [Fact]
    public async Task AnOrderWithoutCoordinatesOrOutsideZones_IsPlacedWithoutASlot()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(DeliveryPlatform.OrderTo(product.FirstVariantId(), -45, -170), "far")).JsonAsync(HttpStatusCode.Created);
        Assert.Null(await platform.BookingAsync((string)order["id"]!));
        await (await buyer.Http.GetAsync($"/api/orders/{order["id"]}/tracking")).JsonAsync(HttpStatusCode.NotFound);
    }
}
