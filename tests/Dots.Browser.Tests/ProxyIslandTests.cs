using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dots.Tests.Platform;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Dots.Browser.Tests;

/// <summary>Skipped with the reason unless a PostgreSQL server for tests is configured (./test.sh starts one).</summary>
public sealed class PostgresBrowserFactAttribute : FactAttribute
{
    public PostgresBrowserFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES")))
        {
            Skip = "Needs PostgreSQL (DOTS_TEST_POSTGRES): two `dots serve` instances share one database behind `dots proxy`. ./test.sh sets it.";
        }
    }
}

/// <summary>
/// Issue 15 item 5: the product page's interactive island works through `dots proxy` in front of two `dots serve`
/// processes on one PostgreSQL — the buy box goes live over the proxied WebSocket (kept on one instance by the
/// affinity cookie) and answers a click; after the instance is killed, a reload goes live on the other (docs/deploy.md).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProxyIslandTests(AppFixture app)
{
    [PostgresBrowserFact]
    public async Task TheBuyBoxGoesLiveThroughTheProxy_AndAgainOnTheOtherInstanceAfterAKill()
    {
        var database = "dots_proxyui_" + Guid.NewGuid().ToString("N")[..12];
        var connection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES")!) { Database = database }.ToString();
        var dataDir = Directory.CreateTempSubdirectory("dots-proxyui-").FullName;
        var processes = new List<DotsProcess>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                processes.Add(DotsProcess.Start($"instance {i + 1}", dataDir, url =>
                [
                    "serve", "--data-dir", dataDir, "--urls", url.ToString().TrimEnd('/'),
                    "--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={connection}", "--ForwardedHeaders:KnownProxies:0=127.0.0.1",
                    "--RateLimits:AuthPerMinute=10000", "--Logging:LogLevel:Default=Warning",
                ]));
            }
            await Task.WhenAll(processes.Select(p => p.WaitHealthyAsync()));
            var instances = processes.Select(p => p.BaseAddress).ToList();
            var proxyProcess = DotsProcess.Start("proxy", dataDir, url =>
            [
                "proxy", "--listen", url.ToString().TrimEnd('/'), "--backend", instances[0].ToString().TrimEnd('/'),
                "--backend", instances[1].ToString().TrimEnd('/'), "--health-interval", "1",
            ]);
            processes.Add(proxyProcess);
            await proxyProcess.WaitHealthyAsync();
            var proxy = proxyProcess.BaseAddress;

            var productId = await CreateTwoVariantProductAsync(proxy);
            var page = await app.NewPageAsync();
            var sockets = new List<string>();
            page.WebSocket += (_, ws) => sockets.Add(ws.Url);
            await page.GotoAsync(new Uri(proxy, $"/products/{productId}").ToString());
            await Journeys.WaitForInteractiveBuyBoxAsync(page);
            Assert.Contains(sockets, u => u.StartsWith($"ws://{proxy.Authority}/_blazor", StringComparison.Ordinal));
            await ClickTheOtherVariantAsync(page);
            await AppFixture.ScreenshotAsync(page, "desktop-product-through-proxy");

            // Kill one instance; whichever one held this browser, a reload goes live (on the other if it was the dead one).
            processes[0].Kill();
            // Active health checks (every second, two failures) take the dead instance out of rotation within a few seconds.
            await page.WaitForTimeoutAsync(5000);
            await page.ReloadAsync();
            await Journeys.WaitForInteractiveBuyBoxAsync(page);
            await ClickTheOtherVariantAsync(page);
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
            NpgsqlConnection.ClearAllPools();
            try
            {
                await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES"));
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
            }
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task ClickTheOtherVariantAsync(IPage page)
    {
        var chips = page.Locator(".chip:not(.off)");
        await Expect(chips).ToHaveCountAsync(2);
        var target = await chips.Nth(0).GetAttributeAsync("class") is { } c && Regex.IsMatch(c, @"\bon\b") ? chips.Nth(1) : chips.Nth(0);
        // The stock line is rendered by the circuit: it changes only if the click travelled over the proxied WebSocket.
        var before = (await page.GetByTestId("stock").InnerTextAsync()).Trim();
        await target.ClickAsync();
        await Expect(target).ToHaveClassAsync(new Regex(@"\bon\b"));
        await Expect(page.GetByTestId("stock")).Not.ToHaveTextAsync(before);
    }

    private static async Task<string> CreateTwoVariantProductAsync(Uri proxy)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = proxy, Timeout = TimeSpan.FromSeconds(60) };
        var email = $"seller{Guid.NewGuid():N}@proxy.test";
        (await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Passw0rd!" })).EnsureSuccessStatusCode();
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "Passw0rd!" });
        login.EnsureSuccessStatusCode();
        var token = (string)JsonNode.Parse(await login.Content.ReadAsStringAsync())!["accessToken"]!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var shop = await http.PostAsJsonAsync("/api/shops", new { name = "Proxy Towels", description = "Towels behind a proxy" });
        Assert.Equal(HttpStatusCode.Created, shop.StatusCode);
        var shopId = (string)JsonNode.Parse(await shop.Content.ReadAsStringAsync())!["id"]!;
        var product = await http.PostAsJsonAsync($"/api/shops/{shopId}/products", new
        {
            title = "Cotton towel", description = "Soft", category = "fresh-food",
            variants = new[]
            {
                new { sku = "TOWEL-S", options = new Dictionary<string, string> { ["size"] = "S" }, price = new { amount = 9000, currency = "KRW" }, stock = 7 },
                new { sku = "TOWEL-L", options = new Dictionary<string, string> { ["size"] = "L" }, price = new { amount = 12000, currency = "KRW" }, stock = 3 },
            },
        });
        var text = await product.Content.ReadAsStringAsync();
        Assert.True(product.StatusCode == HttpStatusCode.Created, text);
        return (string)JsonNode.Parse(text)!["id"]!;
    }
}
