using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

internal static class Journeys
{
    public const string Password = "Passw0rd1";

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid().ToString("N")[..10]}@example.test";

    public static async Task RegisterAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/register");
        await page.GetByLabel("Your name").FillAsync("Test Person");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.Locator(".toast")).ToContainTextAsync("Welcome to Dots");
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).Last.ClickAsync();
        await Expect(page.Locator(".toast")).ToContainTextAsync("Welcome back");
    }

    public static async Task SignInAsyncOnCurrentPage(IPage page, string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.Locator("main form button[type=submit]").ClickAsync();
    }

    public static async Task FillAddressAsync(IPage page, string card)
    {
        await page.GetByLabel("Recipient").FillAsync("Kim Test");
        await page.GetByLabel("Phone").FillAsync("010-1234-5678");
        await page.GetByLabel("Address", new() { Exact = true }).FillAsync("12 Seongsu-ro");
        await page.GetByLabel("City").FillAsync("Seoul");
        await page.GetByLabel("Postal code").FillAsync("04780");
        await page.GetByLabel("Card number").FillAsync(card);
    }

    /// <summary>Waits until the buy box's circuit is live (it then shows the live-stock dot).</summary>
    public static Task WaitForInteractiveBuyBoxAsync(IPage page) =>
        Expect(page.Locator(".buybox .live-dot")).ToBeVisibleAsync(new() { Timeout = 15_000 });

    public static string OrderUrlPattern => @"/orders/[0-9a-f]+";

    public static Regex OrderUrl { get; } = new(OrderUrlPattern + @"(\?|$)");
}
