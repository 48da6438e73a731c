using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Tests.Ordering;

/// <summary>
/// Issue 15, item 4: kill -9 in a flash sale. The server runs as its own process (`dots serve`) on PostgreSQL; many
/// buyers order at once, the process is killed mid-sale, started again on the same database, and every request that
/// got no final answer is retried with its Idempotency-Key. Every retry must get a final answer (201, 402 or 409),
/// no unit may be lost or sold twice, every paid order has exactly one capture in the sandbox provider's books (kept
/// in the database, so they survive the kill), and every captured payment belongs to a paid order or was refunded.
/// </summary>
public sealed class KillDuringFlashSaleTests
{
    private const int InitialStock = 120;
    private const int Buyers = 24;
    private const int OrdersPerBuyer = 3;

    [PostgresTheory]
    [InlineData(300)]
    [InlineData(1200)]
    [InlineData(2500)]
    public async Task AfterAKillMidSale_EveryRetryIsAnswered_AndNoUnitOrPaymentIsLost(int killAfterMs)
    {
        var database = "dots_crash_" + Guid.NewGuid().ToString("N")[..12];
        var connection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES")!) { Database = database }.ToString();
        var dataDir = Directory.CreateTempSubdirectory("dots-crash-").FullName;
        var server = await ServerProcess.StartAsync(connection, dataDir);
        try
        {
            var http = server.Client();
            var seller = await SignUpAsync(http);
            var shop = (string)(await (await seller.PostAsJsonAsync("/api/shops", new { name = "Flash", description = "Flash sale" })).JsonAsync(HttpStatusCode.Created))["id"]!;
            var product = await (await seller.PostAsJsonAsync($"/api/shops/{shop}/products", new
            {
                title = "Flash item", description = "d", category = "fresh-food",
                variants = new[] { new { sku = "FLASH-1", options = new Dictionary<string, string> { ["size"] = "M" }, price = new { amount = 1000, currency = "KRW" }, stock = InitialStock } },
            })).JsonAsync(HttpStatusCode.Created);
            var variantId = product.FirstVariantId();
            var buyers = new List<HttpClient>();
            for (var i = 0; i < Buyers; i++)
            {
                buyers.Add(await SignUpAsync(http));
            }
            // Every buyer's requests, each with its own key; a few use the declined card.
            var requests = buyers.SelectMany((b, i) => Enumerable.Range(0, OrdersPerBuyer).Select(j => new Purchase(
                b, Guid.NewGuid().ToString("N"), Api.OrderBody(variantId, 1 + (i + j) % 3, (i * OrdersPerBuyer + j) % 7 == 0 ? Api.DeclinedCard : Api.ApprovedCard)))).ToList();

            var sale = Task.WhenAll(buyers.Select((b, i) => Task.Run(async () =>
            {
                foreach (var purchase in requests.Where(p => p.Buyer == b))
                {
                    await purchase.TryAsync(server.BaseAddress);
                }
            })));
            await Task.Delay(killAfterMs);
            server.Kill();
            await sale;

            server = await ServerProcess.StartAsync(connection, dataDir);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            foreach (var purchase in requests.Where(p => p.Final is null))
            {
                while (purchase.Final is null && DateTime.UtcNow < deadline)
                {
                    if (!await purchase.TryAsync(server.BaseAddress))
                    {
                        await Task.Delay(250);
                    }
                }
            }

            var unanswered = requests.Where(p => p.Final is null).Select(p => p.LastAnswer).ToList();
            Assert.True(unanswered.Count == 0, $"{unanswered.Count} requests never got a final answer: {string.Join(" | ", unanswered.Take(5))}");
            Assert.All(requests, p => Assert.Contains(p.Final!.Value, new[] { HttpStatusCode.Created, HttpStatusCode.PaymentRequired, HttpStatusCode.Conflict }));

            await using var db = new PostgresDotsDbContext(new DbContextOptionsBuilder<PostgresDotsDbContext>().UseNpgsql(connection).Options);
            var stock = await db.Variants.Where(v => v.Id == variantId).Select(v => v.Stock).SingleAsync();
            var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).ToListAsync();
            Assert.DoesNotContain(orders, o => o.Status == OrderStatus.Placed);
            var sold = orders.Where(o => o.Status == OrderStatus.Paid).Sum(o => o.Lines.Sum(l => l.Quantity));
            Assert.Equal(InitialStock, stock + sold);
            // Every 201 the clients saw is a paid order.
            var paidIds = orders.Where(o => o.Status == OrderStatus.Paid).Select(o => o.Id).ToHashSet();
            Assert.All(requests.Where(p => p.Final == HttpStatusCode.Created), p => Assert.Contains(p.OrderId!, paidIds));

            var intents = await db.Set<PaymentIntent>().AsNoTracking().ToListAsync();
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
        finally
        {
            server.Kill();
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

    private static async Task<HttpClient> SignUpAsync(HttpClient anon)
    {
        var email = $"u{Guid.NewGuid():N}@crash.test";
        (await anon.PostAsJsonAsync("/api/auth/register", new { email, password = UserClient.Password })).EnsureSuccessStatusCode();
        var token = (string)(await (await anon.PostAsJsonAsync("/api/auth/login", new { email, password = UserClient.Password })).JsonAsync(HttpStatusCode.OK))["accessToken"]!;
        var client = new HttpClient { BaseAddress = anon.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private sealed class Purchase(HttpClient buyer, string key, object body)
    {
        public HttpClient Buyer { get; } = buyer;
        public HttpStatusCode? Final { get; private set; }
        public string? OrderId { get; private set; }
        public string? LastAnswer { get; private set; }

        /// <summary>Sends the request once; true when it got a final answer.</summary>
        public async Task<bool> TryAsync(Uri server)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/api/orders")) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            try
            {
                using var response = await Buyer.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                LastAnswer = $"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}";
                var inProgress = response.StatusCode == HttpStatusCode.Conflict && text.Contains("\"inProgress\"", StringComparison.Ordinal);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.PaymentRequired || response.StatusCode == HttpStatusCode.Conflict && !inProgress)
                {
                    Final = response.StatusCode;
                    OrderId = response.StatusCode == HttpStatusCode.Created ? (string?)JsonNode.Parse(text)!["id"] : null;
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                LastAnswer = e.GetType().Name + ": " + e.Message;
            }
            return false;
        }
    }

    /// <summary>`dots serve` as a separate process, with a sandbox provider slow enough that a kill lands mid-payment.</summary>
    private sealed class ServerProcess
    {
        private readonly Process _process;

        private ServerProcess(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        public static async Task<ServerProcess> StartAsync(string connection, string dataDir)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dataDir };
            foreach (var arg in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "dots.dll"), "serve", "--data-dir", dataDir, "--urls", $"http://127.0.0.1:{port}",
                "--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={connection}",
                "--RateLimits:AuthPerMinute=100000", "--RateLimits:OrdersPerMinute=100000", "--RateLimits:OrdersBurst=100000",
                "--Idempotency:Lease=00:00:02", "--Logging:LogLevel:Default=Warning",
                "--Payments:Sandbox:Faults:0:Mode=Latency", "--Payments:Sandbox:Faults:0:Count=-1", "--Payments:Sandbox:Faults:0:Latency=00:00:00.150",
            })
            {
                psi.ArgumentList.Add(arg);
            }
            psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
            using var probe = server.Client();
            var until = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (DateTime.UtcNow < until)
            {
                Assert.False(process.HasExited, $"dots serve exited with {(process.HasExited ? process.ExitCode : 0)}");
                try
                {
                    if ((await probe.GetAsync("/health")).IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(250);
            }
            server.Kill();
            throw new TimeoutException("dots serve did not become healthy");
        }

        /// <summary>SIGKILL: no shutdown, no flushing — what a crash or an OOM kill leaves.</summary>
        public void Kill()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(30_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
