using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Tests.Platform;

/// <summary>
/// Issue 15, item 5: two `dots serve` processes on one fresh PostgreSQL database behind `dots proxy` (ADR 0022,
/// docs/deploy.md). Started at once on an empty database, both come up (migrations, demo seed and the first
/// data-protection key under an advisory lock). The sign-in limit holds across instances, keyed on the client's real
/// address (clients are other loopback addresses; spoofed X-Forwarded-For is ignored). The product page's interactive
/// island connects through the proxy (negotiate + WebSocket handshake, kept on one instance by the affinity cookie).
/// A flash sale runs through the proxy and one instance is killed with SIGKILL mid-sale while the other keeps serving;
/// every request that got no final answer is retried with its Idempotency-Key until it gets one, and the crash
/// invariants hold: no unit lost or sold twice, every paid order exactly one capture, every capture paid or refunded.
/// </summary>
public sealed class TwoInstancesBehindProxyTests
{
    private const int AuthPerMinute = 60;
    private const int InitialStock = 60;
    private const int Buyers = 20;
    private const int OrdersPerBuyer = 3;

    private static readonly IPAddress ClientA = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress ClientB = IPAddress.Parse("127.0.0.3");

    [PostgresFact]
    public async Task TwoInstancesOnOneDatabase_BehindTheProxy_SurviveAKillMidSale()
    {
        var database = "dots_scale_" + Guid.NewGuid().ToString("N")[..12];
        var connection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES")!) { Database = database }.ToString();
        // One data directory for both, as shared storage would be in production (uploaded media).
        var dataDir = Directory.CreateTempSubdirectory("dots-scale-").FullName;
        var instances = new List<DotsProcess>();
        DotsProcess? proxy = null;
        try
        {
            // 1. Two instances at once on a database that does not exist yet, both asked to seed the demo.
            for (var i = 0; i < 2; i++)
            {
                instances.Add(DotsProcess.Start($"instance {i + 1}", dataDir, url =>
                [
                    "serve", "--data-dir", dataDir, "--urls", url.ToString().TrimEnd('/'), "--seed-demo",
                    "--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={connection}",
                    "--ForwardedHeaders:KnownProxies:0=127.0.0.1",
                    $"--RateLimits:AuthPerMinute={AuthPerMinute}", "--RateLimits:OrdersPerMinute=100000", "--RateLimits:OrdersBurst=100000",
                    "--Idempotency:Lease=00:00:02", "--Logging:LogLevel:Default=Warning",
                    "--Payments:Sandbox:Faults:0:Mode=Latency", "--Payments:Sandbox:Faults:0:Count=-1", "--Payments:Sandbox:Faults:0:Latency=00:00:00.150",
                ]));
            }
            await Task.WhenAll(instances.Select(p => p.WaitHealthyAsync()));
            await using (var db = Db(connection))
            {
                Assert.Equal(1, await db.Users.CountAsync(u => u.NormalizedEmail == "DEMO@DOTS.LOCAL"));
                Assert.True(await db.Shops.CountAsync() > 1, "the demo marketplace was seeded");
                // Both share the key created under the lock (a token or cookie from one opens on the other).
                Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
            }

            proxy = DotsProcess.Start("proxy", dataDir, url =>
            [
                "proxy", "--listen", url.ToString().TrimEnd('/'), "--backend", instances[0].BaseAddress.ToString().TrimEnd('/'),
                "--backend", instances[1].BaseAddress.ToString().TrimEnd('/'), "--health-interval", "1", "--Logging:LogLevel:Default=Warning",
            ]);
            await proxy.WaitHealthyAsync();
            var viaProxy = proxy.BaseAddress;

            // 2. The sign-in limit holds across instances, keyed on the client's real address.
            await SignInLimitHoldsAcrossInstancesAsync(viaProxy, instances);

            // 3. The product page's interactive island through the proxy.
            var seller = await SignUpAsync(viaProxy);
            var shop = (string)(await (await seller.PostAsJsonAsync("/api/shops", new { name = "Flash", description = "Flash sale" })).JsonAsync(HttpStatusCode.Created))["id"]!;
            var product = await (await seller.PostAsJsonAsync($"/api/shops/{shop}/products", new
            {
                title = "Flash item", description = "d", category = "fresh-food",
                variants = new[] { new { sku = "FLASH-1", options = new Dictionary<string, string> { ["size"] = "M" }, price = new { amount = 1000, currency = "KRW" }, stock = InitialStock } },
            })).JsonAsync(HttpStatusCode.Created);
            var productId = (string)product["id"]!;
            var variantId = product.FirstVariantId();
            var browser = new CookieContainer();
            await InteractiveIslandConnectsAsync(viaProxy, productId, browser);

            // 4. A flash sale through the proxy; one instance is killed mid-sale.
            var buyers = new List<HttpClient>();
            for (var i = 0; i < Buyers; i++)
            {
                buyers.Add(await SignUpAsync(viaProxy));
            }
            HashSet<string> intentsBefore;
            await using (var db = Db(connection))
            {
                intentsBefore = [.. await db.Set<PaymentIntent>().Select(i => i.Id).ToListAsync()];
            }
            var requests = buyers.SelectMany((b, i) => Enumerable.Range(0, OrdersPerBuyer).Select(j => new KeyedOrder(
                b, Guid.NewGuid().ToString("N"), Api.OrderBody(variantId, 1 + (i + j) % 3, (i * OrdersPerBuyer + j) % 7 == 0 ? Api.DeclinedCard : Api.ApprovedCard)))).ToList();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            var sale = Task.WhenAll(buyers.Select(b => Task.Run(async () =>
            {
                foreach (var purchase in requests.Where(p => p.Buyer == b))
                {
                    // A client retries an unanswered request (a 502 from the proxy, a dropped connection, "in progress") with its key.
                    await purchase.RetryUntilAnsweredAsync(viaProxy, deadline);
                }
            })));
            await Eventually.UntilAsync(() => requests.Count(p => p.Final is not null) >= 8 || sale.IsCompleted, "the sale under way", TimeSpan.FromMinutes(2));
            var killedAt = DateTime.UtcNow;
            instances[0].Kill();
            await sale;

            KeyedOrder.AssertAllAnswered(requests, instances[1].Tail);
            Assert.True(requests.Count(p => p.AnsweredAt > killedAt) > 0, "the surviving instance kept serving after the kill");
            Assert.False(instances[1].HasExited, "the other instance is still up");
            // Demand (about 120 units) exceeds the stock: the sale sells out, so oversell would show.
            Assert.Contains(requests, p => p.Final == HttpStatusCode.Conflict);

            await using (var db = Db(connection))
            {
                var stock = await db.Variants.Where(v => v.Id == variantId).Select(v => v.Stock).SingleAsync();
                Assert.True(stock >= 0, $"stock went negative: {stock}");
                var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).Where(o => o.Lines.Any(l => l.VariantId == variantId)).ToListAsync();
                Assert.DoesNotContain(orders, o => o.Status == OrderStatus.Placed);
                var sold = orders.Where(o => o.Status == OrderStatus.Paid).Sum(o => o.Lines.Sum(l => l.Quantity));
                Assert.Equal(InitialStock, stock + sold);
                var paidIds = orders.Where(o => o.Status == OrderStatus.Paid).Select(o => o.Id).ToHashSet();
                Assert.All(requests.Where(p => p.Final == HttpStatusCode.Created), p => Assert.Contains(p.OrderId!, paidIds));

                var intents = (await db.Set<PaymentIntent>().AsNoTracking().ToListAsync()).Where(i => !intentsBefore.Contains(i.Id)).ToList();
                var captures = await db.Set<SandboxLedgerEntry>().AsNoTracking().Where(e => e.Operation == PaymentOperation.Capture && e.Approved).ToListAsync();
                var capturesByIntent = intents.ToDictionary(i => i.Id, i => captures.Count(c => c.Key.StartsWith(i.Id + ":", StringComparison.Ordinal)));
                foreach (var orderId in paidIds)
                {
                    var intent = intents.Single(i => i.Purpose == CheckoutService.PaymentPurpose(orderId));
                    Assert.Equal(1, capturesByIntent[intent.Id]);
                }
                foreach (var intent in intents.Where(i => capturesByIntent[i.Id] > 0))
                {
                    var orderId = intent.Purpose["order:".Length..];
                    Assert.True(paidIds.Contains(orderId) || intent.Status == PaymentIntentStatus.Refunded,
                        $"Payment {intent.Purpose} was captured but its order is not paid and it is {intent.Status}");
                }
            }

            // 5. The browser whose affinity cookie names the dead instance moves to the live one and connects again.
            await InteractiveIslandConnectsAsync(viaProxy, productId, browser);
        }
        finally
        {
            proxy?.Dispose();
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
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

    /// <summary>
    /// From one client address, failed sign-ins go straight to instance 1, straight to instance 2 and through the proxy
    /// in turn, each claiming another address in X-Forwarded-For: exactly the limit gets through in a window (per-instance
    /// counting would let up to twice that through), and another client behind the same proxy still gets in.
    /// </summary>
    private static async Task SignInLimitHoldsAcrossInstancesAsync(Uri viaProxy, IReadOnlyList<DotsProcess> instances)
    {
        // Start in the first half of a one-minute window, so the attempts all fall into one.
        var now = DateTime.UtcNow;
        if (now.Second > 30)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - now.Second));
        }
        using var fromA = new HttpClient(DotsProcess.HandlerFrom(ClientA)) { Timeout = TimeSpan.FromSeconds(30) };
        var targets = new[] { instances[0].BaseAddress, instances[1].BaseAddress, viaProxy };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < AuthPerMinute + 15; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(targets[i % 3], "/api/auth/login"))
            {
                Content = new StringContent("{\"email\":\"nobody@test.dots\",\"password\":\"Nope12345\"}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            statuses.Add((await fromA.SendAsync(request)).StatusCode);
        }
        Assert.Equal(AuthPerMinute, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // The web sign-in form counts in the same bucket, through the proxy too.
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "login", ["Input.Email"] = "nobody@test.dots", ["Input.Password"] = "Nope12345" });
        Assert.Equal(HttpStatusCode.TooManyRequests, (await fromA.PostAsync(new Uri(viaProxy, "/account/login"), form)).StatusCode);

        using var fromB = new HttpClient(DotsProcess.HandlerFrom(ClientB)) { Timeout = TimeSpan.FromSeconds(30) };
        var other = await fromB.PostAsync(new Uri(viaProxy, "/api/auth/login"),
            new StringContent("{\"email\":\"nobody@test.dots\",\"password\":\"Nope12345\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    /// <summary>
    /// Loads the product page (the interactive BuyBox island), then does what blazor.web.js does to start its circuit:
    /// negotiate, open the WebSocket and complete the SignalR handshake — all through the proxy, with the browser's
    /// cookies, so the affinity cookie keeps negotiate and the socket on one instance.
    /// </summary>
    private static async Task InteractiveIslandConnectsAsync(Uri viaProxy, string productId, CookieContainer cookies)
    {
        using var handler = new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true };
        using var http = new HttpClient(handler) { BaseAddress = viaProxy, Timeout = TimeSpan.FromSeconds(30) };
        var page = await http.GetAsync($"/products/{productId}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.IsSuccessStatusCode, $"product page: {(int)page.StatusCode}");
        Assert.Matches(new Regex("<!--Blazor:\\{[^>]*\"type\":\"server\""), html);
        Assert.Contains(cookies.GetCookies(viaProxy).Cast<Cookie>(), c => c.Name == ".Dots.Affinity");
        var script = Regex.Match(html, "src=\"/?(_framework/blazor\\.web[^\"]*\\.js)\"");
        Assert.True(script.Success, "the page loads the Blazor script");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/" + script.Groups[1].Value)).StatusCode);

        var negotiate = await (await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null)).JsonAsync(HttpStatusCode.OK);
        var token = (string)negotiate["connectionToken"]!;
        Assert.Contains(negotiate["availableTransports"]!.AsArray(), t => (string)t!["transport"]! == "WebSockets");

        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        var ws = new UriBuilder(viaProxy) { Scheme = "ws", Path = "/_blazor", Query = "id=" + Uri.EscapeDataString(token) }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(ws, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        var answer = Encoding.UTF8.GetString(buffer, 0, received.Count);
        // The hub accepts the handshake with an empty object; an error (a connection id unknown to this instance) would say so.
        Assert.Equal("{}\u001e", answer);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    private static PostgresDotsDbContext Db(string connection) =>
        new(new DbContextOptionsBuilder<PostgresDotsDbContext>().UseNpgsql(connection).Options);

    private static async Task<HttpClient> SignUpAsync(Uri viaProxy)
    {
        // No cookies: every API request is balanced across the instances on its own.
        using var anon = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = viaProxy, Timeout = TimeSpan.FromSeconds(60) };
        var email = $"u{Guid.NewGuid():N}@scale.test";
        (await anon.PostAsJsonAsync("/api/auth/register", new { email, password = UserClient.Password })).EnsureSuccessStatusCode();
        var token = (string)(await (await anon.PostAsJsonAsync("/api/auth/login", new { email, password = UserClient.Password })).JsonAsync(HttpStatusCode.OK))["accessToken"]!;
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = viaProxy, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
