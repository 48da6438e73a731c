using System.Net;
using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Modules.Stores;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Stores;

/// <summary>
/// The pickup expiry survives a crash at each of its steps: the sweep dies right after marking the pickup Expired,
/// after returning the store's units, or after cancelling the order; the next sweeps (two racing) finish it, with the
/// store's units and Catalog's total back exactly once and the payment refunded exactly once (the sandbox ledger).
/// </summary>
public sealed class PickupExpiryCrashTests(StoresPlatform platform) : IClassFixture<StoresPlatform>
{
    /// <summary>The process dying: an OperationCanceledException is the one thing the sweep does not swallow, so nothing after it runs.</summary>
    private sealed class SimulatedCrash(string step) : OperationCanceledException($"simulated crash after '{step}'");

    [Theory]
    [InlineData(PickupExpirySweeper.Claimed)]
    [InlineData(PickupExpirySweeper.Restored)]
    [InlineData(PickupExpirySweeper.Cancelled)]
    public async Task ACrashDuringExpiry_IsFinishedByTheNextSweep_StockBackAndRefundOnce(string crashAfter)
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shop, stock: 10);
        var productId = (string)product["id"]!;
        var variant = product.FirstVariantId();
        var store = await StoresPlatform.CreateStoreAsync(owner, shop);
        await StoresPlatform.SetStockAsync(owner, store, variant, 3);
        var buyer = await platform.NewUserAsync();
        var order = await (await buyer.PlaceOrderAsync(StoresPlatform.PickupOrder(variant, store, 2), "crash-" + crashAfter)).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)order["id"]!;
        Assert.Equal(11, await owner.Http.StockAsync(productId));
        Assert.Equal(1, await StoreStockAsync(owner, store));

        // The sweep "dies" at the chosen step of this order's expiry: nothing after it runs.
        platform.Sweeper.Checkpoint = (id, step) => id == orderId && step == crashAfter ? throw new SimulatedCrash(step) : Task.CompletedTask;
        platform.Clock.Offset = TimeSpan.FromDays(4);
        try
        {
            await Assert.ThrowsAsync<SimulatedCrash>(() => platform.Sweeper.SweepAsync(CancellationToken.None));
            var (status, settled) = await PickupRowAsync(orderId);
            Assert.Equal("Expired", status);
            Assert.False(settled);
            Assert.Equal(crashAfter == PickupExpirySweeper.Claimed ? 1 : 3, await StoreRowAsync(store, variant));

            // The process "restarts": two sweeps race to finish what was left, then one more finds nothing to do.
            platform.Sweeper.Checkpoint = null;
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => platform.Sweeper.SweepAsync(CancellationToken.None))));
            await platform.Sweeper.SweepAsync(CancellationToken.None);
        }
        finally
        {
            platform.Sweeper.Checkpoint = null;
            platform.Clock.Offset = TimeSpan.Zero;
        }

        Assert.Equal((Status: "Expired", Settled: true), await PickupRowAsync(orderId));
        Assert.Equal(3, await StoreStockAsync(owner, store));
        Assert.Equal(13, await owner.Http.StockAsync(productId));
        var placed = await (await buyer.Http.GetAsync($"/api/orders/{orderId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains((string)placed["status"]!, new[] { "Cancelled", "Refunded" });
        Assert.Single(placed["payments"]!.AsArray(), p => (string)p!["kind"]! is "refund" or "void");
        var moneyBack = await LedgerAsync(orderId);
        Assert.Equal(1, moneyBack.Count(e => e.Approved && e.Operation is PaymentOperation.Refund or PaymentOperation.Void));

        // The cancel's own event handler (at least once) and a later sweep change nothing more.
        using (var scope = platform.Services.CreateScope())
        {
            var handler = new RestoreStoreStockOnCancel(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), platform.Clock);
            await handler.HandleAsync(new OrderCancelled(orderId, "buyer", "test", [], DateTimeOffset.UtcNow), CancellationToken.None);
        }
        await platform.Sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(3, await StoreStockAsync(owner, store));
        Assert.Equal(13, await owner.Http.StockAsync(productId));
        Assert.Equal(moneyBack.Count, (await LedgerAsync(orderId)).Count);
    }

    private async Task<int> StoreRowAsync(string store, string variant)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        return await db.Set<LocationStock>().AsNoTracking().Where(s => s.LocationId == store && s.VariantId == variant).Select(s => s.Stock).FirstAsync();
    }

    private static async Task<int> StoreStockAsync(UserClient owner, string store) =>
        (int)(await (await owner.Http.GetAsync($"/api/locations/{store}/stock")).JsonAsync(HttpStatusCode.OK))["items"]![0]!["stock"]!;

    private async Task<(string Status, bool Settled)> PickupRowAsync(string orderId)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var row = await db.Set<PickupOrder>().AsNoTracking().FirstAsync(p => p.OrderId == orderId);
        return (row.Status.ToString(), row.ExpirySettledAt is not null);
    }

    private async Task<List<SandboxLedgerEntry>> LedgerAsync(string orderId)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        var intent = await scope.ServiceProvider.GetRequiredService<PaymentService>().GetAsync(CheckoutService.PaymentPurpose(orderId), CancellationToken.None);
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        return await db.Set<SandboxLedgerEntry>().AsNoTracking().Where(e => e.Key.StartsWith(intent!.Id)).ToListAsync();
    }
}
