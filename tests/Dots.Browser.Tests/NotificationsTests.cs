using Dots.Infrastructure;
using Dots.Modules.Identity;
using Dots.Modules.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class NotificationsTests(AppFixture app)
{
    private async Task NotifyAsync(string email, string orderNumber, decimal amount)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
        await scope.ServiceProvider.GetRequiredService<NotificationService>().NotifyAsync(new NotificationRequest(
            user!.Id, NotificationKinds.OrderPaid,
            LocalizedText.Of("Order confirmed"),
            LocalizedText.Of("Your order of {0} is confirmed. We'll let you know when it ships.", MoneyDto.Of(amount, "KRW")),
            "/orders", "browser:" + orderNumber), CancellationToken.None);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition(), "timed out");
    }

    [Fact]
    public async Task TheBellCountsNewNotificationsWhileThePageIsOpen_AndTheCentreListsThem()
    {
        var email = Journeys.NewEmail("bell");
        var page = await app.NewPageAsync();
        await Journeys.RegisterAsync(page, email);
        var bell = page.Locator("[data-notification-bell]");
        await Expect(bell).ToBeVisibleAsync();
        await Expect(page.GetByTestId("bell-count")).ToBeHiddenAsync();

        // Two orders are confirmed while the page stays open: the bell catches up without a reload.
        await NotifyAsync(email, Ids.New(), 12900);
        await NotifyAsync(email, Ids.New(), 35000);
        await page.EvaluateAsync("() => document.dispatchEvent(new Event('visibilitychange'))");
        await Expect(page.GetByTestId("bell-count")).ToHaveTextAsync("2");
        await Expect(bell).ToHaveAttributeAsync("aria-label", "Notifications, 2 unread");

        await bell.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/notifications$"));
        await Expect(page.GetByTestId("notification")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("notification").First).ToContainTextAsync("Your order of ₩35,000 is confirmed.");
        await Expect(page.GetByTestId("unread-summary")).ToHaveTextAsync("2 unread");
        await AppFixture.ScreenshotAsync(page, "desktop-notifications");

        // Opening one marks it read and follows its link.
        await page.GetByTestId("notification").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/orders$"));
        await Expect(page.GetByTestId("bell-count")).ToHaveTextAsync("1");

        // Preferences, from the account page.
        await page.GotoAsync("/account");
        await page.GetByTestId("account-notification-settings").ClickAsync();
        var row = page.Locator("tr[data-kind='order.paid']");
        await Expect(row.GetByRole(AriaRole.Checkbox, new() { Name = "Order confirmed: by e-mail" })).ToBeCheckedAsync();
        await row.GetByRole(AriaRole.Checkbox, new() { Name = "Order confirmed: by e-mail" }).UncheckAsync();
        await page.GetByLabel("English").CheckAsync();
        await page.GetByTestId("save-notification-settings").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved.");
        await Expect(row.GetByRole(AriaRole.Checkbox, new() { Name = "Order confirmed: by e-mail" })).Not.ToBeCheckedAsync();
        await Expect(row.GetByRole(AriaRole.Checkbox, new() { Name = "Order confirmed: in the app" })).ToBeCheckedAsync();
        await AppFixture.ScreenshotAsync(page, "desktop-notification-settings");

        // The confirmation e-mails went to files (the default sender); the HTML part reads on its own.
        var mailDir = Path.Combine(app.Services.GetRequiredService<DataPaths>().DataDir, "mail");
        MimeKit.MimeMessage? mail = null;
        await Eventually(() => (mail = Directory.GetFiles(mailDir, "*.eml").Select(f => MimeKit.MimeMessage.Load(f))
            .FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == email))) is not null);
        // Registered on an English page: the account's language, so the e-mail is English.
        Assert.Equal("Order confirmed", mail!.Subject);
        var mailPage = await app.NewPageAsync(phone: true);
        await mailPage.SetContentAsync(mail.HtmlBody ?? "");
        await AppFixture.ScreenshotAsync(mailPage, "phone-email");
        await mailPage.Context.CloseAsync();

        await page.GotoAsync("/notifications");
        await page.GetByTestId("read-all").ClickAsync();
        await Expect(page.GetByTestId("unread-summary")).ToHaveTextAsync("All caught up");
        await Expect(page.GetByTestId("bell-count")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OnAKoreanPhone_TheCentreAndSettingsRead()
    {
        var email = Journeys.NewEmail("bell-ko");
        var page = await app.NewPageAsync(phone: true, locale: "ko-KR");
        await page.GotoAsync("/account/register");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(Journeys.Password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        // Signed in once the header has a bell (hashing the password can take a while on a busy machine).
        await Expect(page.Locator("[data-notification-bell]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await NotifyAsync(email, Ids.New(), 12900);
        await NotifyAsync(email, Ids.New(), 8000);

        await page.GotoAsync("/");
        await Expect(page.GetByTestId("bell-count")).ToHaveTextAsync("2");
        await AppFixture.ScreenshotAsync(page, "phone-home-bell-ko");
        await page.Locator("[data-notification-bell]").TapAsync();
        await Expect(page.GetByTestId("notification")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("notification").First).ToContainTextAsync("8,000원 주문이 확정되었어요");
        await AppFixture.ScreenshotAsync(page, "phone-notifications-ko");
        await page.GetByTestId("notification-settings-link").TapAsync();
        // Registered on a Korean page: notifications come in Korean until the user says otherwise.
        await Expect(page.GetByLabel("한국어")).ToBeCheckedAsync();
        await AppFixture.ScreenshotAsync(page, "phone-notification-settings-ko");
        await page.Context.CloseAsync();
    }
}
