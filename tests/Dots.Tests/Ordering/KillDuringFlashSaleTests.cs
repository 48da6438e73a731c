using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Dots.Tests.Platform;
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
        var server = await StartAsync(connection, dataDir);
        try
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
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
            var requests = buyers.SelectMany((b, i) => Enumerable.Range(0, OrdersPerBuyer).Select(j => new KeyedOrder(
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

            server.Dispose();
            server = await StartAsync(connection, dataDir);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            foreach (var purchase in requests.Where(p => p.Final is null))
            {
                await purchase.RetryUntilAnsweredAsync(server.BaseAddress, deadline);
            }

            KeyedOrder.AssertAllAnswered(requests, server.Tail);

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
            server.Dispose();
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

    /// <summary>`dots serve` as a separate process, with a sandbox provider slow enough that a kill lands mid-payment.</summary>
    private static async Task<DotsProcess> StartAsync(string connection, string dataDir)
    {
        var server = DotsProcess.Start("dots serve", dataDir, url =>
        [
            "serve", "--data-dir", dataDir, "--urls", url.ToString().TrimEnd('/'),
            "--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={connection}",
            "--RateLimits:AuthPerMinute=100000", "--RateLimits:OrdersPerMinute=100000", "--RateLimits:OrdersBurst=100000",
            "--Idempotency:Lease=00:00:02", "--Logging:LogLevel:Default=Warning",
            "--Payments:Sandbox:Faults:0:Mode=Latency", "--Payments:Sandbox:Faults:0:Count=-1", "--Payments:Sandbox:Faults:0:Latency=00:00:00.150",
        ]);
        try
        {
            await server.WaitHealthyAsync(timeout: TimeSpan.FromMinutes(3));
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }
}
