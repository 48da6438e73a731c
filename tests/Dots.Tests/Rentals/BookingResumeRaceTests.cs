using System.Net;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Payments;
using Dots.Modules.Rentals;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Rentals;

/// <summary>
/// Resumes of one booking racing each other (two retries taking over its claim, or a retry and a first try still
/// running): the one that loses Payments' race for a hold waits for the winner's outcome instead of failing the booking,
/// and failing a booking is a compare-and-set from Pending — so no resume marks Failed (or voids the holds of, or frees
/// the unit of) a booking another completes.
/// </summary>
public sealed class BookingResumeRaceTests(RentalsPlatform platform) : IClassFixture<RentalsPlatform>
{
    private DateOnly Today => RentalsApi.SeoulToday(platform.Clock);

    [Fact]
    public async Task ConcurrentResumesOfOnePendingBooking_AllAnswerTheConfirmedBooking_WithOneHoldEach_AndTheUnitKept()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 1, bufferDays: 0))["id"]!;
        var customer = await platform.NewUserAsync();
        var userId = await RentalsPlatform.UserIdAsync(customer);
        var request = new CreateBookingRequest(null, null,
            new BookingAddressDto("Kim Ji-won", "152 Teheran-ro", null, "Seoul", "06236", "010-1234-5678", null, null),
            new BookingPaymentDto("card", Api.ApprovedCard));

        // Several rounds: each is a booking whose first try died after its claim committed and before its holds,
        // resumed by three callers at once.
        for (var round = 0; round < 4; round++)
        {
            var from = Today.AddDays(5 + round * 3);
            var booked = await (await RentalsApi.BookAsync(customer, rental, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created);
            var id = (string)booked["id"]!;
            await platform.WithDbAsync(async db =>
            {
                var purposes = new[] { BookingService.RentPurpose(id), BookingService.DepositPurpose(id) };
                var intents = db.Set<PaymentIntent>().Where(i => purposes.Contains(i.Purpose));
                await db.Set<PaymentAttempt>().Where(a => intents.Any(i => i.Id == a.IntentId)).ExecuteDeleteAsync();
                await intents.ExecuteDeleteAsync();
                return await db.Set<RentalBooking>().Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Pending));
            });

            var resumed = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                await using var scope = platform.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<BookingService>().ResumeAsync(id, userId, request);
            })));

            Assert.All(resumed, b => Assert.Equal((id, "Confirmed"), (b!.Id, b.Status)));
            Assert.Equal("Confirmed", await platform.WithDbAsync(db => db.Set<RentalBooking>().Where(b => b.Id == id).Select(b => b.Status.ToString()).FirstAsync()));
            Assert.Equal(new[] { 0, 0 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, from, from.AddDays(1)));
            foreach (var purpose in new[] { BookingService.RentPurpose(id), BookingService.DepositPurpose(id) })
            {
                var intent = (await platform.IntentAsync(purpose))!;
                Assert.Equal("Authorized", intent.Status);
                Assert.Single(await platform.SandboxEntriesAsync(intent.Id), e => e.Approved && e.Operation == PaymentOperation.Authorize);
                Assert.DoesNotContain(await platform.SandboxEntriesAsync(intent.Id), e => e.Approved && e.Operation == PaymentOperation.Void);
            }
        }
    }

    [Fact]
    public async Task AResumeWhosePaymentCanNeverBePlaced_FailsTheBookingAtOnce_FreesTheUnit_AndHoldsNothing()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 1, bufferDays: 0))["id"]!;
        var customer = await platform.NewUserAsync();
        var userId = await RentalsPlatform.UserIdAsync(customer);
        var request = new CreateBookingRequest(null, null,
            new BookingAddressDto("Kim Ji-won", "152 Teheran-ro", null, "Seoul", "06236", "010-1234-5678", null, null),
            new BookingPaymentDto("card", Api.ApprovedCard));
        var from = Today.AddDays(20);
        var id = (string)(await (await RentalsApi.BookAsync(customer, rental, from, from.AddDays(1))).JsonAsync(HttpStatusCode.Created))["id"]!;
        // The booking is Pending again (its first try "died" before confirming), and its rent hold was released meanwhile:
        // a voided payment is never placed again, so waiting for it would only end in a 503 after half a minute.
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PaymentService>().VoidAsync(BookingService.RentPurpose(id), CancellationToken.None);
        }
        await platform.WithDbAsync(db => db.Set<RentalBooking>().Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Pending)));

        await using (var scope = platform.Services.CreateAsyncScope())
        {
            // A 409 now (not a 503 after waiting for an outcome no call is deciding).
            await Assert.ThrowsAsync<ConflictException>(() => scope.ServiceProvider.GetRequiredService<BookingService>().ResumeAsync(id, userId, request));
        }

        Assert.Equal("Failed", await platform.WithDbAsync(db => db.Set<RentalBooking>().Where(b => b.Id == id).Select(b => b.Status.ToString()).FirstAsync()));
        Assert.Equal(new[] { 1, 1 }, await RentalsApi.FreeAsync(platform.CreateClient(), rental, from, from.AddDays(1)));
        Assert.NotEqual("Authorized", (await platform.IntentAsync(BookingService.DepositPurpose(id)))!.Status);
    }
}
