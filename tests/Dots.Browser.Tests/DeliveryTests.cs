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
        // The night to plan is the one the demo customer's order is booked on: after the 23:00 cut-off new orders
        // book the next night while the page's last wave is tonight's, so the date is set as an operator would.
        string night;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var demoId = await db.Users.Where(u => u.Email == DemoSeeder.DemoCustomerEmail).Select(u => u.Id).FirstAsync();
            night = await db.Set<DeliveryBooking>().AsNoTracking().Where(b => b.BuyerId == demoId).OrderByDescending(b => b.BookedAt).Select(b => b.Date).FirstAsync();
        }
        await ops.GotoAsync("/ops/delivery");
        await ops.Locator("#wave-date").FillAsync(night);
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
            var drivers = scope.ServiceProvider.GetRequiredService<DriverService>();
            await drivers.AddDriverAsync(id, driverEmail, new DriverRequest(driverEmail, "Test Driver", null), CancellationToken.None);
            await drivers.AssignDriverAsync(routeId, id, CancellationToken.None);
        }

        // Someone else sees nothing of the route (404), nor a driver's list.
        var notFound = await customer.GotoAsync($"/drive/{routeId}");
        Assert.Equal(404, notFound!.Status);
        Assert.Equal(404, (await customer.GotoAsync("/drive"))!.Status);
        await Expect(customer.GetByTestId("stops")).ToHaveCountAsync(0);

        // The driver's phone page lists only their routes; they open it, start it and mark the customer's stop delivered with a photo.
        await driver.GotoAsync("/drive");
        await Expect(driver.GetByTestId("my-route")).ToHaveCountAsync(1);
        await AppFixture.ScreenshotAsync(driver, "delivery-driver-routes-390");
        await driver.GetByTestId("my-route").Locator("a").ClickAsync();
        await Expect(driver).ToHaveURLAsync(new Regex($"/drive/{routeId}$"));
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

    [Fact]
    public async Task ACustomerChecksOutOnTheWeb_SeesThePromiseAndTheNightSlot_ThenTheTrackingPage()
    {
        var page = await app.NewPageAsync(phone: true);
        await Journeys.RegisterAsync(page, Journeys.NewEmail("dawn"));
        await page.GotoAsync("/search?q=towel");
        await page.Locator(".card-link").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".toast")).ToContainTextAsync("Added to your cart");
        await page.GotoAsync("/cart");
        await Expect(page.GetByTestId("delivery-promise")).ToContainTextAsync(new Regex("Order (in the next|by 23:00)"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await Expect(page.GetByTestId("dawn-delivery")).ToBeVisibleAsync();

        // The address names a main road of Gangnam: the gazetteer places it, and the form shows the promise and the nights.
        await Journeys.FillAddressAsync(page, "4242 4242 4242 4242");
        await page.GetByLabel("Address", new() { Exact = true }).FillAsync("152 Teheran-ro");
        await page.GetByTestId("check-delivery").ClickAsync();
        await Expect(page.GetByTestId("checkout-promise")).ToContainTextAsync(new Regex("Order in the next .*arrives by"));
        await Expect(page.GetByTestId("delivery-place")).ToContainTextAsync("Yeoksam-dong, Gangnam-gu");
        await Expect(page.GetByTestId("night-slot").First).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Recipient")).ToHaveValueAsync("Kim Test");
        await AppFixture.ScreenshotAsync(page, "delivery-checkout-390");

        // A neighbourhood tapped on the map wins over the address.
        await page.Locator("details.area-map-box > summary").ClickAsync();
        await page.Locator("[data-place=sangamdong]").ClickAsync();
        await Expect(page.GetByTestId("delivery-place")).ToContainTextAsync("Sangam-dong, Mapo-gu, as you chose");
        await Expect(page.GetByTestId("checkout-promise")).ToContainTextAsync("arrives by");
        await page.Locator("#delivery-door").FillAsync("#4321");
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the checkout is {width}px wide at 390");
        await page.Locator("[data-testid=dawn-delivery]").ScreenshotAsync(new() { Path = Path.Combine(AppFixture.ScreenshotDir, "delivery-checkout-map-390.png") });

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Journeys.OrderUrl);
        var orderId = new Uri(page.Url).AbsolutePath.Split('/').Last();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var booking = await scope.ServiceProvider.GetRequiredService<DotsDbContext>().Set<DeliveryBooking>().AsNoTracking().FirstAsync(b => b.OrderId == orderId);
            Assert.Equal(SeoulGazetteer.Find("sangamdong")!.Latitude, booking.Latitude);
            Assert.Equal("#4321", booking.DoorCode);
        }
        await page.GetByTestId("track-delivery").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/orders/{orderId}/tracking$"));
        await Expect(page.GetByTestId("tracking-status")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "delivery-web-order-tracking-390");

        // The same form in Korean on a desktop.
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync("/culture?c=ko&returnUrl=/cart");
        await page.GotoAsync("/search?q=towel");
        await page.Locator(".card-link").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "장바구니 담기" }).ClickAsync();
        await Expect(page.Locator(".toast")).ToBeVisibleAsync();
        await page.GotoAsync("/checkout");
        await page.Locator("#delivery-area").SelectOptionAsync("samseongdong");
        await page.GetByTestId("check-delivery").ClickAsync();
        await Expect(page.GetByTestId("checkout-promise")).ToContainTextAsync("도착");
        await AppFixture.ScreenshotAsync(page, "delivery-checkout-desktop-ko");
    }

    [Fact]
    public async Task AnOperatorEditsAZone_SeesFieldErrors_DrawsItOnTheMap_AndSavesIt()
    {
        var operatorEmail = Journeys.NewEmail("zones");
        var page = await app.NewPageAsync();
        await Journeys.RegisterAsync(page, operatorEmail);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdministration>().GrantAsync(operatorEmail, Roles.Operator, CancellationToken.None);
        }
        await page.Context.ClearCookiesAsync();
        await Journeys.SignInAsync(page, operatorEmail, Journeys.Password);
        await page.GotoAsync("/ops/delivery");
        await page.GetByTestId("edit-zones").ClickAsync();
        await Expect(page.GetByTestId("zone-list").Locator("li")).Not.ToHaveCountAsync(0);
        await page.GetByTestId("new-zone").ClickAsync();

        // Bad input: the errors are next to the fields.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Test zone");
        await page.GetByLabel("Nightly capacity (orders)").FillAsync("-3");
        await page.Locator("#zone-polygon").FillAsync("37.70, 127.20\n37.72; 127.25");
        await page.GetByTestId("zone-save").ClickAsync();
        await Expect(page.Locator("#zone-polygon-error")).ToContainTextAsync("Line 2");
        await page.Locator("#zone-polygon").FillAsync("37.70, 127.20\n37.74, 127.20\n37.74, 127.26\n37.70, 127.26");
        await page.GetByTestId("zone-save").ClickAsync();
        await Expect(page.Locator("#zone-capacity-error")).ToContainTextAsync("capacity");
        await page.GetByTestId("zone-preview").ClickAsync();
        await Expect(page.GetByTestId("route-map").Locator("circle[r='6']")).ToHaveCountAsync(4);
        await AppFixture.ScreenshotAsync(page, "delivery-zone-errors-desktop");

        await page.GetByLabel("Nightly capacity (orders)").FillAsync("40");
        await page.GetByTestId("zone-save").ClickAsync();
        await Expect(page.Locator(".toast")).ToContainTextAsync("The zone is saved");
        await Expect(page.GetByTestId("zone-list")).ToContainTextAsync("Test zone");
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/culture?c=ko&returnUrl=" + Uri.EscapeDataString(new Uri(page.Url).PathAndQuery));
        await Expect(page.Locator("h1")).ToHaveTextAsync("배송 구역");
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the zone page is {width}px wide at 390");
        await AppFixture.ScreenshotAsync(page, "delivery-zone-390-ko");
    }

    // A 1×1 PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
