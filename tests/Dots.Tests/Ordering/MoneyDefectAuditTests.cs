using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>
/// Issue 15's defect list, the bullets the audit (docs/money-defects.md) found without a test of their own: gateway keys
/// that were the client's raw header, a client hanging up during a cancel's refund, and cancels locking stock rows in
/// another order than checkout (PostgreSQL deadlocks → 500) or racing the out-of-stock answer.
/// </summary>
public sealed class MoneyDefectAuditTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task TwoUsersSendingTheSameIdempotencyKey_AreChargedOnce_EachUnderTheirOwnProviderKey()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 10);
        var alice = await platform.NewUserAsync();
        var bob = await platform.NewUserAsync();
        var a = (string)(await (await alice.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId()), "1")).JsonAsync(HttpStatusCode.Created))["id"]!;
        var b = (string)(await (await bob.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId()), "1")).JsonAsync(HttpStatusCode.Created))["id"]!;

        var keys = new List<string>();
        foreach (var orderId in new[] { a, b })
        {
            var captures = await platform.WithDbAsync(async db =>
            {
                var intent = await db.Set<PaymentIntent>().AsNoTracking().SingleAsync(i => i.Purpose == "order:" + orderId);
                return await db.Set<SandboxLedgerEntry>().AsNoTracking()
                    .Where(e => e.Key.StartsWith(intent.Id) && e.Operation == PaymentOperation.Capture && e.Approved).Select(e => e.Key).ToListAsync();
            });
            keys.Add(Assert.Single(captures));
        }
        Assert.NotEqual(keys[0], keys[1]);
        Assert.DoesNotContain(keys, k => k == "1");
    }

    [Fact]
    public async Task AClientHangingUpDuringTheCancelsRefund_LeavesTheOrderCancelled_AndRefundedOnce()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();
        var orderId = (string)(await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId(), 2))).JsonAsync(HttpStatusCode.Created))["id"]!;

        platform.Services.GetRequiredService<SandboxFaults>().Inject(SandboxFaultMode.Latency, 1, PaymentOperation.Refund, TimeSpan.FromSeconds(2));
        using (var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(400)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null, hangUp.Token));
        }

        await Eventually.UntilAsync(async () =>
        {
            var order = await (await buyer.Http.GetAsync($"/api/orders/{orderId}")).JsonAsync(HttpStatusCode.OK);
            return (string?)order["status"] == "Cancelled" && order["payments"]!.AsArray().Any(p => (string?)p!["kind"] == "refund");
        }, "the cancel to stand and its refund to be recorded");
        await Task.Delay(2500); // any late writer of the hung-up request has finished by now
        var final = await (await buyer.Http.GetAsync($"/api/orders/{orderId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string?)final["status"]);
        Assert.Single(final["payments"]!.AsArray(), p => (string?)p!["kind"] == "refund");
        Assert.Equal(5, await platform.CreateClient().StockAsync((string)product["id"]!));
    }

    [Fact]
    public async Task CancelsRacingCheckouts_WithLinesInOppositeOrders_NeverAnswer5xx_AndTheStockAddsUp()
    {
        const int Buyers = 8, Stock = 20;
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var first = await owner.CreateProductAsync(shop, title: "First", stock: Stock);
        var second = await owner.CreateProductAsync(shop, title: "Second", stock: Stock);
        string[] variants = [first.FirstVariantId(), second.FirstVariantId()];
        var buyers = new List<UserClient>();
        var placed = new List<string>();
        for (var i = 0; i < Buyers; i++)
        {
            var buyer = await platform.NewUserAsync();
            buyers.Add(buyer);
            var body = new { items = new[] { new { variantId = variants[1], quantity = 1 }, new { variantId = variants[0], quantity = 1 } }, shippingAddress = Api.Address, payment = new { method = "card", cardNumber = Api.ApprovedCard } };
            placed.Add((string)(await (await buyer.PlaceOrderAsync(body)).JsonAsync(HttpStatusCode.Created))["id"]!);
        }

        var statuses = await Task.WhenAll(Enumerable.Range(0, Buyers).SelectMany(i => new[]
        {
            Task.Run(async () => (int)(await buyers[i].Http.PostAsync($"/api/orders/{placed[i]}/cancel", null)).StatusCode),
            Task.Run(async () => (int)(await buyers[i].PlaceOrderAsync(new
            {
                items = new[] { new { variantId = variants[0], quantity = 2 }, new { variantId = variants[1], quantity = 2 } },
                shippingAddress = Api.Address, payment = new { method = "card", cardNumber = Api.ApprovedCard },
            })).StatusCode),
        }));
        Assert.All(statuses, s => Assert.True(s is 200 or 201 or 409, $"answered {s}"));

        var held = new Dictionary<string, int> { [variants[0]] = 0, [variants[1]] = 0 };
        foreach (var buyer in buyers)
        {
            var orders = await (await buyer.Http.GetAsync("/api/orders?pageSize=50")).JsonAsync(HttpStatusCode.OK);
            foreach (var summary in orders["items"]!.AsArray())
            {
                var order = await (await buyer.Http.GetAsync($"/api/orders/{summary!["id"]}")).JsonAsync(HttpStatusCode.OK);
                if ((string?)order["status"] is "Cancelled" or "Refunded")
                {
                    continue;
                }
                foreach (var line in order["lines"]!.AsArray())
                {
                    held[(string)line!["variantId"]!] += (int)line["quantity"]!;
                }
            }
        }
        Assert.Equal(Stock, await platform.CreateClient().StockAsync((string)first["id"]!) + held[variants[0]]);
        Assert.Equal(Stock, await platform.CreateClient().StockAsync((string)second["id"]!) + held[variants[1]]);
    }
}
