using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Payments;
using Dots.Modules.Rentals;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Rentals;

/// <summary>The deposit hold released in full exactly once, checked against the sandbox provider's ledger (the capture path is in RentalsApiTests).</summary>
public sealed class DepositLedgerTests(RentalsPlatform platform) : IClassFixture<RentalsPlatform>
{
    [Fact]
    public async Task RacingReturnsWithoutCharges_VoidTheDepositHoldOnce_AndCaptureNothingOfIt()
    {
        var today = RentalsApi.SeoulToday(platform.Clock);
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop))["id"]!;
        var customer = await platform.NewUserAsync();
        var id = (string)(await (await RentalsApi.BookAsync(customer, rental, today, today.AddDays(2))).JsonAsync(HttpStatusCode.Created))["id"]!;
        await (await owner.Http.PostAsync($"/api/bookings/{id}/pickup", null)).JsonAsync(HttpStatusCode.OK);

        var returns = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => owner.Http.PostAsJsonAsync($"/api/bookings/{id}/return", new { condition = "good" })));
        Assert.All(returns, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        await (await owner.Http.PostAsJsonAsync($"/api/bookings/{id}/return", new { condition = "good" })).JsonAsync(HttpStatusCode.OK);

        var deposit = (await platform.IntentAsync(BookingService.DepositPurpose(id)))!;
        Assert.Equal("Voided", deposit.Status);
        var ledger = await platform.SandboxEntriesAsync(deposit.Id);
        Assert.Single(ledger, e => e.Approved && e.Operation == PaymentOperation.Void);
        Assert.DoesNotContain(ledger, e => e.Approved && e.Operation == PaymentOperation.Capture);
        var rent = (await platform.IntentAsync(BookingService.RentPurpose(id)))!;
        Assert.Single(await platform.SandboxEntriesAsync(rent.Id), e => e.Approved && e.Operation == PaymentOperation.Capture);
    }
}
