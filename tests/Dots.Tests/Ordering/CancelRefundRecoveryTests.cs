using System.Net;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>
/// A cancel commits first and refunds after. When the refund cannot finish (the provider times out, the process dies),
/// the order must not stay cancelled with the customer's money kept: the sweep job, or the customer's retry, finishes
/// the refund — once.
/// </summary>
public sealed class CancelRefundRecoveryTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task ACancelWhoseRefundTimedOut_IsRefundedOnceByTheSweep_AndARetriedCancelChangesNothing()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();
        var orderId = (string)(await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId(), 2))).JsonAsync(HttpStatusCode.Created))["id"]!;

        platform.Services.GetRequiredService<SandboxFaults>().Inject(SandboxFaultMode.Timeout, 1, PaymentOperation.Refund);
        var cancelled = await (await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string?)cancelled["status"]);
        // The refund did not finish in the request; the OrderCancelled handler retries it through the outbox (it may
        // already have), and a minute later the sweep would find the cancelled order still charged and refund it.
        var old = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5);
        await platform.WithDbAsync(db => db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.UpdatedAt, old)));
        await platform.Services.GetRequiredService<StaleOrderSweeper>().SweepAsync(CancellationToken.None);

        var payment = await PaymentAsync(orderId);
        Assert.Equal("Refunded", payment.Status);
        Assert.Single(payment.Payments, p => p.Kind == "refund");
        var again = await (await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Single(again["payments"]!.AsArray(), p => (string?)p!["kind"] == "refund");
        Assert.Single((await PaymentAsync(orderId)).Payments, p => p.Kind == "refund");
        Assert.Equal(5, await platform.CreateClient().StockAsync((string)product["id"]!));
    }

    [Fact]
    public async Task ARetriedCancel_FinishesARefundThatFailedTheFirstTime()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();
        var orderId = (string)(await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId(), 1))).JsonAsync(HttpStatusCode.Created))["id"]!;

        platform.Services.GetRequiredService<SandboxFaults>().Inject(SandboxFaultMode.Timeout, 1, PaymentOperation.Refund);
        await (await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        await (await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)).JsonAsync(HttpStatusCode.OK);

        // The retry and the OrderCancelled handler (outbox) race to finish it; either way it is refunded once.
        await Eventually.UntilAsync(async () => (await (await buyer.Http.GetAsync($"/api/orders/{orderId}")).JsonAsync(HttpStatusCode.OK))["payments"]!
            .AsArray().Any(p => (string?)p!["kind"] == "refund"), "the refund to be recorded");
        var retried = await (await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Single(retried["payments"]!.AsArray(), p => (string?)p!["kind"] == "refund");
        Assert.Equal("Refunded", (await PaymentAsync(orderId)).Status);
    }

    private async Task<PaymentIntentDto> PaymentAsync(string orderId)
    {
        using var scope = platform.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<PaymentService>().GetAsync(CheckoutService.PaymentPurpose(orderId), CancellationToken.None))!;
    }
}
