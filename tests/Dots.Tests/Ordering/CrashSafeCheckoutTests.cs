using System.Net;
using System.Net.Http.Json;
using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>
/// Issue 15, item 1 and 2: an idempotency claim carries a lease, and a retry after it resumes the checkout from what
/// it recorded; order and shop-part status changes are compare-and-set, so no race loses a cancel or a payment.
/// </summary>
public sealed class CrashSafeCheckoutTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private SandboxFaults Faults => platform.Services.GetRequiredService<SandboxFaults>();

    private async Task<(string ProductId, string VariantId)> ProductAsync(int stock = 10)
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: stock);
        return ((string)product["id"]!, product.FirstVariantId());
    }

    [Fact]
    public async Task AClaimLeftByADeadProcess_BeforeItWroteAnything_IsTakenOverAfterItsLease_AndTheRetryIsAnswered()
    {
        var (productId, variantId) = await ProductAsync();
        var buyer = await platform.NewUserAsync();
        var body = Api.OrderBody(variantId, 2);
        var key = Guid.NewGuid().ToString("N");
        // The first try claimed the key and died before its order committed: a claim with nothing attached.
        var first = await buyer.PlaceOrderAsync(body, key);
        var order = await first.JsonAsync(HttpStatusCode.Created);
        var userId = await platform.WithDbAsync(db => db.Orders.Where(o => o.Id == (string)order["id"]!).Select(o => o.BuyerId).FirstAsync());
        var deadKey = Guid.NewGuid().ToString("N");
        await platform.WithDbAsync(async db =>
        {
            var hash = await db.IdempotencyRecords.Where(r => r.Key == key).Select(r => r.RequestHash).FirstAsync();
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                UserId = userId, Scope = "orders", Key = deadKey, RequestHash = hash, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
                LeaseUntil = DateTimeOffset.UtcNow.AddSeconds(-1), Attempts = 1,
            });
            return await db.SaveChangesAsync();
        });

        var retried = await (await buyer.PlaceOrderAsync(body, deadKey)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Paid", (string?)retried["status"]);
        Assert.NotEqual((string)order["id"]!, (string)retried["id"]!);
        var replay = await buyer.PlaceOrderAsync(body, deadKey);
        Assert.Equal((string)retried["id"]!, (string)(await replay.JsonAsync(HttpStatusCode.Created))["id"]!);
        Assert.Equal(6, await platform.CreateClient().StockAsync(productId));
    }

    [Fact]
    public async Task AClaimStillInItsLease_AnswersStillBeingProcessed()
    {
        var (_, variantId) = await ProductAsync();
        var buyer = await platform.NewUserAsync();
        var body = Api.OrderBody(variantId, 1);
        Faults.Inject(SandboxFaultMode.Latency, 1, PaymentOperation.Authorize, TimeSpan.FromSeconds(2));
        var key = Guid.NewGuid().ToString("N");
        var slow = buyer.PlaceOrderAsync(body, key);
        await Eventually.UntilAsync(() => platform.WithDbAsync(db => db.IdempotencyRecords.AnyAsync(r => r.Key == key && r.ResourceId != null)), "the claim to learn its order");
        var early = await buyer.PlaceOrderAsync(body, key);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("still being processed", await early.Content.ReadAsStringAsync());
        await (await slow).JsonAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("Timeout")]
    [InlineData("ErrorAfterMoved")]
    public async Task ACheckoutWhoseCaptureDidNotAnswer_IsResumedByTheRetry_OneOrderOneCapture(string fault)
    {
        var (productId, variantId) = await ProductAsync(stock: 10);
        var buyer = await platform.NewUserAsync();
        var body = Api.OrderBody(variantId, 3);
        var key = Guid.NewGuid().ToString("N");
        Faults.Inject(Enum.Parse<SandboxFaultMode>(fault), 1, PaymentOperation.Capture);

        var first = await buyer.PlaceOrderAsync(body, key);
        // The provider did not answer: 503 with Retry-After (not a 500), and not stored as the key's answer.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.True(first.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // The claim is kept (money may have moved) with its lease ended, so the retry resumes at once.
        var retried = await (await buyer.PlaceOrderAsync(body, key)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Paid", (string?)retried["status"]);

        var orders = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(orders["items"]!.AsArray());
        Assert.Equal(7, await platform.CreateClient().StockAsync(productId));
        var orderId = (string)retried["id"]!;
        var captures = await platform.WithDbAsync(db => db.Set<SandboxLedgerEntry>()
            .CountAsync(e => e.Operation == PaymentOperation.Capture && e.Approved && e.Key.StartsWith(
                db.Set<PaymentIntent>().Where(i => i.Purpose == CheckoutService.PaymentPurpose(orderId)).Select(i => i.Id).First())));
        Assert.Equal(1, captures);
    }

    [Fact]
    public async Task ACancelOfAnOrderStillPaying_IsRefused409_AndThePaymentThenLands()
    {
        var (productId, variantId) = await ProductAsync(stock: 5);
        var buyer = await platform.NewUserAsync();
        Faults.Inject(SandboxFaultMode.Latency, 1, PaymentOperation.Capture, TimeSpan.FromSeconds(2));
        var key = Guid.NewGuid().ToString("N");
        var paying = buyer.PlaceOrderAsync(Api.OrderBody(variantId, 1), key);
        string? orderId = null;
        await Eventually.UntilAsync(async () => (orderId = await platform.WithDbAsync(db => db.IdempotencyRecords.Where(r => r.Key == key).Select(r => r.ResourceId).FirstOrDefaultAsync())) is not null, "the order to be written");

        var cancel = await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        var paid = await (await paying).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Paid", (string?)paid["status"]);
        Assert.Equal(4, await platform.CreateClient().StockAsync(productId));
    }

    [Fact]
    public async Task TheSweepCancellingAnOrderWhilePaymentRuns_WinsOnce_ThePaymentIsRefunded_AndStockReturnsOnce()
    {
        var (productId, variantId) = await ProductAsync(stock: 5);
        var buyer = await platform.NewUserAsync();
        Faults.Inject(SandboxFaultMode.Latency, 1, PaymentOperation.Capture, TimeSpan.FromSeconds(3));
        var key = Guid.NewGuid().ToString("N");
        var paying = buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2), key);
        string? orderId = null;
        await Eventually.UntilAsync(async () => (orderId = await platform.WithDbAsync(db => db.IdempotencyRecords.Where(r => r.Key == key).Select(r => r.ResourceId).FirstOrDefaultAsync())) is not null, "the order to be written");

        // The sweep finds it "stale" (as a payment slower than its threshold would be) and cancels it mid-payment.
        var old = DateTimeOffset.UtcNow - TimeSpan.FromHours(1);
        await platform.WithDbAsync(db => db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.PlacedAt, old)));
        Assert.Equal(1, await platform.Services.GetRequiredService<StaleOrderSweeper>().SweepAsync(CancellationToken.None));

        var answer = await paying;
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        var order = await (await buyer.Http.GetAsync($"/api/orders/{orderId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string?)order["status"]);
        Assert.Equal(5, await platform.CreateClient().StockAsync(productId));
        await Eventually.UntilAsync(async () => (await PaymentAsync(orderId!))?.Status is "Refunded" or "Voided", "the money to go back");
        // A retry with the key gets the same final answer.
        Assert.Equal(HttpStatusCode.Conflict, (await buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2), key)).StatusCode);
    }

    [Fact]
    public async Task ADeclineAfterTheSweepCancelledTheOrder_DoesNotReturnTheStockTwice()
    {
        var (productId, variantId) = await ProductAsync(stock: 5);
        var buyer = await platform.NewUserAsync();
        Faults.Inject(SandboxFaultMode.Latency, 1, PaymentOperation.Authorize, TimeSpan.FromSeconds(3));
        var key = Guid.NewGuid().ToString("N");
        var paying = buyer.PlaceOrderAsync(Api.OrderBody(variantId, 2, Api.DeclinedCard), key);
        string? orderId = null;
        await Eventually.UntilAsync(async () => (orderId = await platform.WithDbAsync(db => db.IdempotencyRecords.Where(r => r.Key == key).Select(r => r.ResourceId).FirstOrDefaultAsync())) is not null, "the order to be written");
        var old = DateTimeOffset.UtcNow - TimeSpan.FromHours(1);
        await platform.WithDbAsync(db => db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.PlacedAt, old)));
        await platform.Services.GetRequiredService<StaleOrderSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.PaymentRequired, (await paying).StatusCode);
        Assert.Equal(5, await platform.CreateClient().StockAsync(productId));
    }

    [Fact]
    public async Task CancellingAnOrderWithAShippedPart_Is409_AndNothingIsRefunded()
    {
        var ownerA = await platform.NewUserAsync();
        var shopA = await ownerA.OpenShopAsync();
        var a = await ownerA.CreateProductAsync(shopA, stock: 5);
        var ownerB = await platform.NewUserAsync();
        var b = await ownerB.CreateProductAsync(await ownerB.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(new
        {
            items = new[] { new { variantId = a.FirstVariantId(), quantity = 1 }, new { variantId = b.FirstVariantId(), quantity = 1 } },
            shippingAddress = Api.Address,
            payment = new { method = "card", cardNumber = Api.ApprovedCard },
        })).JsonAsync(HttpStatusCode.Created);
        var id = (string)order["id"]!;
        await (await ownerA.Http.PostAsJsonAsync($"/api/shops/{shopA}/orders/{id}/advance", new { status = "Shipped" })).JsonAsync(HttpStatusCode.OK);

        var cancel = await buyer.Http.PostAsync($"/api/orders/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Contains("shipped", await cancel.Content.ReadAsStringAsync());
        var after = await (await buyer.Http.GetAsync($"/api/orders/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Paid", (string?)after["status"]);
        Assert.Equal("Captured", (await PaymentAsync(id))!.Status);
        Assert.Equal(4, await platform.CreateClient().StockAsync((string)a["id"]!));
    }

    [Fact]
    public async Task ThePruneJob_DeletesOldAnsweredClaims_AndKeepsUnansweredOnesThatMayHaveMovedMoney()
    {
        var old = DateTimeOffset.UtcNow - TimeSpan.FromDays(30);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        await platform.WithDbAsync(async db =>
        {
            db.IdempotencyRecords.AddRange(
                new IdempotencyRecord { UserId = "u", Scope = "orders", Key = prefix + "answered", RequestHash = "h", CreatedAt = old, StatusCode = 201, ResponseBody = "{}" },
                new IdempotencyRecord { UserId = "u", Scope = "orders", Key = prefix + "nothing", RequestHash = "h", CreatedAt = old, LeaseUntil = old },
                new IdempotencyRecord { UserId = "u", Scope = "orders", Key = prefix + "money", RequestHash = "h", CreatedAt = old, LeaseUntil = old, ResourceId = "order-1" },
                new IdempotencyRecord { UserId = "u", Scope = "orders", Key = prefix + "recent", RequestHash = "h", CreatedAt = DateTimeOffset.UtcNow, StatusCode = 201 });
            return await db.SaveChangesAsync();
        });
        using (var scope = platform.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Http.Idempotency>().PruneAsync(CancellationToken.None);
        }
        var left = await platform.WithDbAsync(db => db.IdempotencyRecords.Where(r => r.Key.StartsWith(prefix)).Select(r => r.Key).ToListAsync());
        Assert.Equal([prefix + "money", prefix + "recent"], left.Order().ToArray());
    }

    [Fact]
    public async Task TheWebCheckoutForm_SubmittedTwice_PlacesOneOrder()
    {
        var (productId, variantId) = await ProductAsync(stock: 10);
        var buyer = await platform.NewUserAsync();
        await (await buyer.Http.PutAsJsonAsync($"/api/cart/items/{variantId}", new { quantity = 2 })).JsonAsync(HttpStatusCode.OK);
        var userId = await platform.WithDbAsync(db => db.CartItems.Where(c => c.VariantId == variantId).Select(c => c.UserId).FirstAsync());
        var request = new CheckoutCartRequest(
            new AddressDto("Kim", "152 Teheran-ro", null, "Seoul", "06236", "010-1234-5678", null, null),
            new PaymentRequest("card", Api.ApprovedCard));
        Faults.Inject(SandboxFaultMode.Latency, 1, PaymentOperation.Capture, TimeSpan.FromSeconds(1));
        var formKey = Guid.NewGuid().ToString("N");

        // What Checkout.razor runs for each submit of one rendered form (the page's own scope per operation).
        async Task<string> SubmitAsync()
        {
            await using var scope = platform.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<CartService>().CheckoutOnceAsync(userId, formKey, request, CancellationToken.None);
        }
        var ids = await Task.WhenAll(SubmitAsync(), SubmitAsync());

        Assert.Equal(ids[0], ids[1]);
        var orders = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(orders["items"]!.AsArray());
        Assert.Equal(8, await platform.CreateClient().StockAsync(productId));
    }

    private async Task<PaymentIntentDto?> PaymentAsync(string orderId)
    {
        using var scope = platform.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentService>().GetAsync(CheckoutService.PaymentPurpose(orderId), CancellationToken.None);
    }
}
