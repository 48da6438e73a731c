using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>
/// A signed-in customer with many tabs open, each loading at the same moment: every page must arrive whole. Before the
/// freeze fix, the layout's cart count and the page shared one DbContext and this broke the shop (500s, then a hung
/// server on SQLite).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ParallelTabsTests(AppFixture app)
{
    [Fact]
    public async Task SignedInCustomer_OpensEveryPageInParallelTabs_AndEachLoadsWithoutAnError()
    {
        var first = await app.NewPageAsync();
        await first.GotoAsync("/account/login");
        await Journeys.SignInAsyncOnCurrentPage(first, "demo@dots.local", "Demo1234");
        await Expect(first).ToHaveURLAsync(new Regex("/\\?toast=signed-in$|/$"));
        var context = first.Context;

        await first.GotoAsync("/orders");
        var orderHref = await first.GetByTestId("order-row").First.GetAttributeAsync("href");
        await first.GotoAsync("/search?q=tea");
        var productHref = await first.Locator("a[href^='/products/']").First.GetAttributeAsync("href");

        string[] paths = ["/", "/search?q=tea", productHref!, "/cart", "/orders", orderHref!, "/account", "/checkout", "/sell", "/search?q=%EC%B0%A8"];
        var tabs = new List<IPage>();
        foreach (var _ in paths)
        {
            tabs.Add(await context.NewPageAsync());
        }
        for (var round = 0; round < 3; round++)
        {
            var loads = tabs.Select((tab, i) => tab.GotoAsync(paths[i], new PageGotoOptions { WaitUntil = WaitUntilState.Load })).ToList();
            var responses = await Task.WhenAll(loads);
            for (var i = 0; i < paths.Length; i++)
            {
                Assert.True(responses[i]!.Status < 400, $"{paths[i]} answered {responses[i]!.Status} in round {round}");
                // The layout rendered whole: the header's account link says the customer is signed in.
                await Expect(tabs[i].Locator("header .top-actions")).ToContainTextAsync("My account");
            }
        }
        await context.CloseAsync();
    }
}
