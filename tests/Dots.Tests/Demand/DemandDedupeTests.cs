using Dots.Modules.Demand;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Demand;

/// <summary>An outbox handler runs at least once: a server signal recorded again under its dedupe key counts once.</summary>
public sealed class DemandDedupeTests(DemandPlatform platform) : IClassFixture<DemandPlatform>
{
    [Fact]
    public async Task ARedeliveredPurchase_CountsOnce_WhetherItComesBackLaterOrAtTheSameMoment()
    {
        var shop = "dedupe-shop-" + Guid.NewGuid().ToString("N")[..8];
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        ServerSignal Paid(string order, int units) =>
            new(DemandEventTypes.Purchase, $"paid:{order}:v1", at, ShopId: shop, ProductId: "dedupe-p1", VariantId: "dedupe-v1",
                Category: "tea", Quantity: units, Amount: 12_000m * units, Currency: "KRW", UserId: "buyer");

        // Redelivered after the first was recorded, and twice within one delivery.
        await RecordAsync([Paid("o1", 2)]);
        await RecordAsync([Paid("o1", 2)]);
        await RecordAsync([Paid("o2", 1), Paid("o2", 1)]);
        // Two deliveries of one event recording it side by side.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RecordAsync([Paid("o3", 3)])));
        // A different order is not a redelivery.
        await RecordAsync([Paid("o4", 1)]);

        var recorded = await platform.EventsAsync(e => e.ShopId == shop);
        Assert.Equal(["paid:o1:v1", "paid:o2:v1", "paid:o3:v1", "paid:o4:v1"], recorded.Select(e => e.DedupeKey!).Order(StringComparer.Ordinal));
        var rollups = (await platform.ProductRollupsAsync(shop)).GroupBy(r => r.Span).ToList();
        Assert.NotEmpty(rollups);
        Assert.All(rollups, span =>
        {
            Assert.Equal(4, span.Sum(r => r.Purchases));
            Assert.Equal(2 + 1 + 3 + 1, span.Sum(r => r.Units));
        });
    }

    private Task<bool> RecordAsync(IReadOnlyList<ServerSignal> signals) =>
        platform.DemandAsync(async sp =>
        {
            await sp.GetRequiredService<ServerSignals>().RecordAsync(signals, CancellationToken.None);
            return true;
        });
}
