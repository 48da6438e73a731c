using System.Net;
using System.Text.RegularExpressions;
using Dots.Infrastructure;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Payments;

/// <summary>
/// The operators' payments page (<c>/ops/payments</c>, signed in with the site's cookie): a hold the provider refuses to
/// release is listed with what is waiting, its amount and refusals, in English and Korean, until the provider releases
/// it; the payout button pays; a customer gets no page and strangers are sent to sign in.
/// </summary>
public sealed class OpsPaymentsPageTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task AHoldTheProviderRefusesToRelease_IsListedForOperators_UntilItIsReleased()
    {
        var web = await platform.CookieClientAsync((await platform.NewOperatorAsync()).Email);
        var faults = platform.Services.GetRequiredService<SandboxFaults>();
        var purpose = "test:ops-page:" + Guid.NewGuid().ToString("N")[..8];
        faults.Inject(SandboxFaultMode.Decline, -1, PaymentOperation.Void);
        try
        {
            await using (var scope = platform.Services.CreateAsyncScope())
            {
                var payments = scope.ServiceProvider.GetRequiredService<PaymentService>();
                await payments.AuthorizeAsync(purpose, "payer-1", new Money(12_500m, "KRW"), new PaymentCard(Api.ApprovedCard), null, CancellationToken.None);
                await Assert.ThrowsAnyAsync<Exception>(() => payments.VoidAsync(purpose, CancellationToken.None));
            }

            var row = Row(await PageAsync(web), purpose);
            Assert.NotNull(row);
            Assert.Contains("A hold still placed", row);
            Assert.Contains("12,500", row);

            Assert.Equal(HttpStatusCode.Redirect, (await web.GetAsync("/culture?c=ko&returnUrl=/ops/payments")).StatusCode);
            Assert.Contains("아직 걸려 있는 승인 보류", Row(await PageAsync(web), purpose));
            await web.GetAsync("/culture?c=en&returnUrl=/ops/payments");
        }
        finally
        {
            faults.Clear();
        }

        // The provider agrees again: the outbox's retry (or this call) releases the hold, and it leaves the list.
        await Eventually.UntilAsync(async () =>
        {
            await using var scope = platform.Services.CreateAsyncScope();
            try
            {
                return (await scope.ServiceProvider.GetRequiredService<PaymentService>().VoidAsync(purpose, CancellationToken.None)).Status == "Voided";
            }
            catch (ConflictException)
            {
                return false; // the outbox's retry is releasing it right now
            }
        }, "the hold to be released once the provider agrees");
        Assert.Null(Row(await PageAsync(web), purpose));
    }

    [Fact]
    public async Task ThePayoutButton_RunsPayouts_AndThePageSaysSo()
    {
        var web = await platform.CookieClientAsync((await platform.NewOperatorAsync()).Email);
        var page = await PageAsync(web);

        var ran = await web.PostAsync("/ops/payments/payouts", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebForms.Hidden(page)["__RequestVerificationToken"] }));

        Assert.Equal(HttpStatusCode.Redirect, ran.StatusCode);
        Assert.Equal("/ops/payments?toast=payouts-ran", ran.Headers.Location!.ToString());
        var after = await PageAsync(web, "/ops/payments?toast=payouts-ran");
        Assert.Contains("data-testid=\"payouts-ran\"", after);
        Assert.Contains("data-testid=\"payout-runs\"", after);
        Assert.Contains(">An operator<", after);
    }

    [Fact]
    public async Task RunningPayouts_WithoutThePagesToken_OrAsACustomer_IsRefused_AndRunsNothing()
    {
        var runsBefore = await RunCountAsync();
        var op = await platform.CookieClientAsync((await platform.NewOperatorAsync()).Email);
        await PageAsync(op);

        // A post from elsewhere (no antiforgery token) carries the operator's cookie but is refused.
        var forged = await op.PostAsync("/ops/payments/payouts", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("did not come from this site", await forged.Content.ReadAsStringAsync());

        // A signed-in customer with a valid token of their own page is told it is for operators.
        var customer = await platform.CookieClientAsync((await platform.NewUserAsync()).Email);
        var account = await (await customer.GetAsync("/account")).Content.ReadAsStringAsync();
        var refused = await customer.PostAsync("/ops/payments/payouts", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebForms.Hidden(account)["__RequestVerificationToken"] }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only operators can run payouts", await refused.Content.ReadAsStringAsync());

        Assert.Equal(runsBefore, await RunCountAsync());
    }

    private async Task<int> RunCountAsync()
    {
        await using var scope = platform.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<PayoutLedger>().RecentRunsAsync(1000, CancellationToken.None)).Count;
    }

    [Fact]
    public async Task ACustomer_GetsNoPaymentsPage_AndAStrangerIsSentToSignIn()
    {
        var customer = await platform.CookieClientAsync((await platform.NewUserAsync()).Email);
        Assert.NotEqual(HttpStatusCode.OK, (await customer.GetAsync("/ops/payments")).StatusCode);

        var stranger = platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await stranger.GetAsync("/ops/payments");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/login", response.Headers.Location!.ToString());
    }

    private static async Task<string> PageAsync(HttpClient web, string path = "/ops/payments")
    {
        var response = await web.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The attention table's row naming <paramref name="purpose"/>, as text; null when it is not listed.</summary>
    private static string? Row(string html, string purpose) =>
        Regex.Matches(html, "<tr>(.*?)</tr>", RegexOptions.Singleline).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).FirstOrDefault(r => r.Contains(purpose));
}
