using System.Text.RegularExpressions;
using Dots.Modules.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SearchTests(AppFixture app)
{
    [Fact]
    public async Task TypingInTheSearchBox_ShowsSuggestions_InEnglishAndKorean()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#site-search").PressSequentiallyAsync("tange", new() { Delay = 40 });
        var box = page.Locator("#site-search-suggest");
        await Expect(box).ToBeVisibleAsync();
        await Expect(box.Locator(".suggest-product").First).ToContainTextAsync("Tangerines");
        await Expect(box).ToContainTextAsync("Products");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppFixture.ScreenshotDir, "desktop-search-suggest.png") });

        // Arrow down and Enter follow the first suggestion.
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/products/"));
        await page.Context.CloseAsync();

        var phone = await app.NewPageAsync(phone: true, locale: "ko-KR");
        await phone.GotoAsync("/");
        await phone.Locator("#site-search").PressSequentiallyAsync("제주귤", new() { Delay = 40 });
        var koBox = phone.Locator("#site-search-suggest");
        await Expect(koBox).ToBeVisibleAsync();
        await Expect(koBox.Locator(".suggest-product").First).ToContainTextAsync("감귤");
        await Expect(koBox).ToContainTextAsync("상품");
        await phone.ScreenshotAsync(new() { Path = Path.Combine(AppFixture.ScreenshotDir, "phone-search-suggest-ko.png") });
        await phone.Context.CloseAsync();
    }

    [Fact]
    public async Task AZeroResultSearch_ShowsDidYouMean_NearestMatchesAndPopularProducts()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/search?q=jaju");
        var zero = page.GetByTestId("zero-results");
        await Expect(zero).ToHaveAttributeAsync("data-result-count", "0");
        await Expect(page.GetByTestId("did-you-mean")).ToContainTextAsync("jeju");
        await Expect(zero.Locator(".card").First).ToBeVisibleAsync();
        await Expect(zero).ToContainTextAsync("Popular right now");
        await AppFixture.ScreenshotAsync(page, "desktop-search-zero");
        await page.GetByTestId("did-you-mean").Locator("a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/search\?q=jeju"));
        await Expect(page.Locator(".search-results .card").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        var phone = await app.NewPageAsync(phone: true, locale: "ko-KR");
        await phone.GotoAsync("/search?q=" + Uri.EscapeDataString("갑귤 선물 뷁"));
        await Expect(phone.GetByTestId("zero-results")).ToBeVisibleAsync();
        await Expect(phone.GetByTestId("zero-results")).ToContainTextAsync("지금 인기 있는 상품");
        await AppFixture.ScreenshotAsync(phone, "phone-search-zero-ko");
        await phone.GotoAsync("/search?q=" + Uri.EscapeDataString("제주 귤"));
        await Expect(phone.Locator(".search-results .card").First).ToContainTextAsync("감귤");
        await phone.ScreenshotAsync(new() { Path = Path.Combine(AppFixture.ScreenshotDir, "phone-search-jeju-ko.png") });
        await phone.Context.CloseAsync();
    }

    [Fact]
    public async Task AnOperator_EditsTheSynonymList()
    {
        var email = Journeys.NewEmail("operator");
        var page = await app.NewPageAsync();
        await Journeys.RegisterAsync(page, email);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().GrantAsync(email, Roles.Operator, CancellationToken.None);
        }
        await page.Context.ClearCookiesAsync();
        await Journeys.SignInAsync(page, email, Journeys.Password);
        await page.GotoAsync("/ops/search");
        await Expect(page.Locator("[data-testid=synonyms] input[value*='tangerine']").First).ToBeVisibleAsync();
        await page.GetByLabel("Add a group").FillAsync("quince, 모과");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("synonyms-status")).ToContainTextAsync("Saved");
        await Expect(page.Locator("[data-testid=synonyms] input[value='quince, 모과']")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "desktop-ops-search");
        await page.SetViewportSizeAsync(390, 844);
        await AppFixture.ScreenshotAsync(page, "phone-ops-search");
        await page.Context.CloseAsync();
    }
}
