using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Platform;

/// <summary>
/// Real customers are signed in and arrive together. Eight of them (half with the web's sign-in cookie, half with
/// bearer tokens), each also a seller, walk every storefront page, every seller page and the main API routes at
/// the same time, round after round. Nothing may answer 5xx, nothing may hang, and the server must still say it is
/// healthy afterwards. (Before the fix, the layout and the page shared one DbContext and this froze SQLite.)
/// </summary>
public sealed class SignedInLoadTests : IDisposable
{
    private const int Clients = 8;
    private const int Rounds = 30;
    private readonly DotsFactory _platform = new();

    [Fact]
    public Task EightSignedInClients_BrowsingEveryPageAtOnce_GetNoServerErrorsAndLeaveTheServerHealthy() =>
        // A frozen server must fail the test, not hang the run.
        BrowseAsync().WaitAsync(TimeSpan.FromMinutes(6));

    private async Task BrowseAsync()
    {
        var clients = new List<Browser>();
        for (var i = 0; i < Clients; i++)
        {
            clients.Add(await NewBrowserAsync(useCookie: i % 2 == 0));
        }
        // Everyone has something in the cart and an order from a neighbour's shop, so every page has data to load.
        for (var i = 0; i < Clients; i++)
        {
            var neighbour = clients[(i + 1) % Clients];
            var put = await clients[i].Http.PutAsJsonAsync($"/api/cart/items/{neighbour.VariantId}", new { quantity = 1 });
            await put.JsonAsync(HttpStatusCode.OK);
            var order = await new UserClient(clients[i].Email, clients[i].Http).PlaceOrderAsync(Api.OrderBody(neighbour.VariantId), $"load-{i}");
            clients[i].OrderId = (string)(await order.JsonAsync(HttpStatusCode.Created))["id"]!;
        }

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var requests = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var path in client.Paths())
                {
                    try
                    {
                        using var response = await client.Http.GetAsync(path, deadline.Token);
                        Interlocked.Increment(ref requests);
                        if ((int)response.StatusCode >= 500)
                        {
                            var body = await response.Content.ReadAsStringAsync();
                            failures.Add($"{path} answered {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        failures.Add($"{path} did not answer before the deadline (the server froze).");
                        return;
                    }
                }
            }
        })));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests} requests failed; first: {string.Join(Environment.NewLine, failures.Take(5))}");
        Assert.Equal(Clients * Rounds * clients[0].Paths().Count, requests);
        using var health = await _platform.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    private async Task<Browser> NewBrowserAsync(bool useCookie)
    {
        var email = $"load{Guid.NewGuid():N}@test.dots";
        var http = _platform.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await http.PostAsJsonAsync("/api/auth/register", new { email, password = UserClient.Password })).EnsureSuccessStatusCode();
        if (useCookie)
        {
            (await http.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = UserClient.Password })).EnsureSuccessStatusCode();
            // As the site's own scripts do: an unsafe /api call made with the cookie carries the page's antiforgery token.
            var page = await http.GetStringAsync("/");
            var token = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"request-verification-token\" content=\"([^\"]+)\"").Groups[1].Value;
            http.DefaultRequestHeaders.Add("RequestVerificationToken", WebUtility.HtmlDecode(token));
        }
        else
        {
            var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = UserClient.Password });
            var token = (string)(await login.JsonAsync(HttpStatusCode.OK))["accessToken"]!;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var user = new UserClient(email, http);
        var shopId = await user.OpenShopAsync("Load shop " + email[4..10]);
        var product = await user.CreateProductAsync(shopId, title: "Green tea " + email[4..10], stock: 1000);
        return new Browser(email, http, useCookie, shopId, (string)product["id"]!, product.FirstVariantId());
    }

    public void Dispose() => _platform.Dispose();

    private sealed record Browser(string Email, HttpClient Http, bool Cookie, string ShopId, string ProductId, string VariantId)
    {
        public string OrderId { get; set; } = "";

        public IReadOnlyList<string> Paths() =>
        [
            "/", $"/products/{ProductId}", "/search?q=tea", "/cart", "/orders", $"/orders/{OrderId}", "/account", "/checkout",
            "/sell", $"/sell/{ShopId}", $"/sell/{ShopId}/orders", $"/sell/{ShopId}/payouts", $"/sell/{ShopId}/products",
            $"/sell/{ShopId}/products/new", $"/sell/{ShopId}/products/{ProductId}",
            "/api/me", "/api/orders", $"/api/orders/{OrderId}", "/api/cart", "/api/products?q=tea", $"/api/products/{ProductId}",
            $"/api/shops/{ShopId}/orders", $"/api/shops/{ShopId}/payouts", "/api/categories", "/health",
        ];
    }
}

/// <summary>/health tells an operator about stuck database work before customers notice.</summary>
public sealed class HealthWatchdogTests : IDisposable
{
    private readonly StallingPlatform _platform = new();

    [Fact]
    public async Task Health_ReportsDegradedWhileDatabaseWorkIsStuck_AndHealthyAfterwards()
    {
        var watchdog = _platform.Services.GetRequiredService<Dots.Infrastructure.Database.DatabaseWatchdog>();
        var client = _platform.CreateClient();
        await HealthyAsync(client);

        using (watchdog.Waiting("sqlite gate"))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            using var degraded = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
            Assert.Equal("Degraded", await degraded.Content.ReadAsStringAsync());
        }
        await HealthyAsync(client);
    }

    [Fact]
    public async Task Health_ReportsDegradedWhileARealQueryRunsPastTheThreshold()
    {
        var client = _platform.CreateClient();
        // The query blocks in the database until the test has looked (or 30 s): on PostgreSQL on an advisory lock the
        // test holds, on SQLite in a function registered on its connection. However fast or loaded the machine, it is
        // still running when /health is asked, and it ends when the test lets it.
        using var release = new ManualResetEventSlim();
        await using var holder = DotsFactory.Provider == Dots.Infrastructure.Database.DatabaseProvider.Postgres ? await HoldLockAsync() : null;
        var slow = Task.Run(async () =>
        {
            await using var scope = _platform.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Database.DotsDbContext>();
            if (holder is not null)
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(4242001)");
                return;
            }
            await db.Database.OpenConnectionAsync();
            var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
            connection.CreateFunction("test_wait", (long seconds) => release.Wait(TimeSpan.FromSeconds(seconds)) ? 1L : 0L);
            await db.Database.ExecuteSqlRawAsync("SELECT test_wait(30)");
        });
        string? seen = null;
        var deadline = DateTime.UtcNow.AddSeconds(25);
        while (!slow.IsCompleted && seen != "Degraded" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            seen = await client.GetStringAsync("/health");
        }
        release.Set();
        if (holder is not null)
        {
            await using var unlock = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock(4242001)", holder);
            await unlock.ExecuteScalarAsync();
        }
        await slow;
        Assert.Equal("Degraded", seen);
        await HealthyAsync(client);
    }

    /// <summary>A session on its own connection (not pooled) holding the advisory lock the slow query waits for.</summary>
    private async Task<Npgsql.NpgsqlConnection> HoldLockAsync()
    {
        await using var scope = _platform.Services.CreateAsyncScope();
        var cs = scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Database.DotsDbContext>().Database.GetConnectionString();
        var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(4242001)", connection);
        await command.ExecuteScalarAsync();
        return connection;
    }

    /// <summary>
    /// Healthy once nothing is stuck: the platform's own background work (outbox, jobs) may briefly pass the test's
    /// 200 ms threshold on a loaded machine, so "afterwards" is "within a few seconds", not "at this instant".
    /// </summary>
    private static Task HealthyAsync(HttpClient client) =>
        Eventually.UntilAsync(async () => await client.GetStringAsync("/health") == "Healthy", "/health says Healthy", TimeSpan.FromSeconds(15));

    public void Dispose() => _platform.Dispose();

    private sealed class StallingPlatform : DotsFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Database:Health:StallThreshold"] = "00:00:00.200" };
    }
}
