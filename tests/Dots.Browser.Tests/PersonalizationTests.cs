using System.Text.RegularExpressions;
using Dots.Infrastructure.Signals;
using Dots.Modules.Personalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PersonalizationTests(AppFixture app)
{
    private async Task ModelReadyAsync()
    {
        await app.Services.GetRequiredService<CatalogView>().RefreshAsync(CancellationToken.None);
        var host = app.Services.GetRequiredService<ModelHost>();
        for (var i = 0; i < 120 && (await host.SyncAsync(CancellationToken.None)).Number == 0; i++)
        {
            await Task.Delay(500);
        }
        Assert.True(host.Current.Number > 0, "the demo seed trains the first model version");
    }

    private static async Task<string[]> RowAsync(IPage page, string name) =>
        [.. await page.Locator($"[data-testid=rec-{name}] a[data-rec-item]").EvaluateAllAsync<string[]>("links => links.map(a => a.dataset.recItem)")];

    /// <summary>One element's screenshot (the rows are far down a full page), when it is on the page.</summary>
    private static async Task ElementShotAsync(IPage page, string selector, string name)
    {
        var element = page.Locator(selector).First;
        if (await element.CountAsync() > 0)
        {
            await element.ScrollIntoViewIfNeededAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await element.ScreenshotAsync(new() { Path = Path.Combine(AppFixture.ScreenshotDir, name + ".png") });
        }
    }

    [Fact]
    public async Task ACustomersForYouRow_ChangesAfterAPurchase()
    {
        await ModelReadyAsync();
        var page = await app.NewPageAsync();
        await Journeys.RegisterAsync(page, Journeys.NewEmail("recs"));
        await page.GotoAsync("/");
        var before = await RowAsync(page, "for-you");
        Assert.NotEmpty(before);
        await Expect(page.Locator("[data-testid=rec-for-you] [data-testid=rec-reason]").First).Not.ToBeEmptyAsync();

        // Buy the row's first product through the storefront.
        await page.Locator($"[data-testid=rec-for-you] a[data-rec-item='{before[0]}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/products/"));
        await Journeys.WaitForInteractiveBuyBoxAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Buy now" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/checkout\?buy="));
        await Journeys.FillAddressAsync(page, "4242 4242 4242 4242");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Journeys.OrderUrl);

        string[] after = [];
        for (var i = 0; i < 40; i++)
        {
            await page.GotoAsync("/");
            after = await RowAsync(page, "for-you");
            if (!after.SequenceEqual(before))
            {
                break;
            }
            await Task.Delay(500);
        }
        Assert.NotEqual(before, after);
        Assert.DoesNotContain(before[0], after);
        await Expect(page.Locator("[data-testid=rec-for-you] h2")).ToHaveTextAsync("For you");
        await AppFixture.ScreenshotAsync(page, "desktop-home-for-you");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AGuest_SeesSessionRecommendations_AfterViewingThreeProducts()
    {
        await ModelReadyAsync();
        var page = await app.NewPageAsync(phone: true);
        await page.GotoAsync("/");
        var popular = await RowAsync(page, "for-you");
        Assert.True(popular.Length >= 3);
        await Expect(page.Locator("[data-testid=rec-for-you] h2")).ToHaveTextAsync("Popular right now");
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == SessionIds.Cookie).Value;

        var viewed = new List<string>();
        foreach (var id in popular.Take(3))
        {
            await page.GotoAsync("/products/" + id);
            viewed.Add(id);
        }
        // The real path: Demand's client script beacons each view to POST /api/events (on idle or as the page is left),
        // and the endpoint hands the accepted batch to personalization's listener. Wait until all three arrived.
        string[] recent = [];
        for (var attempt = 0; attempt < 30 && recent.Length < 3; attempt++)
        {
            await page.GotoAsync("/");
            recent = await RowAsync(page, "recently-viewed");
            if (recent.Length < 3)
            {
                await page.WaitForTimeoutAsync(500);
            }
        }
        Assert.Equal(3, recent.Length);

        await page.GotoAsync("/");
        await Expect(page.Locator("[data-testid=rec-for-you] h2")).ToHaveTextAsync("For you");
        await Expect(page.Locator("[data-testid=rec-for-you] [data-testid=rec-reason]").First).ToContainTextAsync(new Regex("^(Because you viewed|Popular in)"));
        Assert.Equal(viewed.AsEnumerable().Reverse(), await RowAsync(page, "recently-viewed"));
        await AppFixture.ScreenshotAsync(page, "phone-home-guest-recs");
        await ElementShotAsync(page, "[data-testid=rec-for-you]", "phone-row-for-you");
        await ElementShotAsync(page, "[data-testid=rec-recently-viewed]", "phone-row-recently-viewed");

        await page.GotoAsync("/products/" + viewed[0]);
        await Expect(page.Locator("[data-testid=rec-similar]")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "phone-product-recs");
        await ElementShotAsync(page, "[data-testid=rec-similar]", "phone-row-similar");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AViewOnAPageLeftBeforeItWasIdle_StillCounts()
    {
        await ModelReadyAsync();
        var page = await app.NewPageAsync(phone: true);
        await page.GotoAsync("/");
        var popular = await RowAsync(page, "for-you");
        Assert.NotEmpty(popular);
        // A busy phone: the idle moment the signals script waits for never comes before the customer moves on.
        await page.AddInitScriptAsync("window.requestIdleCallback = () => 0;");
        await page.GotoAsync("/products/" + popular[0]);
        await page.GotoAsync("/");

        string[] recent = [];
        for (var attempt = 0; attempt < 30 && recent.Length == 0; attempt++)
        {
            await page.WaitForTimeoutAsync(500);
            await page.ReloadAsync();
            recent = await RowAsync(page, "recently-viewed");
        }
        Assert.Equal([popular[0]], recent);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheDemoCustomer_SeesPersonalRowsInKorean_AndCanSwitchThemOff()
    {
        await ModelReadyAsync();
        var page = await app.NewPageAsync(locale: "ko-KR");
        await page.GotoAsync("/account/login");
        await page.Locator("input[type=email]").FillAsync("demo@dots.local");
        await page.Locator("input[type=password]").FillAsync("Demo1234");
        await page.Locator("main form button[type=submit]").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
        await page.GotoAsync("/");
        await Expect(page.Locator("[data-testid=rec-for-you] h2")).ToHaveTextAsync("회원님을 위한 추천");
        await Expect(page.Locator("[data-testid=rec-for-you] [data-testid=rec-reason]").First).ToContainTextAsync(new Regex("[가-힣]"));
        await AppFixture.ScreenshotAsync(page, "desktop-home-ko-recs");
        await ElementShotAsync(page, "[data-testid=rec-for-you]", "desktop-row-for-you-ko");
        await ElementShotAsync(page, "[data-testid=rec-buy-again]", "desktop-row-buy-again-ko");
        var product = (await RowAsync(page, "for-you"))[0];
        await page.GotoAsync("/products/" + product);
        await AppFixture.ScreenshotAsync(page, "desktop-product-ko-recs");
        await ElementShotAsync(page, "[data-testid=rec-bought-together]", "desktop-row-bought-together-ko");

        await page.GotoAsync("/account");
        await Expect(page.GetByTestId("personalization-state")).ToHaveTextAsync("켜짐");
        await page.GetByTestId("personalization-switch").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.GetByTestId("personalization-state")).ToHaveTextAsync("꺼짐");
        await AppFixture.ScreenshotAsync(page, "desktop-account-ko-personalization-off");
        await ElementShotAsync(page, "main", "desktop-account-ko-main");
        await page.GotoAsync("/");
        await Expect(page.Locator("[data-testid=rec-for-you] h2")).ToHaveTextAsync("지금 인기 있는 상품");
        await page.GotoAsync("/account");
        await page.GetByTestId("personalization-switch").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.GetByTestId("personalization-state")).ToHaveTextAsync("켜짐");
        await page.Context.CloseAsync();
    }
}
