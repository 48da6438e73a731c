using System.Net;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Rentals;

public sealed class RentalConcurrencyPlatform : RentalsPlatform;

public sealed class RentalConcurrencyTests(RentalConcurrencyPlatform platform) : IClassFixture<RentalConcurrencyPlatform>
{
    [Fact]
    public async Task FiftyCustomersRaceForTheLastUnitsWeek_ExactlyOneWins_TheOthersAre409AndChargedNothing()
    {
        var owner = await platform.NewUserAsync();
        var shop = await RentalsApi.OpenShopAsync(owner);
        var rental = (string)(await RentalsApi.CreateRentalAsync(owner, shop, units: 2, bufferDays: 1))["id"]!;
        var from = RentalsApi.SeoulToday(platform.Clock).AddDays(14);
        // One unit is already taken that week: the race is for the last one.
        var early = await platform.NewUserAsync();
        await (await RentalsApi.BookAsync(early, rental, from, from.AddDays(6))).JsonAsync(HttpStatusCode.Created);

        var customers = new List<UserClient>();
        for (var i = 0; i < 50; i++)
        {
            customers.Add(await platform.NewUserAsync());
        }
        var gate = new TaskCompletionSource();
        var racers = customers.Select(c => Task.Run(async () =>
        {
            await gate.Task;
            return await RentalsApi.BookAsync(c, rental, from, from.AddDays(6));
        })).ToList();
        gate.SetResult();
        var responses = await Task.WhenAll(racers);

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(49, statuses.Count(s => s == HttpStatusCode.Conflict));
        var winner = customers[statuses.IndexOf(HttpStatusCode.Created)];
        foreach (var (customer, status) in customers.Zip(statuses))
        {
            var intents = await platform.IntentsOfPayerAsync(await RentalsPlatform.UserIdAsync(customer));
            Assert.Equal(customer == winner ? 2 : 0, intents);
        }
        Assert.All(await RentalsApi.FreeAsync(owner.Http, rental, from, from.AddDays(7)), f => Assert.Equal(0, f));
    }
}
