using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class StorefrontTests(AppFixture app)
{
    [Fact]
    public async Task NewCustomer_RegistersSearchesPicksAVariantAndBuysWithTheSandboxCard_ThenSeesTheOrderTimeline()
    {
        var page = await app.NewPageAsync();
        await Journeys.RegisterAsync(page, Journeys.NewEmail("buyer"));
        await AppFixture.ScreenshotAsync(page, "desktop-home");

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" }).FillAsync("towel");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex(@"/search\?q=towel"));
        await Expect(page.Locator(".card").First).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "desktop-search");

        await page.Locator(".card-link").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/products/"));
        await Journeys.WaitForInteractiveBuyBoxAsync(page);
        var chips = page.Locator(".chip:not(.off)");
        Assert.True(await chips.CountAsync() >= 2, "the towel set has several variants in stock");
        var second = chips.Nth(1);
        await second.ClickAsync();
        await Expect(second).ToHaveClassAsync(new Regex(@"\bon\b"));
        var chipStock = (await second.Locator(".chip-stock").InnerTextAsync()).Trim();
        await Expect(page.GetByTestId("stock")).ToContainTextAsync(chipStock);
        await page.GetByRole(AriaRole.Button, new() { Name = "Increase quantity" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Spinbutton, new() { Name = "Quantity" })).ToHaveValueAsync("2");
        await AppFixture.ScreenshotAsync(page, "desktop-product");

        await page.GetByRole(AriaRole.Button, new() { Name = "Buy now" }).ClickAsync();
        // "Buy now" checks out only this item and quantity, on its own (the cart is left alone).
        await Expect(page).ToHaveURLAsync(new Regex(@"/checkout\?buy=[^&]+&qty=2$"));
        await Expect(page.Locator(".summary")).ToContainTextAsync("× 2");

        // A declined card: a clear message next to the card field, and everything typed is still there.
        await Journeys.FillAddressAsync(page, "4000 0000 0000 0002");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
        await Expect(page.Locator("#card-error")).ToContainTextAsync("declined");
        await Expect(page.GetByLabel("City")).ToHaveValueAsync("Seoul");
        await Expect(page.GetByLabel("Recipient")).ToHaveValueAsync("Kim Test");
        await AppFixture.ScreenshotAsync(page, "desktop-checkout-declined");

        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Journeys.OrderUrl);
        await Expect(page.GetByTestId("status").First).ToHaveTextAsync("Paid");
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Order placed");
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Payment captured");
        await AppFixture.ScreenshotAsync(page, "desktop-order");

        await page.GotoAsync("/orders");
        await Expect(page.GetByTestId("order-row")).ToHaveCountAsync(1);
        await AppFixture.ScreenshotAsync(page, "desktop-orders");

        await page.GetByTestId("order-row").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel order" }).ClickAsync();
        await Expect(page.GetByTestId("status").First).ToHaveTextAsync("Cancelled");
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Refunded");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CheckoutForm_ShowsTheServicesFieldErrorsNextToTheFields_AndKeepsWhatWasTyped()
    {
        var page = await app.NewPageAsync();
        await Journeys.RegisterAsync(page, Journeys.NewEmail("typo"));
        await page.GotoAsync("/search?q=towel");
        await page.Locator(".card-link").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".toast")).ToContainTextAsync("Added to your cart");
        await Expect(page.Locator(".cart-link .badge-count")).ToHaveTextAsync("1");

        await page.GotoAsync("/cart");
        await Expect(page.GetByTestId("cart-line")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Increase quantity" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Spinbutton)).ToHaveValueAsync("2");
        await AppFixture.ScreenshotAsync(page, "desktop-cart");

        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await Journeys.FillAddressAsync(page, "4242 4242 4242 4241");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
        await Expect(page.Locator("#card-error")).ToContainTextAsync("The card number is not valid.");
        await Expect(page.GetByLabel("Card number")).ToHaveValueAsync("4242 4242 4242 4241");
        await Expect(page.GetByLabel("Postal code")).ToHaveValueAsync("04780");
        await AppFixture.ScreenshotAsync(page, "desktop-checkout-field-error");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PagesThatNeedAnAccount_SendVisitorsToSignIn_AndBackAfterwards()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/orders");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await Journeys.SignInAsyncOnCurrentPage(page, "demo@dots.local", "Demo1234");
        await Expect(page).ToHaveURLAsync(new Regex("/orders$"));
        await Expect(page.GetByTestId("order-row").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SearchFilters_PageThroughResults_ExplainEmptyAndInvalidSearches_AndUnknownPagesAre404()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/search?sort=price-asc");
        await Expect(page.Locator(".card").First).ToBeVisibleAsync();
        await Expect(page.Locator(".pager")).ToBeVisibleAsync();
        await page.Locator(".pager a[rel=next]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("page=2"));
        await Expect(page.Locator(".pager .current")).ToHaveTextAsync("2");

        await page.GotoAsync("/search?q=zzzqqqxxnothing");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nothing found" })).ToBeVisibleAsync();

        var missing = await page.GotoAsync("/no-such-page");
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        missing = await page.GotoAsync("/products/no-such-product");
        Assert.Equal(404, missing!.Status);

        await page.GotoAsync("/search?minPrice=50000&maxPrice=1000");
        await Expect(page.Locator("#maxPrice-error")).ToContainTextAsync("maxPrice");
        await page.Context.CloseAsync();
    }
}
