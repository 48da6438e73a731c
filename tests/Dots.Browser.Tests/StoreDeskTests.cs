using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Rentals;
using Dots.Modules.Stores;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>A store's staff at work: a transfer to another store (in transit, then received) and the store's rentals desk (hand-over, return with damage).</summary>
[Collection(BrowserCollection.Name)]
public sealed class StoreDeskTests(AppFixture app)
{
    /// <summary>Registers through the form by its field ids, whatever the page's language.</summary>
    internal static async Task RegisterInAnyLanguageAsync(Microsoft.Playwright.IPage page, string email)
    {
        await page.GotoAsync("/account/register");
        await page.Locator("#name").FillAsync("Test Person");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(Journeys.Password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        await Expect(page.Locator(".toast")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task StoreStaff_SendATransfer_AndWorkTheStoresRentalsDesk_InKoreanOnAPhone()
    {
        var email = Journeys.NewEmail("staff");
        var staff = await app.NewPageAsync(phone: true, locale: "ko-KR");
        await RegisterInAnyLanguageAsync(staff, email);

        string hannam, seongsu, variantId, rentalId, bookingId;
        using (var scope = app.Services.CreateScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
            var stores = scope.ServiceProvider.GetRequiredService<StoreService>();
            var shop = (await catalog.ListShopsAsync(1, 100, CancellationToken.None)).Items.First(s => s.Name == "Maru Home");
            var locations = await stores.ListLocationsAsync(shop.Id, CancellationToken.None);
            hannam = locations.First(l => l.Name == "Maru Home Hannam").Id;
            seongsu = locations.First(l => l.Name == "Maru Home Seongsu").Id;
            await stores.AddStaffAsync(hannam, shop.OwnerId, new AddStaffRequest(email), CancellationToken.None);
            var (stock, _) = await stores.StockOfAsync(hannam, shop.OwnerId, CancellationToken.None);
            variantId = stock.OrderByDescending(s => s.Stock).First().VariantId;
            // A demo customer has booked the shop's drill, handed out from Hannam (its first store).
            var rentals = scope.ServiceProvider.GetRequiredService<RentalService>();
            var drill = (await rentals.ShopRentalsAsync(shop.Id, CancellationToken.None)).First(r => r.Title == "Cordless drill kit");
            Assert.Equal(hannam, drill.LocationId);
            rentalId = drill.Id;
            var customer = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync("customer7@dots.local");
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")).DateTime);
            var booking = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(rentalId, customer!.Id, new CreateBookingRequest(
                today.AddDays(40).ToString("yyyy-MM-dd"), today.AddDays(41).ToString("yyyy-MM-dd"),
                new BookingAddressDto("Park Desk", "45 Itaewon-ro", null, "Seoul", "04400", "010-2222-3333", null, null),
                new BookingPaymentDto("card", "4242424242424242")), CancellationToken.None);
            bookingId = booking.Id;
        }

        // Transfer: two units leave Hannam and are in transit until Seongsu receives them.
        await staff.GotoAsync($"/stores/{hannam}?tab=transfers");
        await staff.Locator("#t-variant").SelectOptionAsync(variantId);
        await staff.Locator("#t-to").SelectOptionAsync(seongsu);
        await staff.Locator("#t-qty").FillAsync("2");
        await staff.GetByTestId("send").ClickAsync();
        await Expect(staff.GetByTestId("notice")).ToBeVisibleAsync();
        var sent = staff.GetByTestId("transfer-out").First;
        await Expect(sent).ToHaveAttributeAsync("data-status", "InTransit");
        await AppFixture.ScreenshotAsync(staff, "store-transfers-phone-ko");
        var transferId = await sent.GetAttributeAsync("data-transfer");

        // Hannam's staff cannot receive at Seongsu: the console of another store is not theirs.
        var other = await staff.GotoAsync($"/stores/{seongsu}");
        Assert.Equal(404, other!.Status);

        var owner = await app.NewPageAsync();
        await Journeys.SignInAsync(owner, "maru-home@dots.local", "Demo1234");
        await owner.GotoAsync($"/stores/{seongsu}?tab=transfers");
        await owner.Locator($"[data-testid=transfer-in][data-transfer='{transferId}']").GetByTestId("receive").ClickAsync();
        await Expect(owner.GetByTestId("notice")).ToContainTextAsync("Received");
        await Expect(owner.Locator($"[data-testid=transfer-in][data-transfer='{transferId}']")).ToHaveAttributeAsync("data-status", "Received");
        await AppFixture.ScreenshotAsync(owner, "store-transfers-desktop");

        // The rentals desk of Hannam: hand over, then record the return with a 10,000 won charge.
        await staff.GotoAsync($"/stores/{hannam}/rentals");
        var row = staff.Locator($"[data-testid=desk-booking][data-booking='{bookingId}']");
        await row.GetByTestId("hand-over").ClickAsync();
        await Expect(staff.GetByTestId("notice")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(staff, "store-rentals-desk-phone-ko");
        await staff.Locator($"[data-testid=desk-booking][data-booking='{bookingId}']").GetByTestId("inspect").ClickAsync();
        await staff.Locator("#condition").SelectOptionAsync("scratched");
        await staff.Locator("#damage").FillAsync("10000");
        await staff.Locator("#notes").FillAsync("Chuck scratched");
        await staff.GetByTestId("record-return").ClickAsync();
        await Expect(staff.GetByTestId("deposit-refunded")).ToContainTextAsync("40,000");
        await AppFixture.ScreenshotAsync(staff, "store-return-inspection-phone-ko");

        // The shop's own rentals console stays the owner's: the staff member gets 404 there.
        string shopId;
        using (var scope = app.Services.CreateScope())
        {
            shopId = (await scope.ServiceProvider.GetRequiredService<StoreService>().GetLocationAsync(hannam, CancellationToken.None)).ShopId;
        }
        var console = await staff.GotoAsync($"/sell/{shopId}/rentals");
        Assert.Equal(404, console!.Status);
    }
}
