using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Payments;

/// <summary>
/// The provider refuses to void a hold (after it refused the capture of a checkout): the buyer is answered for the
/// capture (402, the order released, its stock back), the refused void is recorded, retried through the outbox until
/// the hold is released, and listed for operators (<c>GET /api/ops/payments/attention</c>) meanwhile — never lost.
/// </summary>
public sealed class RefusedVoidTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private SandboxFaults Faults => platform.Services.GetRequiredService<SandboxFaults>();

    [Fact]
    public async Task ACheckoutWhoseCaptureAndVoidAreRefused_Answers402_AndTheHoldIsReleasedThroughTheOutbox_ListedForOperatorsMeanwhile()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();
        var operatorClient = (await platform.NewOperatorAsync()).Http;
        // The capture is refused (the hold must then be voided), and the provider refuses every void until told otherwise.
        Faults.Inject(SandboxFaultMode.Decline, 1, PaymentOperation.Capture);
        Faults.Inject(SandboxFaultMode.Decline, -1, PaymentOperation.Void);
        var key = Guid.NewGuid().ToString("N");

        var answer = await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId(), 2), key);

        // The buyer's answer is the capture's refusal, the order is released and its stock is back.
        Assert.Equal(HttpStatusCode.PaymentRequired, answer.StatusCode);
        Assert.Contains("declined", await answer.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(5, await platform.CreateClient().StockAsync((string)product["id"]!));
        var orderId = await platform.WithDbAsync(db => db.IdempotencyRecords.Where(r => r.Key == key).Select(r => r.ResourceId).FirstAsync());
        Assert.NotNull(orderId);
        Assert.False(await platform.WithDbAsync(db => db.Orders.AnyAsync(o => o.Id == orderId)));
        var purpose = CheckoutService.PaymentPurpose(orderId);

        // The hold is still placed, and on the operators' list while the outbox retries its release.
        var intent = await PaymentAsync(purpose);
        Assert.Equal("Authorized", intent.Status);
        Assert.Contains(intent.Attempts, a => a.Kind == "void" && a.Status == "Declined");
        var listed = Assert.Single(await AttentionAsync(operatorClient), a => a.Purpose == purpose);
        Assert.Equal(("void", "Authorized", intent.Id), (listed.Operation, listed.Status, listed.IntentId));
        Assert.True(listed.Refusals >= 1);
        await Eventually.UntilAsync(async () => (await PaymentAsync(purpose)).Attempts.Count(a => a.Kind == "void" && a.Status == "Declined") >= 2,
            "the outbox to retry the refused void");

        // The provider accepts voids again.
        Faults.Clear();
        // The outbox retries the void until the provider releases the hold; then it leaves the list.
        await Eventually.UntilAsync(async () => (await PaymentAsync(purpose)).Status == "Voided", "the refused hold to be released by the outbox's retry");
        Assert.DoesNotContain(await AttentionAsync(operatorClient), a => a.Purpose == purpose);
        intent = await PaymentAsync(purpose);
        var approvedVoids = await platform.WithDbAsync(db => db.Set<SandboxLedgerEntry>()
            .CountAsync(e => e.Operation == PaymentOperation.Void && e.Approved && e.Key.StartsWith(intent.Id)));
        Assert.Equal(1, approvedVoids);
        Assert.Equal(0m, intent.Captured.Amount);

        // A retry of the checkout with its key still gets the first answer.
        Assert.Equal(HttpStatusCode.PaymentRequired, (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId(), 2), key)).StatusCode);
    }

    [Fact]
    public async Task TheOperatorsList_IsForOperatorsOnly()
    {
        var user = await platform.NewUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/api/ops/payments/attention")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().GetAsync("/api/ops/payments/attention")).StatusCode);
    }

    private static async Task<List<PaymentAttentionDto>> AttentionAsync(HttpClient operatorClient)
    {
        var response = await operatorClient.GetAsync("/api/ops/payments/attention");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<PaymentAttentionDto>>())!;
    }

    private async Task<PaymentIntentDto> PaymentAsync(string purpose)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<PaymentService>().GetAsync(purpose, CancellationToken.None))!;
    }
}
