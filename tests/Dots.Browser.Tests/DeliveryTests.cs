using System.Text.RegularExpressions;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Delivery;
using Dots.Modules.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>The dawn-delivery night in the browser: the promise, the operator's wave and map, the driver's phone page, the customer's tracking.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DeliveryTests(AppFixture app)
{
    [Fact]
    public async Task ACustomerSeesThePromise_TheDriverDelivers_AndTheCustomersTrackingPageShowsIt()
    {
        // The customer sees the promise on a product page.
        var customer = await app.NewPageAsync(phone: true);
        await Journeys.SignInAsync(customer, DemoSeeder.DemoCustomerEmail, DemoSeeder.DemoPassword);
        await customer.GotoAsync("/");
        await customer.Locator("a.card-link").First.ClickAsync();
        await Expect(customer.GetByTestId("delivery-promise")).ToContainTextAsync(new Regex("Order in the next .*arrives by"));
        await AppFixture.ScreenshotAsync(customer, "delivery-promise-product-390");

        // The operator runs tonight's wave and sees the routes on the map.
        var operatorEmail = Journeys.NewEmail("operator");
        var ops = await app.NewPageAsync();
        await Journeys.RegisterAsync(ops, operatorEmail);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().GrantAsync(operatorEmail, Roles.Operator, CancellationToken.None);
        }
        await ops.Context.ClearCookiesAsync();
        await Journeys.SignInAsync(ops, operatorEmail, Journeys.Password);
        await ops.GotoAsync("/ops/delivery");
        await ops.GetByTestId("run-wave").ClickAsync(new() { Timeout = 60_000 });
        await Expect(ops.GetByTestId("route-map")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(ops.GetByTestId("routes").Locator("tbody tr")).Not.ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(ops, "delivery-ops-desktop");

        // The demo customer's order is on a route; it goes to a driver's account.
        string orderId, routeId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var demoId = await db.Users.Where(u => u.Email == DemoSeeder.DemoCustomerEmail).Select(u => u.Id).FirstAsync();
            var booking = await db.Set<DeliveryBooking>().AsNoTracking().Where(b => b.BuyerId == demoId && b.RouteId != null).OrderByDescending(b => b.BookedAt).FirstAsync();
            (orderId, routeId) = (booking.OrderId, booking.RouteId!);
        }
        var driverEmail = Journeys.NewEmail("driver");
        var driver = await app.NewPageAsync(phone: true);
        await Journeys.RegisterAsync(driver, driverEmail);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
            var id = (await users.FindByEmailAsync(driverEmail))!.Id;
            await scope.ServiceProvider.GetRequiredService<DriverService>().AssignDriverAsync(routeId, id, CancellationToken.None);
        }

        // Someone else sees nothing of the route.
        await customer.GotoAsync($"/drive/{routeId}");
        await Expect(customer.Locator(".state-title")).ToContainTextAsync("Route not found");
        await Expect(customer.GetByTestId("stops")).ToHaveCountAsync(0);

        // The driver, on a phone, starts the route and marks the customer's stop delivered with a photo.
        await driver.GotoAsync($"/drive/{routeId}");
        await driver.GetByTestId("start-route").ClickAsync();
        await Expect(driver.Locator(".toast")).ToContainTextAsync("Out for delivery");
        await AppFixture.ScreenshotAsync(driver, "delivery-driver-390");
        await driver.ScreenshotAsync(new() { Path = Path.Combine(AppFixture.ScreenshotDir, "delivery-driver-390-top.png") });
        var stop = driver.Locator($"[data-testid=stop][data-order='{orderId}']");
        await stop.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "door.png", MimeType = "image/png", Buffer = Png });
        await stop.GetByTestId("mark-delivered").ClickAsync();
        await Expect(driver.Locator(".toast")).ToContainTextAsync("Marked delivered");
        await Expect(driver.Locator($"[data-testid=stop][data-order='{orderId}'] [data-testid=stop-delivered]")).ToBeVisibleAsync();
        var width = await driver.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the driver's page is {width}px wide at 390");

        // The customer's tracking page shows it, with the photo.
        await customer.GotoAsync($"/orders/{orderId}/tracking");
        await Expect(customer.GetByTestId("tracking-status")).ToHaveTextAsync("Delivered");
        await Expect(customer.GetByTestId("tracking-proof")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(customer, "delivery-tracking-390");
        var desktop = await app.NewPageAsync();
        await Journeys.SignInAsync(desktop, DemoSeeder.DemoCustomerEmail, DemoSeeder.DemoPassword);
        await desktop.GotoAsync($"/culture?c=ko&returnUrl=/orders/{orderId}/tracking");
        await Expect(desktop.GetByTestId("tracking-status")).ToHaveTextAsync("배송 완료");
        await AppFixture.ScreenshotAsync(desktop, "delivery-tracking-desktop-ko");
        await ops.GotoAsync("/ops/delivery");
        await ops.SetViewportSizeAsync(390, 844);
        await AppFixture.ScreenshotAsync(ops, "delivery-ops-390");
        await ops.ScreenshotAsync(new() { Path = Path.Combine(AppFixture.ScreenshotDir, "delivery-ops-390-top.png") });
    }

    // A 1×1 PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
