using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Rentals;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Rentals;

public sealed class RentalsApiTests(RentalsPlatform platform) : IClassFixture<RentalsPlatform>
{
    private DateOnly Today => RentalsApi.SeoulToday(platform.Clock);

    [Fact]
    public async Task TheOwnerListsARental_WithUnits_OthersAreRefused()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = await RentalsApi.CreateRentalAsync(owner, shop, units: 3);
        Assert.Equal(3, rental["units"]!.AsArray().Count);
        Assert.All(rental["units"]!.AsArray(), u => Assert.False(string.IsNullOrEmpty((string?)u!["id"])));

        var stranger = await platform.NewUserAsync();
        var refused = await stranger.Http.PostAsJsonAsync($"/api/shops/{shop}/rentals", new { title = "x", category = "sports", pricePerDay = new { amount = 1, currency = "KRW" }, deposit = new { amount = 0, currency = "KRW" }, units = new[] { new { label = "a" } } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var bad = await owner.Http.PostAsJsonAsync($"/api/shops/{shop}/rentals", new { title = "x", category = "nope", pricePerDay = new { amount = 1, currency = "KRW" }, deposit = new { amount = 0, currency = "KRW" }, minDays = 5, maxDays = 2, units = Array.Empty<object>() });
        var problem = await bad.JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["category"]);
        Assert.NotNull(problem["errors"]!["maxDays"]);
        Assert.NotNull(problem["errors"]!["units"]);

        var got = await platform.CreateClient().GetAsync($"/api/rentals/{rental["id"]}");
        Assert.Equal("City bike", (string)(await got.JsonAsync(HttpStatusCode.OK))["title"]!);
        var list = await (await platform.CreateClient().GetAsync($"/api/rentals?category=sports&shopId={shop}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)list["total"]!);
    }

    [Fact]
    public async Task ABooking_TakesItsDaysAndBufferDays_AndTheNeighboursFitExactly()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 1, bufferDays: 2))["id"]!;
        var a = await platform.NewUserAsync();
        var from = Today.AddDays(10);
        var booked = await (await RentalsApi.BookAsync(a, rental, from, from.AddDays(2))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Confirmed", (string)booked["status"]!);
        Assert.Equal(30000m, (decimal)booked["rent"]!["amount"]!);
        Assert.Equal(100000m, (decimal)booked["deposit"]!["amount"]!);
        Assert.Equal(2, booked["payments"]!.AsArray().Count(p => (string)p!["kind"]! == "authorize"));

        // Days from..from+2 rented, +3 and +4 buffer, +5 free again; the day before is free.
        Assert.Equal(new[] { 1, 0, 0, 0, 0, 0, 1 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, from.AddDays(-1), from.AddDays(5)));

        var b = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await RentalsApi.BookAsync(b, rental, from.AddDays(4), from.AddDays(5))).StatusCode);
        // Ending the day before: its own buffer would overlap the first booking's first day.
        Assert.Equal(HttpStatusCode.Conflict, (await RentalsApi.BookAsync(b, rental, from.AddDays(-3), from.AddDays(-1))).StatusCode);
        // Ending three days before leaves exactly its two buffer days.
        await (await RentalsApi.BookAsync(b, rental, from.AddDays(-5), from.AddDays(-3))).JsonAsync(HttpStatusCode.Created);
        await (await RentalsApi.BookAsync(b, rental, from.AddDays(5), from.AddDays(6))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(0, await platform.IntentsOfPayerAsync(await RentalsPlatform.UserIdAsync(a)) - 2);
    }

    [Fact]
    public async Task BadRanges_Are400_AndNothingIsHeld()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, minDays: 2, maxDays: 5))["id"]!;
        var c = await platform.NewUserAsync();
        var from = Today.AddDays(3);
        foreach (var (f, t, field) in new[] { (from, from, "to"), (from, from.AddDays(5), "to"), (from, from.AddDays(-1), "to"), (Today.AddDays(-1), Today.AddDays(1), "from") })
        {
            var problem = await (await RentalsApi.BookAsync(c, rental, f, t)).JsonAsync(HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]![field]);
        }
        // Exactly min and exactly max are fine.
        await (await RentalsApi.BookAsync(c, rental, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created);
        await (await RentalsApi.BookAsync(c, rental, from.AddDays(20), from.AddDays(24))).JsonAsync(HttpStatusCode.Created);

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rentals/{rental}/bookings")
        {
            Content = JsonContent.Create(new { from = "2026-13-01", to = "tomorrow", shippingAddress = Api.Address, payment = new { method = "card", cardNumber = Api.ApprovedCard } }),
        };
        var bad = await (await c.Http.SendAsync(request)).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["from"]);
        Assert.NotNull(bad["errors"]!["to"]);
        Assert.Equal(4, await platform.IntentsOfPayerAsync(await RentalsPlatform.UserIdAsync(c)));
    }

    [Fact]
    public async Task ADeclinedCard_Is402_AndFreesTheUnit()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop))["id"]!;
        var c = await platform.NewUserAsync();
        var from = Today.AddDays(2);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await RentalsApi.BookAsync(c, rental, from, from.AddDays(1), card: Api.DeclinedCard)).StatusCode);
        Assert.Equal(new[] { 1, 1 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, from, from.AddDays(1)));
        await (await RentalsApi.BookAsync(c, rental, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheSameIdempotencyKey_BooksOnce()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 2))["id"]!;
        var c = await platform.NewUserAsync();
        var from = Today.AddDays(4);
        var first = await (await RentalsApi.BookAsync(c, rental, from, from.AddDays(1), key: "k1")).JsonAsync(HttpStatusCode.Created);
        var again = await (await RentalsApi.BookAsync(c, rental, from, from.AddDays(1), key: "k1")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal((string)first["id"]!, (string)again["id"]!);
        Assert.Equal(new[] { 1, 1 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, from, from.AddDays(1)));
    }

    [Fact]
    public async Task AReturnWithDamage_KeepsThatPartOfTheDeposit_ReleasesTheRest_Once()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, deposit: 100000))["id"]!;
        var c = await platform.NewUserAsync();
        var booking = await (await RentalsApi.BookAsync(c, rental, Today, Today.AddDays(1))).JsonAsync(HttpStatusCode.Created);
        var id = (string)booking["id"]!;

        // The customer cannot hand over or inspect; a stranger does not even see the booking.
        Assert.Equal(HttpStatusCode.Forbidden, (await c.Http.PostAsync($"/api/bookings/{id}/pickup", null)).StatusCode);
        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/bookings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsJsonAsync($"/api/bookings/{id}/return", new { condition = "ok" })).StatusCode);

        var picked = await (await owner.Http.PostAsync($"/api/bookings/{id}/pickup", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("PickedUp", (string)picked["status"]!);
        Assert.Contains(picked["payments"]!.AsArray(), p => (string)p!["kind"]! == "capture" && (string)p["for"]! == "rent");

        // Five staff members press "return" at once: the deposit is settled once.
        var body = new { condition = "scratched frame", damageCharge = new { amount = 30000, currency = "KRW" }, notes = "Scratch on the top tube" };
        var returns = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => owner.Http.PostAsJsonAsync($"/api/bookings/{id}/return", body)));
        Assert.All(returns, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var done = await (await owner.Http.GetAsync($"/api/bookings/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Returned", (string)done["status"]!);
        Assert.Equal(70000m, (decimal)done["depositRefunded"]!["amount"]!);
        var charge = Assert.Single(done["charges"]!.AsArray());
        Assert.Equal("damage", (string)charge!["kind"]!);
        Assert.Equal(30000m, (decimal)charge["amount"]!["amount"]!);

        var deposit = (await platform.IntentAsync(BookingService.DepositPurpose(id)))!;
        Assert.Equal(30000m, deposit.Captured.Amount);
        var ledger = await platform.SandboxEntriesAsync(deposit.Id);
        Assert.Single(ledger, e => e.Approved && e.Operation == Dots.Modules.Payments.PaymentOperation.Capture);
        Assert.DoesNotContain(ledger, e => e.Approved && e.Operation == Dots.Modules.Payments.PaymentOperation.Void);
        var rent = (await platform.IntentAsync(BookingService.RentPurpose(id)))!;
        Assert.Single(await platform.SandboxEntriesAsync(rent.Id), e => e.Approved && e.Operation == Dots.Modules.Payments.PaymentOperation.Capture);

        // Returning again answers the same and moves nothing.
        var again = await (await owner.Http.PostAsJsonAsync($"/api/bookings/{id}/return", new { condition = "fine" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(70000m, (decimal)again["depositRefunded"]!["amount"]!);
        Assert.Equal(ledger.Count, (await platform.SandboxEntriesAsync(deposit.Id)).Count);

        var mine = await (await c.Http.GetAsync("/api/me/rentals")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, (string)mine["items"]![0]!["id"]!);
    }

    [Fact]
    public async Task AReturnWithoutCharges_VoidsTheWholeDepositHold_AndAnEarlyReturnFreesTheRest()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, bufferDays: 1))["id"]!;
        var c = await platform.NewUserAsync();
        var id = (string)(await (await RentalsApi.BookAsync(c, rental, Today, Today.AddDays(5))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var done = await (await owner.Http.PostAsJsonAsync($"/api/bookings/{id}/return", new { condition = "good" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(100000m, (decimal)done["depositRefunded"]!["amount"]!);
        Assert.Empty(done["charges"]!.AsArray());
        Assert.Equal("Voided", (await platform.IntentAsync(BookingService.DepositPurpose(id)))!.Status);
        Assert.Equal("Captured", (await platform.IntentAsync(BookingService.RentPurpose(id)))!.Status);
        // Returned today: today and its buffer day stay taken, the rest of the week is free again.
        Assert.Equal(new[] { 0, 0, 1, 1, 1, 1, 1 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, Today, Today.AddDays(6)));
    }

    [Fact]
    public async Task AUnitInRepair_IsOutOfTheCalendar_AndAUnitWithBookingsAheadCannotBeRetired()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = await RentalsApi.CreateRentalAsync(owner, shop, units: 2);
        var id = (string)rental["id"]!;
        var units = rental["units"]!.AsArray().Select(u => (string)u!["id"]!).ToList();
        var from = Today.AddDays(3);
        Assert.Equal(new[] { 2, 2 }, await RentalsApi.FreeAsync(owner.Http, id, from, from.AddDays(1)));
        await (await owner.Http.PostAsJsonAsync($"/api/rentals/{id}/units/{units[0]}/status", new { status = "repair", note = "Brakes" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { 1, 1 }, await RentalsApi.FreeAsync(owner.Http, id, from, from.AddDays(1)));

        var c = await platform.NewUserAsync();
        var booking = await (await RentalsApi.BookAsync(c, id, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(units[1], (string)booking["unitId"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await RentalsApi.BookAsync(c, id, from, from.AddDays(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.Http.PostAsJsonAsync($"/api/rentals/{id}/units/{units[1]}/status", new { status = "sold" })).StatusCode);

        await (await owner.Http.PostAsJsonAsync($"/api/rentals/{id}/units/{units[0]}/status", new { status = "available", note = "Fixed" })).JsonAsync(HttpStatusCode.OK);
        await (await RentalsApi.BookAsync(c, id, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created);
        await (await owner.Http.PostAsJsonAsync($"/api/rentals/{id}/units/{units[0]}/status", new { status = "repair" })).JsonAsync(HttpStatusCode.OK);

        var history = await (await owner.Http.GetAsync($"/api/rentals/{id}/units/{units[0]}/history")).JsonAsync(HttpStatusCode.OK);
        var kinds = history["events"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Contains("repair", kinds);
        Assert.Contains("repaired", kinds);
        Assert.Contains("booked", kinds);
        Assert.Single(history["bookings"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await c.Http.GetAsync($"/api/rentals/{id}/units/{units[0]}/history")).StatusCode);
    }

    [Fact]
    public async Task CancellingBeforeHandOver_ReleasesBothHolds_AndTheDays()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop))["id"]!;
        var c = await platform.NewUserAsync();
        var from = Today.AddDays(7);
        var id = (string)(await (await RentalsApi.BookAsync(c, rental, from, from)).JsonAsync(HttpStatusCode.Created))["id"]!;
        var cancelled = await (await c.Http.PostAsync($"/api/bookings/{id}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string)cancelled["status"]!);
        Assert.Equal("Voided", (await platform.IntentAsync(BookingService.RentPurpose(id)))!.Status);
        Assert.Equal("Voided", (await platform.IntentAsync(BookingService.DepositPurpose(id)))!.Status);
        Assert.Equal(new[] { 1 }, await RentalsApi.FreeAsync(c.Http, rental, from, from));
        await (await c.Http.PostAsync($"/api/bookings/{id}/cancel", null)).JsonAsync(HttpStatusCode.OK);
    }
}
