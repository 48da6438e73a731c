using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Demand;

/// <summary>
/// Six weeks of synthetic demand for the demo shops (views, cart adds, purchases, searches) with a weekly rhythm, some
/// slow intermittent products and a few searches nobody serves, then a forecast — so the dashboards open on believable
/// charts, forecasts and suggestions. Seeds only when the demand tables are empty; deterministic (fixed seed).
/// </summary>
internal sealed class DemandDemoSeed(DotsDbContext db, DemandStore store, StockService stock, DemandForecasting forecasting, TimeProvider clock, Microsoft.Extensions.Options.IOptions<DemandOptions> options) : IDemoSeedContributor
{
    private const int Days = 42;

    private static readonly (string Query, int Results, double PerDay)[] Searches =
    [
        ("tangerine", 6, 9), ("sourdough", 4, 6), ("linen shirt", 3, 4), ("mug", 5, 5), ("granola", 2, 3),
        ("vegan leather wallet", 0, 2.5), ("oat milk soap", 0, 1.8), ("ceramic dripper", 0, 1.5), ("kids raincoat", 0, 1.1), ("hanbok apron", 0, 0.7),
    ];

    public async Task SeedAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Set<DemandEvent>().AnyAsync(ct)) return;
        var variants = await stock.ActiveVariantsAsync(null, ct);
        if (variants.Count == 0) return;
        var prices = await stock.GetVariantsAsync([.. variants.Select(v => v.VariantId)], ct);
        var random = new Random(17);
        var now = clock.GetUtcNow();
        var today = Buckets.Start(Buckets.DayOf(now, options.Value.Zone));
        var batch = new List<DemandEvent>(10_000);
        int sessions = 0;

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            await store.AppendAsync(batch, ct);
            batch.Clear();
        }

        // Per product: views and cart adds name the product; purchases fall mostly on its first variant.
        foreach (var (group, i) in variants.GroupBy(v => v.ProductId).Select((g, i) => (g.ToList(), i)))
        {
            // A third of the products sell now and then (intermittent), the rest steadily; a few are growing.
            var intermittent = i % 3 == 2;
            var rate = intermittent ? 0.1 + random.NextDouble() * 0.3 : 0.6 + random.NextDouble() * 2.4;
            var growth = i % 5 == 0 ? 1.02 : 1.0;
            var lead = group[0];
            for (int d = Days; d >= 0; d--)
            {
                var day = today.AddDays(-d);
                var weekly = day.DayOfWeek switch { DayOfWeek.Saturday => 1.5, DayOfWeek.Sunday => 1.35, DayOfWeek.Friday => 1.15, DayOfWeek.Monday => 0.8, _ => 1.0 };
                var lambda = rate * weekly * Math.Pow(growth, Days - d);
                var hoursToday = d == 0 ? Math.Max(1, now.Hour) : 24;
                var scale = hoursToday / 24.0;
                int views = Poisson(random, (lambda * 6 + 1) * scale);
                int carts = Poisson(random, (lambda * 1.2 + 0.2) * scale);
                int buys = Poisson(random, lambda * scale);
                for (int k = 0; k < views; k++) batch.Add(Client(DemandEventTypes.View, lead, At(random, day, hoursToday), ref sessions));
                for (int k = 0; k < carts; k++) batch.Add(Client(DemandEventTypes.CartAdd, lead, At(random, day, hoursToday), ref sessions));
                for (int k = 0; k < buys; k++)
                {
                    var v = random.NextDouble() < 0.8 ? lead : group[random.Next(group.Count)];
                    var price = prices.TryGetValue(v.VariantId, out var p) ? p.Price : 10_000m;
                    var qty = random.NextDouble() < 0.85 ? 1 : 2;
                    var at = At(random, day, hoursToday);
                    batch.Add(new DemandEvent
                    {
                        Type = DemandEventTypes.Purchase, ShopId = v.ShopId, ProductId = v.ProductId, VariantId = v.VariantId, Category = v.Category,
                        Quantity = qty, AmountScaled = Scaled.From(price * qty), Currency = p?.Currency ?? "KRW", At = at, ReceivedAt = at,
                        DedupeKey = $"demo:{v.ProductId}:{d}:{k}",
                    });
                }
            }
            if (batch.Count > 5_000) await FlushAsync();
        }
        for (int d = Days; d >= 0; d--)
        {
            var day = today.AddDays(-d);
            var hoursToday = d == 0 ? Math.Max(1, now.Hour) : 24;
            foreach (var (query, results, perDay) in Searches)
            {
                var rising = results == 0 ? 1 + (Days - d) / (double)Days : 1;
                for (int k = Poisson(random, perDay * rising * hoursToday / 24); k > 0; k--)
                {
                    var at = At(random, day, hoursToday);
                    batch.Add(new DemandEvent { Type = DemandEventTypes.Search, Query = query, ResultCount = results, SessionId = "demo-" + (sessions++ % 5000), At = at, ReceivedAt = at });
                }
            }
        }
        await FlushAsync();
        progress?.Report("Demand: six weeks of signals seeded; forecasting");
        // A quick first forecast (seasonally adjusted exponential smoothing) so the dashboards open with one; the nightly
        // job (or "Refresh this forecast") replaces it with the full automatic method.
        await forecasting.RunAsync(null, null, ct, "ses_sa");
    }

    private static DemandEvent Client(string type, ActiveVariant v, DateTimeOffset at, ref int sessions) => new()
    {
        Type = type, ShopId = v.ShopId, ProductId = v.ProductId, VariantId = type == DemandEventTypes.View ? null : v.VariantId, Category = v.Category,
        Quantity = 1, SessionId = "demo-" + (sessions++ % 5000), At = at, ReceivedAt = at,
    };

    private static DateTimeOffset At(Random random, DateTimeOffset day, int hours)
    {
        // Shoppers are busiest in the evening (Korean time, UTC+9): weight the hours a little.
        var h = Math.Min(hours - 1, (int)(Math.Sqrt(random.NextDouble()) * hours));
        return day.AddHours(h).AddSeconds(random.Next(3600));
    }

    private static int Poisson(Random random, double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda > 30) return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * Gaussian(random)));
        var l = Math.Exp(-lambda);
        int k = 0;
        double p = 1;
        do { k++; p *= random.NextDouble(); } while (p > l);
        return k - 1;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
