using System.Net;
using Dots.Infrastructure.Http;
using Dots.Modules.Payments;
using Dots.Modules.Rentals;
using Dots.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Rentals;

/// <summary>The web booking form goes through the same idempotency store as the API, keyed by its hidden form key.</summary>
public sealed class RentalWebFormTests(RentalsPlatform platform) : IClassFixture<RentalsPlatform>
{
    private DateOnly Today => RentalsApi.SeoulToday(platform.Clock);

    private async Task<BookingDto> SubmitAsync(string rentalId, string userId, string formKey, CreateBookingRequest request)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BookingService>().BookOnceAsync(rentalId, userId, formKey, request, CancellationToken.None);
    }

    private static CreateBookingRequest Request(DateOnly from, DateOnly to, string card = Api.ApprovedCard) => new(
        from.ToString("yyyy-MM-dd"), to.ToString("yyyy-MM-dd"),
        new BookingAddressDto("Kim Ji-won", "152 Teheran-ro", null, "Seoul", "06236", "010-1234-5678", null, null),
        new BookingPaymentDto("card", card));

    [Fact]
    public async Task ThreeRacingSubmitsOfOneBookingForm_BookOnce_AndHoldTheCardOnce()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 3))["id"]!;
        var customer = await platform.NewUserAsync();
        var userId = await RentalsPlatform.UserIdAsync(customer);
        var from = Today.AddDays(6);
        var request = Request(from, from.AddDays(2));
        var formKey = Guid.NewGuid().ToString("N");

        var submits = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => SubmitAsync(rental, userId, formKey, request))));

        var id = Assert.Single(submits.Select(b => b.Id).Distinct());
        Assert.All(submits, b => Assert.Equal("Confirmed", b.Status));
        // One unit taken out of three; one rent hold and one deposit hold, each authorised once at the provider.
        Assert.Equal(new[] { 2, 2, 2 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, from, from.AddDays(2)));
        Assert.Equal(2, await platform.IntentsOfPayerAsync(userId));
        foreach (var purpose in new[] { BookingService.RentPurpose(id), BookingService.DepositPurpose(id) })
        {
            var intent = (await platform.IntentAsync(purpose))!;
            Assert.Single(await platform.SandboxEntriesAsync(intent.Id), e => e.Approved && e.Operation == PaymentOperation.Authorize);
        }
        var mine = await (await customer.Http.GetAsync("/api/me/rentals")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(mine["items"]!.AsArray(), b => (string)b!["rentalId"]! == rental);

        // A later submit of the same form (a reload of the POST) answers the same booking and moves nothing.
        var again = await SubmitAsync(rental, userId, formKey, request);
        Assert.Equal(id, again.Id);
        Assert.Equal(2, await platform.IntentsOfPayerAsync(userId));
    }

    [Fact]
    public async Task ADeclinedFormSubmit_IsReplayedAsTheSameDecline_AndAFreshFormKeyBooks()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop))["id"]!;
        var customer = await platform.NewUserAsync();
        var userId = await RentalsPlatform.UserIdAsync(customer);
        var from = Today.AddDays(9);
        var declined = Request(from, from.AddDays(1), Api.DeclinedCard);
        var formKey = Guid.NewGuid().ToString("N");

        await Assert.ThrowsAsync<Dots.Infrastructure.PaymentDeclinedException>(() => SubmitAsync(rental, userId, formKey, declined));
        await Assert.ThrowsAsync<Dots.Infrastructure.PaymentDeclinedException>(() => SubmitAsync(rental, userId, formKey, declined));
        // The same key with another body is refused rather than silently booking something else.
        await Assert.ThrowsAsync<Dots.Infrastructure.ConflictException>(() => SubmitAsync(rental, userId, formKey, Request(from, from.AddDays(1))));
        var booked = await SubmitAsync(rental, userId, Guid.NewGuid().ToString("N"), Request(from, from.AddDays(1)));
        Assert.Equal("Confirmed", booked.Status);
        Assert.Equal(new[] { 0, 0 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, from, from.AddDays(1)));
    }
}
