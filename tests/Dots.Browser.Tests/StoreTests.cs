using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Identity;
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

    [Fact]
    public async Task PickUpInStore_FromTheWebCheckout_ToTheReadyNotification_AndHandoverByCode()
    {
        string locationId, variantId;
        using (var scope = app.Services.CreateScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
            var stores = scope.ServiceProvider.GetRequiredService<StoreService>();
            var shop = (await catalog.ListShopsAsync(1, 100, CancellationToken.None)).Items.First(s => s.Name == "Maru Home");
            locationId = (await stores.ListLocationsAsync(shop.Id, CancellationToken.None)).First(l => l.Name == "Maru Home Hannam").Id;
            var (stock, _) = await stores.StockOfAsync(locationId, shop.OwnerId, CancellationToken.None);
            variantId = stock.OrderByDescending(s => s.Stock).First().VariantId;
        }

        // A customer with that item in the cart (Korean, on a phone) sees the stores that can hand over the whole cart.
        var customer = await app.NewPageAsync(phone: true, locale: "ko-KR");
        var email = Journeys.NewEmail("webpick");
        await StoreDeskTests.RegisterInAnyLanguageAsync(customer, email);
        using (var scope = app.Services.CreateScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
            await scope.ServiceProvider.GetRequiredService<CartService>().SetQuantityAsync(user!.Id, variantId, new SetCartItemRequest(1), CancellationToken.None);
        }
        await customer.GotoAsync("/checkout");
        await Expect(customer.GetByTestId("store-picker")).ToBeVisibleAsync();
        await Expect(customer.GetByTestId("picker-map")).ToBeVisibleAsync();
        var choice = customer.Locator($"[data-testid=pickup-choice][data-location='{locationId}']");
        await Expect(choice).ToContainTextAsync("km");
        await AppFixture.ScreenshotAsync(customer, "checkout-store-picker-phone-ko");

        var desktop = await app.NewPageAsync();
        await Journeys.SignInAsync(desktop, email, Journeys.Password);
        await desktop.GotoAsync("/checkout");
        await Expect(desktop.GetByTestId("store-picker")).ToBeVisibleAsync();
        await desktop.Locator($"[data-testid=pickup-choice][data-location='{locationId}']").ClickAsync();
        await AppFixture.ScreenshotAsync(desktop, "checkout-store-picker-desktop");

        // The customer picks the Hannam store and pays (the phone, in English this time).
        var phone = await app.NewPageAsync(phone: true);
        await Journeys.SignInAsync(phone, email, Journeys.Password);
        await phone.GotoAsync("/checkout");
        await phone.Locator($"[data-testid=pickup-choice][data-location='{locationId}']").ClickAsync();
        await Expect(phone.Locator($"[data-testid=pickup-choice][data-location='{locationId}'] input")).ToBeCheckedAsync();
        await AppFixture.ScreenshotAsync(phone, "checkout-store-picker-phone");
        await Journeys.FillAddressAsync(phone, "4242 4242 4242 4242");
        await phone.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Pay ") }).ClickAsync();
        await Expect(phone).ToHaveURLAsync(Journeys.OrderUrl);
        var orderId = System.Text.RegularExpressions.Regex.Match(phone.Url, "/orders/([0-9a-f]+)").Groups[1].Value;
        await Expect(phone.GetByTestId("pickup-link")).ToHaveAttributeAsync("data-status", "Waiting");
        await AppFixture.ScreenshotAsync(phone, "order-with-pickup-phone");
        await phone.GetByTestId("open-pickup").ClickAsync();
        var code = (await phone.GetByTestId("pickup-code").InnerTextAsync()).Trim();
        Assert.Matches("^[0-9]{6}$", code);

        // The web choice took the unit from that store (the same step as the API path).
        using (var scope = app.Services.CreateScope())
        {
            var allocations = await scope.ServiceProvider.GetRequiredService<StoreService>().AllocationsAsync(orderId, "", true, CancellationToken.None);
            var a = Assert.Single(allocations);
            Assert.Equal(locationId, a.LocationId);
            Assert.Equal("pickup", a.Kind);
        }

        // The store marks it ready: the customer is notified with the code; the desk hands it over by that code.
        var seller = await app.NewPageAsync(phone: true);
        await Journeys.SignInAsync(seller, "maru-home@dots.local", "Demo1234");
        await seller.GotoAsync($"/stores/{locationId}");
        await seller.Locator($"[data-testid=pickup][data-order='{orderId}']").GetByTestId("mark-ready").ClickAsync();
        await Expect(seller.GetByTestId("notice")).ToContainTextAsync("ready");
        await AppFixture.ScreenshotAsync(seller, "store-console-phone");

        var notified = false;
        for (var i = 0; i < 30 && !notified; i++)
        {
            await phone.GotoAsync("/notifications");
            notified = (await phone.GetByTestId("notification").AllInnerTextsAsync()).Any(t => t.Contains(code, StringComparison.Ordinal));
            if (!notified)
            {
                await Task.Delay(1000);
            }
        }
        Assert.True(notified, "the customer is notified that the order is ready, with the pickup code");

        await seller.Locator($"[data-testid=pickup][data-order='{orderId}']").GetByTestId("code").FillAsync(code);
        await seller.Locator($"[data-testid=pickup][data-order='{orderId}']").GetByTestId("handover").ClickAsync();
        await Expect(seller.GetByTestId("notice")).ToContainTextAsync("Handed over");
        await phone.GotoAsync($"/orders/{orderId}/pickup");
        await Expect(phone.GetByTestId("pickup-status")).ToHaveAttributeAsync("data-status", "HandedOver");
    }
}
