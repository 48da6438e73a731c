using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>The co-creation loop's key screens, walked by an author, a maker (a demo shop) and a backer.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CoCreationTests(AppFixture app)
{
    [Fact]
    public async Task AnIdea_GetsAMaker_IsPreOrdered_Funded_Shipped_AndEarnsItsAuthorARoyalty()
    {
        // Each step settles payments on the server; a busy machine needs more than the default five seconds.
        SetDefaultExpectTimeout(20_000);
        var token = new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6).ToArray());
        var author = await app.NewPageAsync();
        await Journeys.RegisterAsync(author, Journeys.NewEmail("author"));

        // The board, then the submit form with its similar-idea hints (the demo has a laptop stand already).
        await author.GotoAsync("/ideas");
        await Expect(author.GetByTestId("idea-list")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(author, "desktop-ideas-board");
        await author.GetByTestId("submit-idea").ClickAsync();
        await author.GetByLabel("Title").PressSequentiallyAsync("Foldable laptop stand", new() { Delay = 20 });
        await Expect(author.Locator("#similar-hints a").First).ToContainTextAsync("laptop stand", new() { Timeout = 10_000 });
        await AppFixture.ScreenshotAsync(author, "desktop-ideas-submit");
        await author.GetByLabel("Title").FillAsync($"Pocket tripod {token}");
        await author.GetByLabel("Description").FillAsync("A phone tripod that folds to the size of a lipstick.");
        await author.GetByLabel("Category").SelectOptionAsync("sports");
        await author.GetByLabel("Price you would pay (KRW)").FillAsync("19000");
        await author.GetByRole(AriaRole.Button, new() { Name = "Submit the idea" }).ClickAsync();
        await Expect(author.GetByTestId("notice")).ToContainTextAsync("Your idea is live");
        var ideaUrl = new Uri(author.Url).AbsolutePath;

        // A maker (the demo's Maru Home) proposes.
        var maker = await app.NewPageAsync();
        await Journeys.SignInAsync(maker, "maru-home@dots.local", "Demo1234");
        await maker.GotoAsync(ideaUrl);
        await maker.GetByTestId("propose-link").ClickAsync();
        await maker.GetByLabel("Unit price (KRW)").FillAsync("18000");
        await maker.GetByLabel("Minimum units").FillAsync("2");
        await maker.GetByRole(AriaRole.Button, new() { Name = "Send the proposal" }).ClickAsync();
        await Expect(maker.GetByTestId("notice")).ToContainTextAsync("Your proposal is sent");

        // The author accepts it: the campaign starts.
        await author.GotoAsync(ideaUrl);
        await Expect(author.GetByTestId("proposal")).ToHaveCountAsync(1);
        await author.GetByLabel("Goal (units)").FillAsync("2");
        await author.GetByTestId("accept").ClickAsync();
        await Expect(author.GetByTestId("notice")).ToContainTextAsync("The campaign has started");
        await Expect(author.GetByTestId("campaign-box")).ToContainTextAsync("0 / 2");

        // A backer pre-orders two units: the card is held.
        var backer = await app.NewPageAsync(phone: true);
        await Journeys.RegisterAsync(backer, Journeys.NewEmail("backer"));
        await backer.GotoAsync(ideaUrl);
        await backer.GetByLabel("Units", new() { Exact = true }).FillAsync("2");
        await Journeys.FillAddressAsync(backer, "4242424242424242");
        await backer.GetByTestId("pledge").ClickAsync();
        await Expect(backer.GetByTestId("notice")).ToContainTextAsync("Your pre-order is in");
        await Expect(backer.GetByTestId("pledged")).ToHaveTextAsync("2 / 2");
        await Expect(backer.GetByTestId("my-pledges")).ToContainTextAsync("Card held");
        await AppFixture.ScreenshotAsync(backer, "phone-idea-campaign");

        // The maker closes it: funded, the hold captured and turned into an order.
        await maker.GotoAsync(ideaUrl);
        await maker.GetByTestId("close").ClickAsync();
        await Expect(maker.GetByTestId("campaign-status")).ToHaveTextAsync("Funded");
        await backer.ReloadAsync();
        await Expect(backer.GetByTestId("my-pledges")).ToContainTextAsync("Charged · ordered");

        // Production updates from the console, then shipped with stock: the product is on sale, born from the idea.
        await maker.GotoAsync("/sell/campaigns");
        var console = maker.GetByTestId("console-campaign").Filter(new() { HasText = token });
        await console.Locator("select[name=stage]").SelectOptionAsync("sample");
        await console.Locator("textarea[name=text]").FillAsync("The first sample stands on a café table.");
        await console.GetByTestId("post-update").ClickAsync();
        await Expect(maker.Locator(".notice")).ToContainTextAsync("Update posted");
        console = maker.GetByTestId("console-campaign").Filter(new() { HasText = token });
        await console.Locator("select[name=stage]").SelectOptionAsync("shipped");
        await console.Locator("input[name=stock]").FillAsync("20");
        await console.Locator("textarea[name=text]").FillAsync("Shipped to every backer.");
        await console.GetByTestId("post-update").ClickAsync();
        await Expect(maker.Locator(".notice")).ToContainTextAsync("Update posted");
        await AppFixture.ScreenshotAsync(maker, "desktop-campaign-console");

        await author.GotoAsync(ideaUrl);
        await Expect(author.GetByTestId("production-timeline")).ToContainTextAsync("Shipped");
        await AppFixture.ScreenshotAsync(author, "desktop-idea-delivered");
        await author.GetByTestId("product-link").ClickAsync();
        await Expect(author.Locator(".product-origin")).ToContainTextAsync("Born from an idea by author-");

        // The author's earnings: 5% of 36,000 from the pre-order.
        // Royalties follow Ordering's OrderPaid event through the outbox: look again until it has been delivered.
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await author.GotoAsync("/me/earnings");
            if ((await author.GetByTestId("royalty-balance").TextContentAsync() ?? "").Contains("1,800", StringComparison.Ordinal))
            {
                break;
            }
            await Task.Delay(1000);
        }
        await Expect(author.GetByTestId("royalty-balance")).ToContainTextAsync("1,800");
        await AppFixture.ScreenshotAsync(author, "desktop-earnings");
    }

    [Fact]
    public async Task TheIdeaBoard_IsKoreanOnAKoreanPhone_AndSortsByStage()
    {
        var page = await app.NewPageAsync(phone: true, locale: "ko-KR");
        await page.GotoAsync("/ideas");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "아이디어" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "급상승" })).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "phone-ideas-board-ko");
        await page.GotoAsync("/ideas?status=OnSale");
        await Expect(page.GetByTestId("idea-list")).ToContainTextAsync("판매 중");
        await page.Locator(".idea-card a").First.ClickAsync();
        await Expect(page.GetByTestId("production-timeline")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "phone-idea-on-sale-ko");
    }
}
