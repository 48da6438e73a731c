using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>
/// Ordering's pages read their texts from the module's own OrderingTexts resources (no longer the shared Ui.resx): a
/// Korean reader still sees the cart, checkout and orders pages in Korean, on a phone and on a desktop.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OrderingKoreanTests(AppFixture app)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACustomerReadingKorean_SeesTheCartCheckoutAndOrdersPagesInKorean(bool phone)
    {
        var page = await app.NewPageAsync(phone: phone);
        await Journeys.RegisterAsync(page, Journeys.NewEmail("ko-orders"));
        await page.GotoAsync("/culture?c=ko&returnUrl=/cart");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        var size = phone ? "phone" : "desktop";

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "장바구니가 비어 있어요" })).ToBeVisibleAsync();
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Your cart is empty");
        await AppFixture.ScreenshotAsync(page, $"{size}-cart-empty-ko");

        await page.GotoAsync("/checkout");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "장바구니가 비어 있어요" })).ToBeVisibleAsync();
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Add something to your cart");
        await AppFixture.ScreenshotAsync(page, $"{size}-checkout-empty-ko");

        await page.GotoAsync("/orders");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "아직 주문이 없어요" })).ToBeVisibleAsync();
        await Expect(page.Locator("main")).Not.ToContainTextAsync("When you buy something");
        await AppFixture.ScreenshotAsync(page, $"{size}-orders-empty-ko");
        await page.Context.CloseAsync();
    }
}
