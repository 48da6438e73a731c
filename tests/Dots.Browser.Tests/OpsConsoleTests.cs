using Dots.Modules.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>An operator finds the operations pages from the account page; a customer sees no such links.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OpsConsoleTests(AppFixture app)
{
    [Fact]
    public async Task AnOperator_ReachesThePaymentsPageFromTheAccountPage_ACustomerSeesNoOperations()
    {
        var email = Journeys.NewEmail("ops");
        var page = await app.NewPageAsync();
        await Journeys.RegisterAsync(page, email);
        await page.GotoAsync("/account");
        await Expect(page.GetByTestId("account-email")).ToHaveTextAsync(email);
        await Expect(page.GetByTestId("ops-links")).ToHaveCountAsync(0);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().GrantAsync(email, Roles.Operator, CancellationToken.None);
        }
        await page.Context.ClearCookiesAsync();
        await Journeys.SignInAsync(page, email, Journeys.Password);
        await page.GotoAsync("/account");
        await Expect(page.GetByTestId("ops-links").Locator("a")).ToHaveCountAsync(5);
        await AppFixture.ScreenshotAsync(page, "ops-account-desktop");

        await page.GetByTestId("ops-links").GetByRole(AriaRole.Link, new() { Name = "Payments" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ops/payments$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Money waiting on the provider" })).ToBeVisibleAsync();
        await page.GetByTestId("run-payouts").ClickAsync();
        await Expect(page.GetByTestId("payouts-ran")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("payout-runs").Locator("tbody tr").First).ToContainTextAsync("An operator");
        await AppFixture.ScreenshotAsync(page, "ops-payments-desktop");
        await page.Context.CloseAsync();
    }
}
