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
        await AppFixture.ScreenshotAsync(page, $"a11y-{which}-{(phone ? "phone" : "desktop")}");

        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")));

        var description = page.Locator("head meta[name=description]");
        await Expect(description).ToHaveCountAsync(1);
        Assert.False(string.IsNullOrWhiteSpace(await description.GetAttributeAsync("content")));
        Assert.Matches("^(en|ko)$", await page.Locator("html").GetAttributeAsync("lang") ?? "");
        await page.Context.CloseAsync();
    }
}
