using Dots.Modules.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class RentalTests(AppFixture app)
{
    [Fact]
    public async Task RentABike_ReturnItWithDamage_TheDepositIsPartlyRefunded()
    {
        // The customer picks dates on the calendar of a demo bike and books it (on a phone).
        var customer = await app.NewPageAsync(phone: true);
        await Journeys.RegisterAsync(customer, Journeys.NewEmail("renter"));
        await customer.GotoAsync("/rentals");
        await AppFixture.ScreenshotAsync(customer, "rentals-list-phone");
        await customer.Locator("[data-testid=rental-card]", new() { HasText = "City bike" }).ClickAsync();
        await Expect(customer.GetByTestId("rental-title")).ToContainTextAsync("City bike");
        var days = customer.Locator(".cal a.d:not(.none)");
        await days.Nth(3).ClickAsync();
        await customer.Locator(".cal a.d:not(.none)").Nth(5).ClickAsync();
        await Expect(customer.GetByTestId("quote")).ToContainTextAsync("3 day");
        await AppFixture.ScreenshotAsync(customer, "rental-page-phone");
        await customer.GetByLabel("Name").FillAsync("Kim Renter");
        await customer.GetByLabel("Phone").FillAsync("010-1234-5678");
        await customer.GetByLabel("Address", new() { Exact = true }).FillAsync("12 Seongsu-ro");
        await customer.GetByLabel("City").FillAsync("Seoul");
        await customer.GetByLabel("Postal code").FillAsync("04780");
        await customer.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await customer.GetByTestId("book").ClickAsync();
        await Expect(customer.GetByTestId("notice")).ToContainTextAsync("Booked");
        await Expect(customer.GetByTestId("booking-status").First).ToContainTextAsync("Booked");
        await AppFixture.ScreenshotAsync(customer, "my-rentals-booked-phone");

        // The shop hands it over and records the return with a 30,000 won scratch (on a desktop).
        string shopId;
        using (var scope = app.Services.CreateScope())
        {
            var shops = await scope.ServiceProvider.GetRequiredService<CatalogService>().ListShopsAsync(1, 100, CancellationToken.None);
            shopId = shops.Items.First(s => s.Name == "Bukhansan Trail Co.").Id;
        }
        var seller = await app.NewPageAsync();
        await Journeys.SignInAsync(seller, "trail-co@dots.local", "Demo1234");
        await seller.GotoAsync($"/sell/{shopId}/rentals?status=Confirmed");
        var row = seller.GetByTestId("desk-booking").Filter(new() { HasText = "Kim Renter" });
        await row.GetByTestId("hand-over").ClickAsync();
        await Expect(seller.GetByTestId("notice")).ToContainTextAsync("Handed over");
        await AppFixture.ScreenshotAsync(seller, "rentals-desk-desktop");
        await seller.GotoAsync($"/sell/{shopId}/rentals?status=PickedUp");
        await seller.GetByTestId("desk-booking").Filter(new() { HasText = "Kim Renter" }).GetByTestId("inspect").ClickAsync();
        await seller.GetByLabel("Condition").SelectOptionAsync("scratched");
        await seller.GetByLabel("Damage charge (KRW)").FillAsync("30000");
        await seller.GetByLabel("Notes for the customer").FillAsync("Scratch on the frame");
        await AppFixture.ScreenshotAsync(seller, "return-inspection-desktop");
        await seller.GetByTestId("record-return").ClickAsync();
        await Expect(seller.GetByTestId("deposit-refunded")).ToContainTextAsync("70,000");

        // The customer sees the itemised charge and the deposit partly refunded.
        await customer.GotoAsync("/rentals/me");
        var mine = customer.GetByTestId("my-rental").First;
        await Expect(mine.GetByTestId("charge")).ToContainTextAsync("Scratch on the frame");
        await Expect(mine.GetByTestId("deposit-refunded")).ToContainTextAsync("70,000");
        await AppFixture.ScreenshotAsync(customer, "my-rentals-returned-phone");
    }

    [Fact]
    public async Task RentalPages_InKorean_OnAPhoneAndADesktop()
    {
        foreach (var phone in new[] { true, false })
        {
            var page = await app.NewPageAsync(phone, "ko-KR");
            await page.GotoAsync("/rentals");
            await Expect(page.Locator("h1")).ToContainTextAsync("사지 말고 빌리세요");
            await page.Locator("[data-testid=rental-card]").First.ClickAsync();
            await Expect(page.GetByTestId("calendar")).ToBeVisibleAsync();
            await AppFixture.ScreenshotAsync(page, "rental-page-ko-" + (phone ? "phone" : "desktop"));
        }
    }
}
