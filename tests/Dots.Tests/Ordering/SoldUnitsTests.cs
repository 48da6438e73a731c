using System.Net;
using Dots.Modules.Ordering;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>Issue 15: <c>Product.SoldUnits</c> follows paid orders and their cancellations, once per order, so "popular" moves.</summary>
public sealed class SoldUnitsTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task APaidOrder_CountsItsUnits_AndItsCancellation_TakesThemOff_AndPopularMoves()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var first = await owner.CreateProductAsync(shop, title: "First", stock: 10);
        var second = await owner.CreateProductAsync(shop, title: "Second", stock: 10);
        var buyer = await platform.NewUserAsync();

        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(second.FirstVariantId(), quantity: 3))).JsonAsync(HttpStatusCode.Created);
        await Eventually.UntilAsync(async () => await SoldAsync((string)second["id"]!) == 3, "the paid order's 3 units counted");
        var popular = await (await platform.CreateClient().GetAsync($"/api/products?shopId={shop}&sort=popular")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal((string)second["id"]!, (string)popular["items"]![0]!["id"]!);
        Assert.Equal(3, (int)popular["items"]![0]!["soldUnits"]!);

        (await buyer.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => await SoldAsync((string)second["id"]!) == 0, "the cancelled paid order's units taken off");
        Assert.Equal(0, await SoldAsync((string)first["id"]!));
    }

    [Fact]
    public async Task EachEvent_DeliveredTwice_OrCancelledBeforePaid_CountsOnce()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 10);
        var productId = (string)product["id"]!;
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId(), quantity: 2))).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)order["id"]!;
        await Eventually.UntilAsync(async () => await SoldAsync(productId) == 2, "counted");

        var lines = new List<OrderedLine> { new(productId, product.FirstVariantId(), "shop", 2, new Dots.Infrastructure.MoneyDto(12900, "KRW")) };
        var paid = new OrderPaid(orderId, "buyer", lines, new Dots.Infrastructure.MoneyDto(25800, "KRW"), DateTimeOffset.UtcNow);
        var cancelled = new OrderCancelled(orderId, "buyer", "test", lines, DateTimeOffset.UtcNow) { WasPaid = true };
        await HandleAsync(h => h.HandleAsync(paid, CancellationToken.None));
        Assert.Equal(2, await SoldAsync(productId));
        await HandleAsync(h => h.HandleAsync(cancelled, CancellationToken.None));
        await HandleAsync(h => h.HandleAsync(cancelled, CancellationToken.None));
        await HandleAsync(h => h.HandleAsync(paid, CancellationToken.None));
        Assert.Equal(0, await SoldAsync(productId));

        // A cancellation handled before its payment's event (delivery order is not promised across the two events):
        // the order is marked so the late OrderPaid counts nothing. Simulated by rewinding a counted order.
        var other = await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId(), quantity: 1))).JsonAsync(HttpStatusCode.Created);
        var otherId = (string)other["id"]!;
        await Eventually.UntilAsync(async () => await SoldAsync(productId) == 1, "the second order counted");
        await platform.WithDbAsync(async db =>
        {
            await db.Set<Order>().Where(o => o.Id == otherId).ExecuteUpdateAsync(x => x.SetProperty(o => o.SalesCounted, SalesCount.None));
            await db.Set<Dots.Modules.Catalog.Product>().Where(p => p.Id == productId).ExecuteUpdateAsync(x => x.SetProperty(p => p.SoldUnits, 0));
            return 0;
        });
        var otherLines = new List<OrderedLine> { new(productId, product.FirstVariantId(), "shop", 1, new Dots.Infrastructure.MoneyDto(12900, "KRW")) };
        await HandleAsync(h => h.HandleAsync(new OrderCancelled(otherId, "buyer", "test", otherLines, DateTimeOffset.UtcNow) { WasPaid = true }, CancellationToken.None));
        await HandleAsync(h => h.HandleAsync(new OrderPaid(otherId, "buyer", otherLines, new Dots.Infrastructure.MoneyDto(12900, "KRW"), DateTimeOffset.UtcNow), CancellationToken.None));
        Assert.Equal(0, await SoldAsync(productId));
    }

    private async Task HandleAsync(Func<SoldUnitsCounter, Task> action)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<SoldUnitsCounter>());
    }

    private async Task<int> SoldAsync(string productId)
    {
        var product = await (await platform.CreateClient().GetAsync($"/api/products/{productId}")).JsonAsync(HttpStatusCode.OK);
        return (int)product["soldUnits"]!;
    }
}
