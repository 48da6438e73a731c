using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Rentals;

/// <summary>A platform of its own: these tests move the clock.</summary>
public sealed class RentalTimePlatform : RentalsPlatform;

public sealed class RentalTimeTests(RentalTimePlatform platform) : IClassFixture<RentalTimePlatform>
{
    [Fact]
    public async Task Today_IsTheShopsLocalDate_AroundMidnightInSeoul()
    {
        // 23:30 in Seoul on 1 December (14:30 UTC): 1 December is still bookable.
        platform.Clock.Set(new DateTimeOffset(2026, 12, 1, 14, 30, 0, TimeSpan.Zero));
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner, "Asia/Seoul");
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 2, bufferDays: 0))["id"]!;
        var c = await platform.NewUserAsync();
        await (await RentalsApi.BookAsync(c, rental, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 2))).JsonAsync(HttpStatusCode.Created);

        // 00:30 in Seoul on 2 December (15:30 UTC, still 1 December in UTC): 1 December is past.
        platform.Clock.Set(new DateTimeOffset(2026, 12, 1, 15, 30, 0, TimeSpan.Zero));
        var raw = await RentalsApi.BookAsync(c, rental, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 2));
        var problem = await raw.JsonAsync(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"] is not null, raw.Headers.ToString() + raw.Content.Headers.ToString());
        Assert.True(problem["errors"]?["from"] is not null, problem.ToJsonString());
        Assert.Equal(new[] { 0, 1 }, await RentalsApi.FreeAsync(c.Http, rental, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 2)));
    }

    [Fact]
    public async Task AShopInLosAngeles_CountsDaysInItsOwnZone()
    {
        // 20:00 on 5 December in Los Angeles is already 6 December in UTC and Seoul.
        platform.Clock.Set(new DateTimeOffset(2026, 12, 6, 4, 0, 0, TimeSpan.Zero));
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner, "America/Los_Angeles");
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 1, bufferDays: 0))["id"]!;
        var c = await platform.NewUserAsync();
        var booked = await (await RentalsApi.BookAsync(c, rental, new DateOnly(2026, 12, 5), new DateOnly(2026, 12, 5))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("2026-12-05", (string)booked["from"]!);
    }

    [Fact]
    public async Task ALateReturn_ChargesTheLateDaysByRule_OnTopOfDamage_AndOutstandingBeyondTheDeposit()
    {
        platform.Clock.Set(new DateTimeOffset(2026, 12, 10, 1, 0, 0, TimeSpan.Zero)); // 10:00 in Seoul
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, day: 10000, deposit: 50000, bufferDays: 1))["id"]!;
        var c = await platform.NewUserAsync();
        var a = (string)(await (await RentalsApi.BookAsync(c, rental, new DateOnly(2026, 12, 10), new DateOnly(2026, 12, 12))).JsonAsync(HttpStatusCode.Created))["id"]!;
        await (await owner.Http.PostAsync($"/api/bookings/{a}/pickup", null)).JsonAsync(HttpStatusCode.OK);

        // Back on 14 December: two late days at 1.5 × 10,000 = 30,000, plus 10,000 damage = 40,000 of the 50,000 deposit.
        platform.Clock.Set(new DateTimeOffset(2026, 12, 14, 2, 0, 0, TimeSpan.Zero));
        var staff = await platform.LoginAsync(owner.Email);
        var done = await (await staff.Http.PostAsJsonAsync($"/api/bookings/{a}/return", new { condition = "worn", damageCharge = new { amount = 10000, currency = "KRW" }, notes = "Bent bell" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(10000m, (decimal)done["depositRefunded"]!["amount"]!);
        var charges = done["charges"]!.AsArray().ToDictionary(x => (string)x!["kind"]!, x => (decimal)x!["amount"]!["amount"]!);
        Assert.Equal(30000m, charges["late"]);
        Assert.Equal(10000m, charges["damage"]);
        Assert.Equal(0m, (decimal)done["outstanding"]!["amount"]!);
        // The unit is held through the late return and its buffer day, then free.
        Assert.Equal(new[] { 0, 1 }, await RentalsApi.FreeAsync(staff.Http, rental, new DateOnly(2026, 12, 15), new DateOnly(2026, 12, 16)));

        // A second rental comes back four days late and broken: the deposit is kept whole, the rest is outstanding.
        var c2 = await platform.LoginAsync(c.Email);
        var b = (string)(await (await RentalsApi.BookAsync(c2, rental, new DateOnly(2026, 12, 20), new DateOnly(2026, 12, 21))).JsonAsync(HttpStatusCode.Created))["id"]!;
        platform.Clock.Set(new DateTimeOffset(2026, 12, 25, 2, 0, 0, TimeSpan.Zero));
        staff = await platform.LoginAsync(owner.Email);
        var broken = await (await staff.Http.PostAsJsonAsync($"/api/bookings/{b}/return", new { condition = "broken", damageCharge = new { amount = 45000, currency = "KRW" }, sendToRepair = true })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0m, (decimal)broken["depositRefunded"]!["amount"]!);
        Assert.Equal(55000m, (decimal)broken["outstanding"]!["amount"]!); // 4 × 15,000 + 45,000 − 50,000
        var deposit = (await platform.IntentAsync(Dots.Modules.Rentals.BookingService.DepositPurpose(b)))!;
        Assert.Equal(50000m, deposit.Captured.Amount);
        // Sent to repair: out of the calendar.
        Assert.Equal(new[] { 0, 0 }, await RentalsApi.FreeAsync(staff.Http, rental, new DateOnly(2026, 12, 28), new DateOnly(2026, 12, 29)));
    }
}
