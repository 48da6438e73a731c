using System.Net;
using Dots.Infrastructure;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>An order for goods paid before the order existed (a funded pledge): written once, paid, and refundable.</summary>
public sealed class PrepaidOrderTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> call)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider);
    }

    [Fact]
    public async Task APrepaidOrder_IsWrittenOncePerOrderId_Paid_WithoutTakingStock_AndItsCancelRefundsThePaymentItNames()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 4, price: 10000);
        var buyer = await platform.NewUserAsync();
        var buyerId = (string)(await (await buyer.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK))["id"]!;
        var purpose = "pledge:" + Ids.New();
        var orderId = Ids.New();
        var request = new PrepaidOrderRequest(orderId, buyerId, product.FirstVariantId(), 2, new MoneyDto(9000, "KRW"),
            new AddressDto("Kim", "1 Teheran-ro", null, "Seoul", "06236", "010-0000-0000", null, null), purpose);

        await RunAsync(async sp =>
            {
                var payments = sp.GetRequiredService<PaymentService>();
                await payments.AuthorizeAsync(purpose, buyerId, new Money(18000, "KRW"), new PaymentCard(Api.ApprovedCard), null, CancellationToken.None);
                return 0;
            });
        // Not captured yet: no order.
        await Assert.ThrowsAsync<ConflictException>(() => RunAsync(sp => sp.GetRequiredService<CheckoutService>().PlacePrepaidOrderAsync(request, CancellationToken.None)));
        await RunAsync(sp => sp.GetRequiredService<PaymentService>().CaptureAsync(purpose, null, CancellationToken.None));

        var first = await RunAsync(sp => sp.GetRequiredService<CheckoutService>().PlacePrepaidOrderAsync(request, CancellationToken.None));
        var again = await RunAsync(sp => sp.GetRequiredService<CheckoutService>().PlacePrepaidOrderAsync(request, CancellationToken.None));
        Assert.Equal(orderId, first.Id);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal("Paid", first.Status);
        Assert.Equal(18000m, first.Total.Amount);
        Assert.Equal(1, await platform.WithDbAsync(db => db.Orders.CountAsync(o => o.Id == orderId)));
        Assert.Equal(4, await platform.CreateClient().StockAsync((string)product["id"]!));

        var cancelled = await (await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Refunded", (await RunAsync(sp => sp.GetRequiredService<PaymentService>().GetAsync(purpose, CancellationToken.None)))!.Status);
        Assert.Contains(cancelled["payments"]!.AsArray(), p => (string?)p!["kind"] == "refund");
    }
}
