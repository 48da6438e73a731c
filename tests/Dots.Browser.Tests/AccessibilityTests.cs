using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>
/// Issue 15: outside checkers found serious colour contrast on the selected option chip's price and stock, a link told
/// apart by colour alone (the API docs link) and no meta description. axe-core (Deque.AxeCore.Playwright, run offline
/// from its package) on the home, search and product pages — a chip selected, at desktop and phone width — must find
/// no serious or critical violation, and each page has exactly one meta description.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(AppFixture app)
{
    [Theory]
    [InlineData("home", false)]
    [InlineData("search", false)]
    [InlineData("product", false)]
    [InlineData("product", true)]
    public async Task HomeSearchAndProduct_HaveNoSeriousAxeFindings_AndOneMetaDescription(string which, bool phone)
    {
        var page = await app.NewPageAsync(phone);
        switch (which)
        {
            case "home":
                await page.GotoAsync("/");
                break;
            case "search":
                await page.GotoAsync("/search?q=towel");
                await Expect(page.Locator(".card").First).ToBeVisibleAsync();
                break;
            default:
                await page.GotoAsync("/search?q=towel");
                await page.Locator(".card-link").First.ClickAsync();
                await Journeys.WaitForInteractiveBuyBoxAsync(page);
                var chip = page.Locator(".chip:not(.off)").Nth(1);
                await chip.ClickAsync();
                await Expect(chip).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bon\b"));
                break;
        }
        await AssertNoSeriousFindingsAsync(page, which, phone);
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The rest of a customer's and a seller's path (issue 15): cart, checkout (its delivery panel and store picker),
    /// sign-in (with its error shown), the seller console's dashboard and a co-creation idea page.
    /// </summary>
    [Theory]
    [InlineData("cart", false)]
    [InlineData("cart", true)]
    [InlineData("checkout", false)]
    [InlineData("checkout", true)]
    [InlineData("sign-in", false)]
    [InlineData("sign-in", true)]
    [InlineData("seller", false)]
    [InlineData("seller", true)]
    [InlineData("idea", false)]
    [InlineData("idea", true)]
    public async Task CartCheckoutSignInSellerConsoleAndIdeaPage_HaveNoSeriousAxeFindings(string which, bool phone)
    {
        var page = await app.NewPageAsync(phone);
        switch (which)
        {
            case "cart":
            case "checkout":
                await Journeys.RegisterAsync(page, Journeys.NewEmail("a11y"));
                await page.GotoAsync("/search?q=towel");
                await page.Locator(".card-link").First.ClickAsync();
                await Journeys.WaitForInteractiveBuyBoxAsync(page);
                await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
                await Expect(page.Locator(".toast")).ToContainTextAsync("Added to your cart");
                await page.GotoAsync(which == "cart" ? "/cart" : "/checkout");
                if (which == "checkout")
                {
                    // The dawn-delivery panel with a neighbourhood found, its nights listed.
                    await page.GetByLabel("Address", new() { Exact = true }).FillAsync("서울 성동구 성수동 12");
                    await page.GetByTestId("check-delivery").ClickAsync();
                    await Expect(page.GetByTestId("delivery-place")).ToBeVisibleAsync();
                }
                break;
            case "sign-in":
                await page.GotoAsync("/account/login");
                await page.GetByLabel("Email").FillAsync("nobody@example.test");
                await page.GetByLabel("Password").FillAsync("wrong-password");
                await page.Locator("main form button[type=submit]").ClickAsync();
                await Expect(page.Locator(".form-error")).ToBeVisibleAsync();
                break;
            case "seller":
                await Journeys.SignInAsync(page, "jeju-farm@dots.local", "Demo1234");
                await page.GotoAsync("/sell");
                if (!System.Text.RegularExpressions.Regex.IsMatch(page.Url, @"/sell/[0-9a-f]+$"))
                {
                    await page.Locator("a.order-row").First.ClickAsync(); // a seller of one shop goes straight to it
                }
                await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/sell/[0-9a-f]+$"));
                break;
            default:
                await page.GotoAsync("/ideas");
                await page.Locator(".idea-list h2 a").First.ClickAsync();
                await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/ideas/[0-9a-f]+$"));
                break;
        }
        await AssertNoSeriousFindingsAsync(page, which, phone);
        await page.Context.CloseAsync();
    }

    private static async Task AssertNoSeriousFindingsAsync(IPage page, string which, bool phone)
    {
        await AppFixture.ScreenshotAsync(page, $"a11y-{which}-{(phone ? "phone" : "desktop")}");
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")));

        var description = page.Locator("head meta[name=description]");
        await Expect(description).ToHaveCountAsync(1);
        Assert.False(string.IsNullOrWhiteSpace(await description.GetAttributeAsync("content")));
        Assert.Matches("^(en|ko)$", await page.Locator("html").GetAttributeAsync("lang") ?? "");
    }
}
