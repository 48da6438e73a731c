using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dots.Cli;
using Dots.Infrastructure;
using Dots.Modules.Identity;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Payments;

public sealed class PaymentsApiTests(PaymentsPlatform platform) : IClassFixture<PaymentsPlatform>
{
    private static async Task<string> IdOfAsync(UserClient user) =>
        (string)(await (await user.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK))["id"]!;

    [Fact]
    public async Task GetPayment_ShowsThePayerTheirPayment_AndIs404ForAnyoneElse()
    {
        var buyer = await platform.NewUserAsync();
        var stranger = await platform.NewUserAsync();
        var buyerId = await IdOfAsync(buyer);
        var paid = await platform.PaymentsAsync(p => p.PayAsync("order:" + Ids.New(), buyerId, new Money(12900, "KRW"), new PaymentCard("4242424242424242"), CancellationToken.None));

        var mine = await (await buyer.Http.GetAsync($"/api/payments/{paid.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Captured", (string?)mine["status"]);
        Assert.Equal(["authorize", "capture"], mine["payments"]!.AsArray().Select(x => (string)x!["kind"]!).ToArray());
        Assert.Equal(12900m, (decimal)mine["amount"]!["amount"]!);
        Assert.Equal("KRW", (string?)mine["amount"]!["currency"]);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/payments/{paid.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.Http.GetAsync($"/api/payments/{Ids.New()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().GetAsync($"/api/payments/{paid.Id}")).StatusCode);
    }

    [Fact]
    public async Task RunPayouts_IsForOperatorsOnly_AndAnswers201WithTheRun()
    {
        var shop = Ids.New();
        await platform.LedgerAsync(l => l.BookSaleAsync(shop, Ids.New(), "part-1", new Money(10000, "KRW"), 0.1m, CancellationToken.None, DateTimeOffset.UtcNow.AddDays(-30)));
        var user = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.PostAsJsonAsync("/api/ops/payouts/run", new { })).StatusCode);

        await using (var scope = platform.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().GrantAsync(user.Email, Roles.Operator, CancellationToken.None);
        }
        var login = await (await platform.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = UserClient.Password })).JsonAsync(HttpStatusCode.OK);
        var operatorClient = platform.CreateClient();
        operatorClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);

        var response = await operatorClient.PostAsJsonAsync("/api/ops/payouts/run", new { });
        var run = await response.JsonAsync(HttpStatusCode.Created);
        var payout = run["payouts"]!.AsArray().Single(p => (string?)p!["shopId"] == shop)!;
        Assert.Equal(9000m, (decimal)payout["amount"]!["amount"]!);
        Assert.Equal($"/api/ops/payouts/runs/{run["id"]}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task PayoutsRun_FromTheCommandLine_PaysSettledShops_AndRejectsABadDate()
    {
        var shop = Ids.New();
        var asOf = DateTimeOffset.UtcNow.AddDays(30);
        await platform.LedgerAsync(l => l.BookSaleAsync(shop, Ids.New(), "part-1", new Money(20000, "KRW"), 0.1m, CancellationToken.None));

        Assert.Equal(2, await DotsCli.RunAsync(["payouts", "run", "--as-of", "next tuesday", .. platform.CliDatabaseArgs, "--Logging:LogLevel:Default=Warning"]));
        var exit = await DotsCli.RunAsync(["payouts", "run", "--as-of", asOf.ToString("O"), .. platform.CliDatabaseArgs, "--Seed:Demo=false", "--Payments:RunJobs=false", "--Logging:LogLevel:Default=Warning"]);

        Assert.Equal(0, exit);
        var balance = Assert.Single(await platform.LedgerAsync(l => l.BalanceAsync(shop, CancellationToken.None)));
        Assert.Equal(18000m, balance.Paid.Amount);
        Assert.Equal(0m, balance.Balance.Amount);
    }

    [Fact]
    public async Task ShopPayoutRuns_ShowTheOwnerTheBalanceAndPayouts_AndNobodyElse()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        await platform.LedgerAsync(l => l.BookSaleAsync(shopId, Ids.New(), "part-1", new Money(50000, "KRW"), 0.1m, CancellationToken.None, DateTimeOffset.UtcNow.AddDays(-8)));
        await platform.LedgerAsync(l => l.RunPayoutsAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        var mine = await (await owner.Http.GetAsync($"/api/shops/{shopId}/payout-runs")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(45000m, (decimal)mine["payouts"]![0]!["amount"]!["amount"]!);
        Assert.Equal(45000m, (decimal)mine["balances"]![0]!["paid"]!["amount"]!);
        Assert.Equal(0m, (decimal)mine["balances"]![0]!["balance"]!["amount"]!);

        var stranger = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.GetAsync($"/api/shops/{shopId}/payout-runs")).StatusCode);
    }

    [Fact]
    public void APageThatInjectedThePaymentServices_WouldBeCaughtByTheArchitectureGuard()
    {
        Assert.True(Architecture.ComponentDataAccessTests.HoldsDbContext(typeof(PaymentService), []));
        Assert.True(Architecture.ComponentDataAccessTests.HoldsDbContext(typeof(PayoutLedger), []));
    }
}
