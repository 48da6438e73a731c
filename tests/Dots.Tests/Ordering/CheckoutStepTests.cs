using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Dots.Infrastructure;
using Dots.Modules.Ordering;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>
/// Later modules add steps to checkout (a delivery slot, a pickup location) without editing Ordering. A test step
/// stands in for them: it reads its own field from the request, can refuse, and is told to release on a decline.
/// </summary>
public sealed class CheckoutStepTests(CheckoutStepTests.StepPlatform platform) : IClassFixture<CheckoutStepTests.StepPlatform>
{
    [Fact]
    public async Task AStepThatRefuses_RollsTheWholeOrderBack_NothingReservedOrCharged()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();

        var response = await buyer.PlaceOrderAsync(Body(product.FirstVariantId(), 2, giftWrap: "refuse"), "wrap-refused");

        var problem = await response.JsonAsync(HttpStatusCode.Conflict);
        Assert.Contains("gift wrap", (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(5, await platform.CreateClient().StockAsync((string)product["id"]!));
        var orders = await (await buyer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)orders["total"]!);
    }

    [Fact]
    public async Task StepsSeeTheLinesAndTheirOwnField_AndAreReleasedWhenThePaymentIsDeclined()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 5);
        var buyer = await platform.NewUserAsync();

        var paid = await (await buyer.PlaceOrderAsync(Body(product.FirstVariantId(), 2, giftWrap: "red"), "wrap-ok")).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)paid["id"]!;
        Assert.Equal(("red", product.FirstVariantId(), 2), platform.Step.Reserved[orderId]);
        Assert.DoesNotContain(orderId, platform.Step.Released.Keys);

        var declined = await buyer.PlaceOrderAsync(Body(product.FirstVariantId(), 1, giftWrap: "blue", card: Api.DeclinedCard), "wrap-declined");
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        var declinedOrder = Assert.Single(platform.Step.Reserved, r => r.Value.Wrap == "blue").Key;
        Assert.Contains(declinedOrder, platform.Step.Released.Keys);
        Assert.Equal(3, await platform.CreateClient().StockAsync((string)product["id"]!));
    }

    private static object Body(string variantId, int quantity, string giftWrap, string card = Api.ApprovedCard) => new
    {
        items = new[] { new { variantId, quantity } },
        shippingAddress = Api.Address,
        payment = new { method = "card", cardNumber = card },
        giftWrap = new { colour = giftWrap },
    };

    public sealed class StepPlatform : DotsFactory
    {
        public GiftWrapStep.Recorder Step { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(Step);
                services.AddCheckoutStep<GiftWrapStep>();
            });
        }
    }

    public sealed class GiftWrapStep(GiftWrapStep.Recorder recorder) : ICheckoutStep
    {
        public int Stage => 250;

        public Task ReserveAsync(CheckoutContext context, CancellationToken ct)
        {
            if (!context.Extensions.TryGetValue("giftWrap", out var wrap))
            {
                return Task.CompletedTask;
            }
            var colour = wrap.GetProperty("colour").GetString()!;
            if (colour == "refuse")
            {
                throw new ConflictException("No gift wrap is left for this order.");
            }
            recorder.Reserved[context.OrderId] = (colour, context.Lines[0].VariantId, context.Lines[0].Quantity);
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(CheckoutContext context, CancellationToken ct)
        {
            recorder.Released[context.OrderId] = true;
            return Task.CompletedTask;
        }

        public sealed class Recorder
        {
            public ConcurrentDictionary<string, (string Wrap, string VariantId, int Quantity)> Reserved { get; } = new();
            public ConcurrentDictionary<string, bool> Released { get; } = new();
        }
    }
}
