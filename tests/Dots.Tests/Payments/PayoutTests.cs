using Dots.Infrastructure;
using Dots.Modules.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Payments;

public sealed class PayoutTests(PaymentsPlatform platform) : IClassFixture<PaymentsPlatform>
{
    private static Money Krw(decimal amount) => new(amount, "KRW");

    private DateTimeOffset Now => platform.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    private Task<bool> SaleAsync(string shopId, string orderId, decimal gross, DateTimeOffset at) =>
        platform.LedgerAsync(l => l.BookSaleAsync(shopId, orderId, "part-1", Krw(gross), 0.10m, CancellationToken.None, at));

    [Fact]
    public async Task APayoutRun_PaysEachShopItsSettledBalance_WithRefundsNetted()
    {
        var now = Now;
        string maker = Ids.New(), bakery = Ids.New(), refunded = Ids.New();
        var order1 = Ids.New();
        await SaleAsync(maker, order1, 100000, now.AddDays(-10));            // settled: 100000 - 10000 commission
        await SaleAsync(maker, Ids.New(), 50000, now.AddDays(-1));           // too recent to pay
        await platform.LedgerAsync(l => l.BookRefundAsync(maker, order1, "part-1", "return-1", Krw(20000), null, CancellationToken.None, now.AddDays(-1)));
        await SaleAsync(bakery, Ids.New(), 30000, now.AddDays(-8));
        var order3 = Ids.New();
        await SaleAsync(refunded, order3, 10000, now.AddDays(-9));
        await platform.LedgerAsync(l => l.BookRefundAsync(refunded, order3, "part-1", "cancel", Krw(10000), null, CancellationToken.None, now.AddDays(-2)));

        var run = (await platform.LedgerAsync(l => l.RunPayoutsAsync(now, CancellationToken.None)))!;

        var paid = run.Payouts.Where(p => p.ShopId == maker || p.ShopId == bakery || p.ShopId == refunded).ToDictionary(p => p.ShopId, p => p.Amount.Amount);
        Assert.Equal(100000 - 10000 - 20000 + 2000, paid[maker]);
        Assert.Equal(27000m, paid[bakery]);
        Assert.False(paid.ContainsKey(refunded));

        var balance = Assert.Single(await platform.LedgerAsync(l => l.BalanceAsync(maker, CancellationToken.None)));
        Assert.Equal(45000m, balance.Balance.Amount);
        Assert.Equal(0m, balance.Payable.Amount);
        Assert.Equal(72000m, balance.Paid.Amount);

        var next = (await platform.LedgerAsync(l => l.RunPayoutsAsync(now.AddDays(1), CancellationToken.None)))!;
        Assert.DoesNotContain(next.Payouts, p => p.ShopId == maker || p.ShopId == bakery);
        var week = (await platform.LedgerAsync(l => l.RunPayoutsAsync(now.AddDays(7), CancellationToken.None)))!;
        Assert.Equal(45000m, week.Payouts.Single(p => p.ShopId == maker).Amount.Amount);
    }

    [Fact]
    public async Task TwoPayoutRunsStartingAtOnce_PayEveryShopExactlyOnce()
    {
        var now = Now;
        var shops = Enumerable.Range(0, 6).Select(_ => Ids.New()).ToList();
        foreach (var shop in shops)
        {
            for (var i = 0; i < 5; i++)
            {
                await SaleAsync(shop, Ids.New(), 10000, now.AddDays(-8));
            }
        }

        var runs = await Task.WhenAll(
            Task.Run(() => platform.LedgerAsync(l => l.RunPayoutsAsync(now, CancellationToken.None))),
            Task.Run(() => platform.LedgerAsync(l => l.RunPayoutsAsync(now, CancellationToken.None))));

        var payouts = runs.SelectMany(r => r!.Payouts).Where(p => shops.Contains(p.ShopId)).ToList();
        Assert.Equal(shops.Order(), payouts.Select(p => p.ShopId).Order());
        Assert.All(payouts, p => Assert.Equal(45000m, p.Amount.Amount));
        foreach (var shop in shops)
        {
            var balance = Assert.Single(await platform.LedgerAsync(l => l.BalanceAsync(shop, CancellationToken.None)));
            Assert.Equal(0m, balance.Balance.Amount);
            Assert.Equal(45000m, balance.Paid.Amount);
        }
    }

    [Fact]
    public async Task BookingTheSameSaleOrRefundTwice_BooksItOnce()
    {
        var shop = Ids.New();
        var order = Ids.New();
        var at = Now.AddDays(-8);
        Assert.True(await SaleAsync(shop, order, 20000, at));
        Assert.False(await SaleAsync(shop, order, 20000, at));
        Assert.True(await platform.LedgerAsync(l => l.BookRefundAsync(shop, order, "part-1", "r1", Krw(5000), null, CancellationToken.None)));
        Assert.False(await platform.LedgerAsync(l => l.BookRefundAsync(shop, order, "part-1", "r1", Krw(5000), null, CancellationToken.None)));

        var balance = Assert.Single(await platform.LedgerAsync(l => l.BalanceAsync(shop, CancellationToken.None)));
        Assert.Equal(20000m - 2000m - 5000m + 500m, balance.Balance.Amount);
    }

    [Fact]
    public async Task TheWeeklyRun_HappensOncePerWeek()
    {
        var now = Now;
        var period = PayoutLedger.WeekOf(now) + "-t" + Ids.New()[..4];
        var first = await platform.LedgerAsync(l => l.RunPayoutsAsync(now, CancellationToken.None, "weekly", period));
        var second = await platform.LedgerAsync(l => l.RunPayoutsAsync(now, CancellationToken.None, "weekly", period));
        Assert.NotNull(first);
        Assert.Null(second);
    }
}
