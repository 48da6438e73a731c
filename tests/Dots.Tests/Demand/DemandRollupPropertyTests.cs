using Dots.Modules.Demand;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Demand;

/// <summary>The live roll-ups, built batch by batch as events stream in, equal a rebuild from the raw events.</summary>
public sealed class DemandRollupPropertyTests(DemandPlatform platform) : IClassFixture<DemandPlatform>
{
    private static readonly string[] Types = ["view", "search", "cart_add", "cart_remove", "rec_impression", "rec_click", "purchase", "cancel", "stockout"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task LiveRollups_EqualARebuildFromRawEvents_AfterARandomStream(int seed)
    {
        var random = new Random(seed);
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        var shops = new[] { "shopA" + seed, "shopB" + seed };
        var products = Enumerable.Range(0, 6).Select(i => (Shop: shops[i % 2], Product: $"p{seed}-{i}", Variants: new[] { $"v{seed}-{i}a", $"v{seed}-{i}b" })).ToArray();
        var queries = new[] { "teapot", "green tea", "purple socks", "", "mug" };
        var pending = new List<Task>();
        for (int batch = 0; batch < 40; batch++)
        {
            var events = new List<DemandEvent>();
            for (int i = random.Next(1, 60); i > 0; i--)
            {
                var type = Types[random.Next(Types.Length)];
                var p = products[random.Next(products.Length)];
                var at = start.AddMinutes(random.Next(0, 10 * 24 * 60)).AddSeconds(random.Next(60));
                events.Add(type == "search"
                    ? new DemandEvent { Type = type, Query = queries[random.Next(queries.Length)] is { Length: > 0 } q ? q : "tea", ResultCount = random.Next(3) == 0 ? 0 : random.Next(1, 50), SessionId = "s", At = at, ReceivedAt = at }
                    : new DemandEvent
                    {
                        Type = type, ShopId = p.Shop, ProductId = p.Product, VariantId = random.Next(4) == 0 ? null : p.Variants[random.Next(2)],
                        Quantity = random.Next(1, 5), AmountScaled = random.Next(1, 100_000) * 10_000L + random.Next(10_000), Currency = "KRW", SessionId = "s", At = at, ReceivedAt = at,
                    });
            }
            Assert.Equal(EnqueueResult.Queued, platform.Writer.TryEnqueue(events, out var durable));
            pending.Add(durable);
        }
        await Task.WhenAll(pending);

        var live = Snapshot(await platform.ProductRollupsAsync(), shops);
        Assert.NotEmpty(live);
        await platform.DemandAsync(sp => sp.GetRequiredService<DemandStore>().RebuildAsync(CancellationToken.None));
        var rebuilt = Snapshot(await platform.ProductRollupsAsync(), shops);
        Assert.Equal(live, rebuilt);
    }

    private static List<string> Snapshot(List<DemandProductRollup> rows, string[] shops) =>
        [.. rows.Where(r => shops.Contains(r.ShopId))
            .Select(r => $"{r.Span}|{r.Bucket}|{r.ProductId}|{r.VariantId}|{r.ShopId}|{r.Views}|{r.Carts}|{r.CartRemovals}|{r.Purchases}|{r.Units}|{r.RevenueScaled}|{r.CancelledUnits}|{r.Stockouts}|{r.RecImpressions}|{r.RecClicks}")
            .Order(StringComparer.Ordinal)];
}
