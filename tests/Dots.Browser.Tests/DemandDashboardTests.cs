using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Modules.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DemandDashboardTests(AppFixture app)
{
    private const string Seller = "jeju-farm@dots.local";
    private const string Password = "Demo1234";

    private async Task<HttpClient> SignedInApiAsync(string email)
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        login.EnsureSuccessStatusCode();
        var token = (string)JsonNode.Parse(await login.Content.ReadAsStringAsync())!["accessToken"]!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    [Fact]
    public async Task TheSellersDemandDashboard_ShowsAPurchaseMadeThroughTheApi_WithoutAReload()
    {
        var sellerApi = await SignedInApiAsync(Seller);
        var me = JsonNode.Parse(await sellerApi.GetStringAsync("/api/me"))!;
        var shopId = (string)me["shops"]![0]!["id"]!;

        var page = await app.NewPageAsync();
        await Journeys.SignInAsync(page, Seller, Password);
        await page.GotoAsync($"/sell/{shopId}/demand");
        await Expect(page.GetByTestId("demand-live")).ToHaveAttributeAsync("data-live", "on");
        var before = long.Parse((await page.GetByTestId("purchases").InnerTextAsync()).Replace(",", ""));
        await AppFixture.ScreenshotAsync(page, "desktop-sell-demand");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var variants = await scope.ServiceProvider.GetRequiredService<StockService>().ActiveVariantsAsync(shopId, CancellationToken.None);
            var variant = variants.OrderByDescending(v => v.Stock).First();
            var buyer = await SignedInApiAsync("customer3@dots.local");
            var order = await buyer.PostAsJsonAsync("/api/orders", new
            {
                items = new[] { new { variantId = variant.VariantId, quantity = 1 } },
                shippingAddress = new { name = "Kim Ji-woo", line1 = "12 Teheran-ro", city = "Seoul", postalCode = "06234", phone = "010-1234-5678" },
                payment = new { method = "card", cardNumber = "4242424242424242" },
            });
            Assert.True(order.IsSuccessStatusCode, await order.Content.ReadAsStringAsync());
        }

        await Expect(page.GetByTestId("purchases")).ToHaveTextAsync((before + 1).ToString("#,0", System.Globalization.CultureInfo.GetCultureInfo("en-US")), new() { Timeout = 20_000 });
    }

    private async Task UseLanguageAsync(IPage page, string language) =>
        await page.Context.AddCookiesAsync([new Cookie { Name = ".Dots.Culture", Value = $"c={language}|uic={language}", Url = app.BaseUrl }]);

    [Fact]
    public async Task TheDemandDashboard_LooksRightOnAPhone_InKoreanAndEnglish()
    {
        var sellerApi = await SignedInApiAsync(Seller);
        var shopId = (string)JsonNode.Parse(await sellerApi.GetStringAsync("/api/me"))!["shops"]![0]!["id"]!;
        foreach (var locale in new[] { "en-US", "ko-KR" })
        {
            var page = await app.NewPageAsync(phone: true);
            await Journeys.SignInAsync(page, Seller, Password);
            await UseLanguageAsync(page, locale[..2]);
            await page.GotoAsync($"/sell/{shopId}/demand");
            await Expect(page.GetByTestId("demand-live")).ToHaveAttributeAsync("data-live", "on");
            await Expect(page.GetByTestId("make-next")).ToBeVisibleAsync();
            var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
            Assert.False(overflow, "the page scrolls sideways at 390 px");
            await AppFixture.ScreenshotAsync(page, "phone-sell-demand-" + locale[..2]);
        }
        var desktopKo = await app.NewPageAsync();
        await Journeys.SignInAsync(desktopKo, Seller, Password);
        await UseLanguageAsync(desktopKo, "ko");
        await desktopKo.GotoAsync($"/sell/{shopId}/demand");
        await Expect(desktopKo.GetByTestId("demand-live")).ToHaveAttributeAsync("data-live", "on");
        await AppFixture.ScreenshotAsync(desktopKo, "desktop-sell-demand-ko");
    }
}
