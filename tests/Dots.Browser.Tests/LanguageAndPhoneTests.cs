using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class LanguageAndPhoneTests(AppFixture app)
{
    [Fact]
    public async Task LanguageSwitch_TurnsTheShopKorean_WithWonPrices_AndBackToEnglish()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator(".card-price").First).ToContainTextAsync("₩");

        await page.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "신상품" })).ToBeVisibleAsync();
        await Expect(page.Locator(".card-price").First).ToHaveTextAsync(new Regex(@"^[\d,]+원$"));
        await AppFixture.ScreenshotAsync(page, "desktop-home-ko");

        await page.Locator(".card-link").First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "바로 구매" })).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "desktop-product-ko");

        await page.GetByRole(AriaRole.Link, new() { Name = "EN Switch to English", Exact = true }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Buy now" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task KoreanBrowser_GetsTheKoreanShopWithoutSwitching()
    {
        var page = await app.NewPageAsync(phone: true, locale: "ko-KR");
        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "베스트셀러" })).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "phone-home-ko");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OnAPhone_ACustomerSignsInAndBuysFromTheHomePage()
    {
        var page = await app.NewPageAsync(phone: true);
        await page.GotoAsync("/");
        await AppFixture.ScreenshotAsync(page, "phone-home");
        await Expect(page.Locator(".bottom-nav")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Me", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(Journeys.NewEmail("phone"));
        await page.GetByLabel("Password").FillAsync(Journeys.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.Locator(".toast")).ToBeVisibleAsync();

        await page.GotoAsync("/search?q=granola");
        await AppFixture.ScreenshotAsync(page, "phone-search");
        await page.Locator(".card-link").First.TapAsync();
        await Journeys.WaitForInteractiveBuyBoxAsync(page);
        await AppFixture.ScreenshotAsync(page, "phone-product");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).TapAsync();
        await Expect(page.Locator(".toast")).ToContainTextAsync("Added to your cart");
        await page.Locator(".cart-link").TapAsync();
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(1);
        await AppFixture.ScreenshotAsync(page, "phone-cart");
        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).TapAsync();
        await Journeys.FillAddressAsync(page, "4242 4242 4242 4242");
        await AppFixture.ScreenshotAsync(page, "phone-checkout");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).TapAsync();
        await Expect(page).ToHaveURLAsync(Journeys.OrderUrl);
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Payment captured");
        await AppFixture.ScreenshotAsync(page, "phone-order");

        await page.GotoAsync("/sell");
        await AppFixture.ScreenshotAsync(page, "phone-sell-empty");
        await page.Context.CloseAsync();
    }
}
