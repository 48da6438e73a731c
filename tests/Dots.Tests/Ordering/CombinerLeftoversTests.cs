using System.Net;
using Dots.Modules.Ordering;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>
/// A combiner batch that straddles the sell-out (ADR 0023): its total is more than the shelf holds, so the batch is
/// refused — and then its longest prefix that fits is committed as one batch, while the rest are answered 409 by the
/// combiner; no buyer falls back to a transaction of its own, and nothing is oversold.
/// </summary>
public sealed class CombinerSellOutTests(CombinerSellOutTests.Platform platform) : IClassFixture<CombinerSellOutTests.Platform>
{
    /// <summary>One lane per variant that gathers buyers for a second before each batch: buyers sent together share one.</summary>
    public sealed class Platform : DotsFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Ordering:CombinerWindow"] = "00:00:01",
            ["Ordering:CombinerLanesPerSku"] = "1",
        };
    }

    [Fact]
    public async Task ABatchStraddlingTheSellOut_ServesTheBuyersThatFitInOneBatch_AndAnswersTheRest409()
    {
        const int stock = 10;
        var combiner = platform.Services.GetRequiredService<ReservationCombiner>();
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: stock);
        var variantId = product.FirstVariantId();
        var buyers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => platform.NewUserAsync()));
        var before = combiner.Stats;

        // Eight buyers of two units each at once: 16 units asked of 10. They all reach the lane within its window, so
        // (on any but a very slow machine) they form one batch that the shelf cannot serve whole.
        using var start = new SemaphoreSlim(0);
        var running = buyers.Select(async b =>
        {
            await start.WaitAsync();
            return await b.PlaceOrderAsync(Api.OrderBody(variantId, 2), Guid.NewGuid().ToString("N"));
        }).ToList();
        start.Release(running.Count);
        var responses = await Task.WhenAll(running);

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Contains("left in stock", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, await platform.CreateClient().StockAsync((string)product["id"]!));
        var orders = await platform.WithDbAsync(db => db.Orders.Where(o => db.OrderLines.Any(l => l.OrderId == o.Id && l.VariantId == variantId))
            .Select(o => new { o.Status, Units = db.OrderLines.Where(l => l.OrderId == o.Id).Sum(l => l.Quantity) }).ToListAsync());
        Assert.Equal(5, orders.Count);
        Assert.All(orders, o => Assert.Equal((OrderStatus.Paid, 2), (o.Status, o.Units)));

        var after = combiner.Stats;
        // Nobody was sent to a transaction of its own: the buyers that fit were committed by the combiner ...
        Assert.Equal(0, after.FellBack - before.FellBack);
        Assert.Equal(5, after.Orders - before.Orders);
        // ... together (the prefix is one batch), and the combiner answered the ones that did not fit.
        Assert.True(after.SharedOrders - before.SharedOrders >= 2, "the buyers that fit did not share a batch");
        Assert.True(after.Refused - before.Refused >= 1, "no buyer was refused by the combiner: the batch did not straddle the sell-out");
    }

    [Fact]
    public async Task MixedQuantitiesAtTheSellOut_NeverOversell_AndA409OnlyWhenFewerUnitsAreLeftThanAsked()
    {
        const int stock = 10;
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: stock);
        var variantId = product.FirstVariantId();
        var quantities = new[] { 3, 3, 3, 3, 1, 2, 1, 3 };
        var buyers = await Task.WhenAll(quantities.Select(_ => platform.NewUserAsync()));
        using var start = new SemaphoreSlim(0);
        var running = buyers.Zip(quantities).Select(async x =>
        {
            await start.WaitAsync();
            return (Quantity: x.Second, Response: await x.First.PlaceOrderAsync(Api.OrderBody(variantId, x.Second), Guid.NewGuid().ToString("N")));
        }).ToList();
        start.Release(running.Count);
        var responses = await Task.WhenAll(running);

        Assert.All(responses, r => Assert.Contains(r.Response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var left = await platform.CreateClient().StockAsync((string)product["id"]!);
        var sold = await platform.WithDbAsync(db => db.OrderLines.Where(l => l.VariantId == variantId).SumAsync(l => l.Quantity));
        Assert.Equal(stock, left + sold);
        Assert.Equal(responses.Where(r => r.Response.StatusCode == HttpStatusCode.Created).Sum(r => r.Quantity), sold);
        foreach (var refused in responses.Where(r => r.Response.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.True(left < refused.Quantity, $"refused {refused.Quantity} with {left} left: {await refused.Response.Content.ReadAsStringAsync()}");
        }
    }
}

/// <summary>
/// The combiner keeps a lane only while a variant has buyers queued or a batch running: after a sale on many SKUs the
/// lanes are gone (memory follows the SKUs being sold now), and dropping a lane never loses a buyer who arrived just then.
/// </summary>
public sealed class CombinerLaneTrimTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task AfterASaleOnManySkus_TheLanesAreDropped_AndALaterOrderStillWorks()
    {
        var combiner = platform.Services.GetRequiredService<ReservationCombiner>();
        Assert.True(combiner.Enabled);
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var products = new List<Nodes>();
        for (var i = 0; i < 12; i++)
        {
            var p = await owner.CreateProductAsync(shopId, title: $"Item {i}", stock: 20);
            products.Add(new Nodes((string)p["id"]!, p.FirstVariantId()));
        }
        var buyers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => platform.NewUserAsync()));

        var responses = await Task.WhenAll(products.SelectMany(p => buyers.Take(3).Select(b => b.PlaceOrderAsync(Api.OrderBody(p.VariantId, 1), Guid.NewGuid().ToString("N")))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await Eventually.UntilAsync(() => combiner.LaneCount == 0, "every idle lane to be dropped");

        var later = await buyers[5].PlaceOrderAsync(Api.OrderBody(products[0].VariantId, 2), Guid.NewGuid().ToString("N"));
        Assert.Equal("Paid", (string?)(await later.JsonAsync(HttpStatusCode.Created))["status"]);
        Assert.Equal(20 - 3 - 2, await platform.CreateClient().StockAsync(products[0].ProductId));
        await Eventually.UntilAsync(() => combiner.LaneCount == 0, "the later order's lane to be dropped");
    }

    [Fact]
    public async Task BuyersArrivingWhileLanesComeAndGo_AreAllServed()
    {
        var combiner = platform.Services.GetRequiredService<ReservationCombiner>();
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 500);
        var variantId = product.FirstVariantId();
        var buyers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => platform.NewUserAsync()));

        // Staggered arrivals on one SKU: its lane goes idle and is dropped between some of them, and is made anew.
        var running = Enumerable.Range(0, 40).Select(async i =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(i % 7 * 15 + i / 7 * 40));
            return await buyers[i % buyers.Length].PlaceOrderAsync(Api.OrderBody(variantId, 1), Guid.NewGuid().ToString("N"));
        }).ToList();
        var responses = await Task.WhenAll(running).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(460, await platform.CreateClient().StockAsync((string)product["id"]!));
        await Eventually.UntilAsync(() => combiner.LaneCount == 0, "the lane to be dropped");
    }

    private sealed record Nodes(string ProductId, string VariantId);
}
