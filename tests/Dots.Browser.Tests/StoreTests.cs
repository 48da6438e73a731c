using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Modules.Catalog;
using Dots.Modules.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class StoreTests(AppFixture app)
{
    [Fact]
    public async Task PickUpInStore_FromOrderToHandover()
    {
        string locationId, variantId, productId;
        using (var scope = app.Services.CreateScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
            var stores = scope.ServiceProvider.GetRequiredService<StoreService>();
            var shop = (await catalog.ListShopsAsync(1, 100, CancellationToken.None)).Items.First(s => s.Name == "Maru Home");
            locationId = (await stores.ListLocationsAsync(shop.Id, CancellationToken.None)).First(l => l.Name == "Maru Home Seongsu").Id;
            var (stock, _) = await stores.StockOfAsync(locationId, shop.OwnerId, CancellationToken.None);
            variantId = stock.First(s => s.Stock > 0).VariantId;
            productId = (await scope.ServiceProvider.GetRequiredService<StockService>().GetVariantsAsync([variantId], CancellationToken.None))[variantId].ProductId;
        }

        // The customer orders for pickup at the Seongsu store (the API, as the app would) and sees the code on a phone.
        var customer = await app.NewPageAsync(phone: true);
        var email = Journeys.NewEmail("picker");
        await Journeys.RegisterAsync(customer, email);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var login = await (await http.PostAsJsonAsync("/api/auth/login", new { email, password = Journeys.Password })).Content.ReadFromJsonAsync<JsonObject>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)login!["accessToken"]!);
        var placed = await http.PostAsJsonAsync("/api/orders", new
        {
            items = new[] { new { variantId, quantity = 1 } },
            shippingAddress = new { name = "Kim Picker", line1 = "1 Seongsu-ro", city = "Seoul", postalCode = "04780", phone = "010-0000-0000" },
            payment = new { method = "card", cardNumber = "4242424242424242" },
            fulfilment = new { type = "pickup", locationId },
        });
        var order = (await placed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(placed.IsSuccessStatusCode, order.ToJsonString());
        var orderId = (string)order["id"]!;
        var code = (string)order["pickupCode"]!;

        await customer.GotoAsync($"/orders/{orderId}/pickup");
        await Expect(customer.GetByTestId("pickup-code")).ToHaveTextAsync(code);
        await Expect(customer.GetByTestId("pickup-status")).ToHaveAttributeAsync("data-status", "Waiting");
        await AppFixture.ScreenshotAsync(customer, "pickup-status-phone");
        await customer.GotoAsync($"/products/{productId}/stores");
        await Expect(customer.GetByTestId("store-map")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(customer, "nearby-stores-phone");

        // The store packs it, marks it ready, and hands it over against the code (a wrong code is refused).
        var seller = await app.NewPageAsync();
        await Journeys.SignInAsync(seller, "maru-home@dots.local", "Demo1234");
        await seller.GotoAsync($"/stores/{locationId}");
        var row = seller.Locator($"[data-testid=pickup][data-order='{orderId}']");
        await row.GetByTestId("mark-ready").ClickAsync();
        await Expect(seller.GetByTestId("notice")).ToContainTextAsync("ready");
        await AppFixture.ScreenshotAsync(seller, "store-console-desktop");
        await seller.Locator($"[data-testid=pickup][data-order='{orderId}']").GetByTestId("code").FillAsync(code == "000000" ? "111111" : "000000");
        await seller.Locator($"[data-testid=pickup][data-order='{orderId}']").GetByTestId("handover").ClickAsync();
        await Expect(seller.GetByTestId("notice")).ToContainTextAsync("does not match");
        await seller.Locator($"[data-testid=pickup][data-order='{orderId}']").GetByTestId("code").FillAsync(code);
        await seller.Locator($"[data-testid=pickup][data-order='{orderId}']").GetByTestId("handover").ClickAsync();
        await Expect(seller.GetByTestId("notice")).ToContainTextAsync("Handed over");
        await seller.GotoAsync($"/stores/{locationId}?tab=stock");
        await AppFixture.ScreenshotAsync(seller, "store-stock-desktop");

        await customer.GotoAsync($"/orders/{orderId}/pickup");
        await Expect(customer.GetByTestId("pickup-status")).ToHaveAttributeAsync("data-status", "HandedOver");
    }
}
