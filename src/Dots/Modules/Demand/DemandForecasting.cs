using System.Text.Json;
using Dots.Forecast;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Modules.Demand;

/// <summary>A stored forecast's daily paths.</summary>
internal sealed record ForecastPaths(double[] Mean, double[] P025, double[] P10, double[] P50, double[] P90, double[] P975);

/// <summary>
/// Forecasts daily units of active variants from the day roll-ups with <c>Dots.Forecast</c>: every warm variant in ONE
/// batch call (cross-learning), on at most one core, cancellable; a variant with too little history takes its
/// category's profile (cold start). Each run stores a new version.
/// </summary>
internal sealed class DemandForecasting(DotsDbContext db, StockService stock, IOptions<DemandOptions> options, TimeProvider clock, ILogger<DemandForecasting> logger)
{
    /// <summary>Fewer days of signals than this and a variant is forecast from its category's profile.</summary>
    public const int MinHistoryDays = 21;

    public static readonly double[] Levels = [0.025, 0.1, 0.5, 0.9, 0.975];

    /// <summary>Forecasts the active variants (of a shop, or one variant) and stores a new version; <paramref name="method"/> is the library's method (auto by default).</summary>
    public async Task<int> RunAsync(string? shopId, string? variantId, CancellationToken ct, string method = "auto")
    {
        var variants = await stock.ActiveVariantsAsync(shopId, ct);
        if (variantId is not null) variants = [.. variants.Where(v => v.VariantId == variantId)];
        if (variants.Count == 0) return 0;
        var today = Buckets.DayOf(clock.GetUtcNow(), options.Value.Zone);
        var horizon = options.Value.ForecastDays;
        var firstDay = today - 24L * options.Value.HistoryDays;

        // Daily units per variant (yesterday and before), and each product's first day with any signal.
        var productIds = variants.Select(v => v.ProductId).Distinct().ToList();
        var rows = new List<DemandProductRollup>();
        foreach (var chunk in productIds.Chunk(500))
        {
            rows.AddRange(await db.Set<DemandProductRollup>().AsNoTracking()
                .Where(r => r.Span == Buckets.Day && r.Bucket >= firstDay && r.Bucket < today && chunk.Contains(r.ProductId)).ToListAsync(ct));
        }
        var firstSeen = rows.GroupBy(r => r.ProductId).ToDictionary(g => g.Key, g => g.Min(r => r.Bucket));
        var units = rows.Where(r => r.VariantId != "").GroupBy(r => r.VariantId).ToDictionary(g => g.Key, g => g.ToDictionary(r => r.Bucket, r => (double)Math.Max(0, r.Units)));

        var warm = new List<(ActiveVariant V, double[] History)>();
        var cold = new List<ActiveVariant>();
        foreach (var v in variants)
        {
            var start = firstSeen.TryGetValue(v.ProductId, out var s) ? s : today;
            var days = (int)((today - start) / 24);
            units.TryGetValue(v.VariantId, out var byDay);
            if (days < MinHistoryDays || byDay is null || byDay.Values.Sum() <= 0)
            {
                cold.Add(v);
                continue;
            }
            var history = new double[days];
            for (int d = 0; d < days; d++) history[d] = byDay.GetValueOrDefault(start + 24L * d);
            warm.Add((v, history));
        }

        var fo = new ForecastOptions
        {
            Horizon = horizon,
            SeasonLength = 7,
            Quantiles = Levels,
            Loss = SelectionLoss.Squared,
            Method = method,
            MaxDegreeOfParallelism = 1,
            // continuous quantiles: the newsvendor takes a spread from p90 − p10 of daily demand, which whole
            // numbers would coarsen for slow sellers (both are equally calibrated for "at or below")
            WholeQuantiles = false,
        };
        ForecastResult[] results = [];
        if (warm.Count > 0)
        {
            var histories = warm.Select(w => w.History).ToList();
            // One batch call on one dedicated thread: at most one core, cancellable between series.
            results = await Task.Factory.StartNew(() => Forecaster.ForecastMany(histories, fo, null, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var version = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var from = Buckets.Start(today);
        var created = clock.GetUtcNow();
        var stored = new List<DemandForecast>();
        var warmPaths = new List<(ActiveVariant V, ForecastPaths P)>();
        for (int i = 0; i < warm.Count; i++)
        {
            var r = results[i];
            var p = new ForecastPaths(Clamp(r.Mean), Clamp(r.Quantile(0.025)), Clamp(r.Quantile(0.1)), Clamp(r.Quantile(0.5)), Clamp(r.Quantile(0.9)), Clamp(r.Quantile(0.975)));
            warmPaths.Add((warm[i].V, p));
            stored.Add(Row(warm[i].V, version, from, r.Method, false, p, created));
        }
        if (cold.Count > 0)
        {
            // Category profiles from this run's warm forecasts, else from the category's latest stored ones.
            var profiles = warmPaths.GroupBy(w => w.V.Category).ToDictionary(g => g.Key, g => Average([.. g.Select(x => x.P)]));
            var missing = cold.Select(c => c.Category).Distinct().Where(c => !profiles.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                foreach (var (category, paths) in await CategoryProfilesAsync(missing, horizon, ct)) profiles[category] = paths;
            }
            var everything = warmPaths.Count > 0 ? Average([.. warmPaths.Select(w => w.P)]) : null;
            foreach (var v in cold)
            {
                var (p, how) = profiles.TryGetValue(v.Category, out var cp) ? (cp, $"cold start: category '{v.Category}' profile")
                    : everything is not null ? (everything, "cold start: all products' profile")
                    : (Flat(horizon), "cold start: no history anywhere yet");
                stored.Add(Row(v, version, from, how, true, p, created));
            }
        }
        db.Set<DemandForecast>().AddRange(stored);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Demand forecast version {Version}: {Warm} variants from their history, {Cold} cold start", version, warm.Count, cold.Count);
        return stored.Count;
    }

    private async Task<List<(string, ForecastPaths)>> CategoryProfilesAsync(List<string> categories, int horizon, CancellationToken ct)
    {
        var latest = await db.Set<DemandForecast>().AsNoTracking().Where(f => !f.ColdStart)
            .OrderByDescending(f => f.Version).Take(2000).ToListAsync(ct);
        if (latest.Count == 0) return [];
        var variants = (await stock.ActiveVariantsAsync(null, ct)).ToDictionary(v => v.VariantId);
        return [.. latest.GroupBy(f => f.VariantId).Select(g => g.First())
            .Where(f => variants.TryGetValue(f.VariantId, out var v) && categories.Contains(v.Category))
            .GroupBy(f => variants[f.VariantId].Category)
            .Select(g => (g.Key, Average([.. g.Select(f => Resize(Read(f.Points), horizon))])))];
    }

    private static DemandForecast Row(ActiveVariant v, long version, DateTimeOffset from, string method, bool cold, ForecastPaths p, DateTimeOffset created) => new()
    {
        Id = Ids.New(),
        VariantId = v.VariantId,
        ProductId = v.ProductId,
        ShopId = v.ShopId,
        Version = version,
        From = from,
        Method = method.Length > 200 ? method[..200] : method,
        ColdStart = cold,
        Points = JsonSerializer.Serialize(p),
        CreatedAt = created,
    };

    public static ForecastPaths Read(string json) => JsonSerializer.Deserialize<ForecastPaths>(json)!;

    private static double[] Clamp(double[] a) => [.. a.Select(x => Math.Max(0, Math.Round(x, 4)))];

    private static ForecastPaths Average(IReadOnlyList<ForecastPaths> all)
    {
        double[] Avg(Func<ForecastPaths, double[]> f)
        {
            var n = f(all[0]).Length;
            var r = new double[n];
            foreach (var p in all) for (int i = 0; i < n; i++) r[i] += f(p)[i] / all.Count;
            return r;
        }
        return new ForecastPaths(Avg(p => p.Mean), Avg(p => p.P025), Avg(p => p.P10), Avg(p => p.P50), Avg(p => p.P90), Avg(p => p.P975));
    }

    private static ForecastPaths Resize(ForecastPaths p, int horizon)
    {
        double[] R(double[] a) => [.. Enumerable.Range(0, horizon).Select(i => a.Length == 0 ? 0 : a[Math.Min(i, a.Length - 1)])];
        return new ForecastPaths(R(p.Mean), R(p.P025), R(p.P10), R(p.P50), R(p.P90), R(p.P975));
    }

    /// <summary>Nothing sold anywhere yet: a small, honest "maybe one now and then".</summary>
    private static ForecastPaths Flat(int horizon)
    {
        double[] C(double v) => Enumerable.Repeat(v, horizon).ToArray();
        return new ForecastPaths(C(0.1), C(0), C(0), C(0), C(0.5), C(1));
    }
}

/// <summary>The nightly forecast: once across the cluster (Quartz clustering on PostgreSQL).</summary>
[DisallowConcurrentExecution]
internal sealed class DemandForecastJob(IServiceScopeFactory scopes) : IJob
{
    public const string Name = "demand.forecast";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await scopes.RunAsync((DemandForecasting f) => f.RunAsync(null, null, cancellationToken));
}
