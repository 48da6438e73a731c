using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;
using Dots.Tests.Stores;

namespace Dots.Tests.Rentals;

/// <summary>A store's staff work the rentals desk of the rentals handed out from their store (hand-over, return with inspection), and nothing else.</summary>
public sealed class RentalDeskTests(RentalsPlatform platform) : IClassFixture<RentalsPlatform>
{
    private DateOnly Today => RentalsApi.SeoulToday(platform.Clock);

    private static async Task<string> RentalAtAsync(UserClient owner, string shop, string? locationId)
    {
        var response = await owner.Http.PostAsJsonAsync($"/api/shops/{shop}/rentals", new
        {
            title = "Camping set",
            category = "sports",
            pricePerDay = new { amount = 10000, currency = "KRW" },
            deposit = new { amount = 100000, currency = "KRW" },
            bufferDays = 1,
            units = new[] { new { label = "Set 1", condition = "good" }, new { label = "Set 2", condition = "good" } },
            locationId,
        });
        var rental = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(locationId, (string?)rental["locationId"]);
        return (string)rental["id"]!;
    }

    [Fact]
    public async Task StoreStaff_HandOverAndInspectTheirStoresRentals_AndNothingElse()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var storeA = await StoresPlatform.CreateStoreAsync(owner, shop, "Store A");
        var storeB = await StoresPlatform.CreateStoreAsync(owner, shop, "Store B");
        var atA = await RentalAtAsync(owner, shop, storeA);
        var atB = await RentalAtAsync(owner, shop, storeB);
        var atShop = await RentalAtAsync(owner, shop, null);
        var staffA = await platform.NewUserAsync();
        await (await owner.Http.PostAsJsonAsync($"/api/locations/{storeA}/staff", new { email = staffA.Email })).JsonAsync(HttpStatusCode.Created);

        var customer = await platform.NewUserAsync();
        var from = Today;
        var bookingA = (string)(await (await RentalsApi.BookAsync(customer, atA, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var bookingA2 = (string)(await (await RentalsApi.BookAsync(customer, atA, from.AddDays(10), from.AddDays(11))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var bookingB = (string)(await (await RentalsApi.BookAsync(customer, atB, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var bookingShop = (string)(await (await RentalsApi.BookAsync(customer, atShop, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created))["id"]!;

        // The desk of store A lists exactly A's rentals' bookings.
        var desk = await (await staffA.Http.GetAsync($"/api/locations/{storeA}/rental-bookings")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { bookingA, bookingA2 }.Order(), desk["items"]!.AsArray().Select(b => (string)b!["id"]!).Order());

        // Hand-over and the return with its inspection work for A's staff; the deposit is settled with the damage.
        await (await staffA.Http.GetAsync($"/api/bookings/{bookingA}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("PickedUp", (string)(await (await staffA.Http.PostAsync($"/api/bookings/{bookingA}/pickup", null)).JsonAsync(HttpStatusCode.OK))["status"]!);
        var returned = await (await staffA.Http.PostAsJsonAsync($"/api/bookings/{bookingA}/return",
            new { condition = "torn tent", damageCharge = new { amount = 25000, currency = "KRW" }, notes = "Tear on the fly" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Returned", (string)returned["status"]!);
        Assert.Equal(75000m, (decimal)returned["depositRefunded"]!["amount"]!);

        // Another store's desk is 403 (as its pickup queue); its bookings and the shop's own are not found for A's staff.
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.Http.GetAsync($"/api/locations/{storeB}/rental-bookings")).StatusCode);
        foreach (var other in new[] { bookingB, bookingShop })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await staffA.Http.GetAsync($"/api/bookings/{other}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await staffA.Http.PostAsync($"/api/bookings/{other}/pickup", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await staffA.Http.PostAsJsonAsync($"/api/bookings/{other}/return", new { condition = "ok" })).StatusCode);
        }
        // Nothing else of the rentals: cancelling, the shop's list, listing or moving rentals, unit status.
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.Http.PostAsync($"/api/bookings/{bookingA2}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.Http.GetAsync($"/api/shops/{shop}/bookings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.Http.PutAsJsonAsync($"/api/rentals/{atA}/location", new { locationId = (string?)null })).StatusCode);
        var rental = await (await platform.CreateClient().GetAsync($"/api/rentals/{atA}")).JsonAsync(HttpStatusCode.OK);
        var unit = (string)rental["units"]![0]!["id"]!;
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.Http.PostAsJsonAsync($"/api/rentals/{atA}/units/{unit}/status", new { status = "retired" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.Http.PostAsJsonAsync($"/api/shops/{shop}/rentals", new { title = "x" })).StatusCode);
        // A stranger sees no desk at all.
        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.GetAsync($"/api/locations/{storeA}/rental-bookings")).StatusCode);

        // The owner moves B's rental to store A: now A's staff work its bookings too.
        var moved = await (await owner.Http.PutAsJsonAsync($"/api/rentals/{atB}/location", new { locationId = storeA })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(storeA, (string)moved["locationId"]!);
        await (await staffA.Http.GetAsync($"/api/bookings/{bookingB}")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ADeskMustBeAStoreOfTheSameShop()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var other = await platform.NewUserAsync();
        var otherShop = await RentalsApi.OpenShopAsync(other);
        var foreign = await StoresPlatform.CreateStoreAsync(other, otherShop, "Foreign");
        var rental = await RentalAtAsync(owner, shop, null);
        foreach (var bad in new[] { foreign, shop, "nope" })
        {
            var problem = await (await owner.Http.PutAsJsonAsync($"/api/rentals/{rental}/location", new { locationId = bad })).JsonAsync(HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]!["locationId"]);
        }
    }
}
