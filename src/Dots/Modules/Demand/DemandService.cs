using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Demand;

/// <summary>Reads the roll-ups and forecasts for dashboards and the API; keeps a maker's planning settings.</summary>
internal sealed class DemandService(DotsDbContext db, CatalogService catalog, StockService stock, ProductDirectory products, TimeProvider clock, Microsoft.Extensions.Options.IOptions<DemandOptions> options)
{
    public const int MaxHourBuckets = 24 * 62;
    public const int MaxDayBuckets = 3 * 366;

    /// <summary>The shop, if the caller owns it; 404 for everyone else (a shop's demand is private).</summary>
    public async Task<ShopDto> OwnedShopAsync(string shopId, string userId, CancellationToken ct)
    {
        try
        {
            return await catalog.RequireOwnedShopAsync(shopId, userId, ct);
        }
        catch (ForbiddenException)
        {
            throw CatalogService.ShopNotFound(shopId);
        }
    }

    public async Task<ShopDemandDto> ShopDemandAsync(string shopId, string userId, DateTimeOffset? from, DateTimeOffset? to, string? granularity, CancellationToken ct)
    {
        var shop = await OwnedShopAsync(shopId, userId, ct);
        return await ShopDemandAsync(shop, from, to, granularity, ct);
    }

    public Task<ShopDemandDto> ShopDemandAsync(ShopDto shop, DateTimeOffset? from, DateTimeOffset? to, string? granularity, CancellationToken ct) =>
        DemandAsync(shop.Id, shop.Currency, from, to, granularity, int.MaxValue, ct);

    /// <summary>Per product demand of one shop, or of every shop (operators) when <paramref name="shopId"/> is null.</summary>
    public async Task<ShopDemandDto> DemandAsync(string? shopId, string currency, DateTimeOffset? from, DateTimeOffset? to, string? granularity, int maxProducts, CancellationToken ct)
    {
        var g = (granularity ?? "day").Trim().ToLowerInvariant();
        if (g is not ("hour" or "day")) throw new RequestValidationException("granularity", "granularity must be 'hour' or 'day'.");
        short span = g == "hour" ? Buckets.Hour : Buckets.Day;
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(span == Buckets.Hour ? -2 : -28);
        if (start >= end) throw new RequestValidationException("from", "from must be before to.");
        long first = Buckets.Of(span, start, options.Value.Zone), last = Buckets.Of(span, end, options.Value.Zone);
        var buckets = (last - first) / span + 1;
        if (buckets > (span == Buckets.Hour ? MaxHourBuckets : MaxDayBuckets))
            throw new RequestValidationException("from", span == Buckets.Hour ? "An hourly range spans at most 62 days." : "A daily range spans at most 3 years.");

        var rows = await db.Set<DemandProductRollup>().AsNoTracking()
            .Where(r => (shopId == null || r.ShopId == shopId) && r.Span == span && r.Bucket >= first && r.Bucket <= last).ToListAsync(ct);
        var forecasts = span == Buckets.Day ? await LatestForecastsAsync(shopId, null, ct) : [];
        var productIds = rows.GroupBy(r => r.ProductId).OrderByDescending(g => g.Sum(r => r.Views + 10 * r.Purchases)).Select(g => g.Key)
            .Union(forecasts.Select(f => f.ProductId)).Distinct().Take(maxProducts).ToList();
        var result = new List<ProductDemandDto>();
        foreach (var productId in productIds)
        {
            var mine = rows.Where(r => r.ProductId == productId).ToList();
            var byBucket = mine.GroupBy(r => r.Bucket).ToDictionary(x => x.Key, x => x.ToList());
            var series = new List<DemandPointDto>((int)buckets);
            for (long b = first; b <= last; b += span)
            {
                byBucket.TryGetValue(b, out var at);
                series.Add(new DemandPointDto(Buckets.Start(b), at?.Sum(r => r.Views) ?? 0, at?.Sum(r => r.Carts) ?? 0, at?.Sum(r => r.Purchases) ?? 0, at?.Sum(r => r.Units) ?? 0));
            }
            var views = mine.Sum(r => r.Views);
            var purchases = mine.Sum(r => r.Purchases);
            var totals = new DemandTotalsDto(views, mine.Sum(r => r.Carts), purchases, mine.Sum(r => r.Units),
                MoneyDto.Of(Scaled.ToDecimal(mine.Sum(r => r.RevenueScaled)), currency),
                views == 0 ? 0 : Math.Round((double)purchases / views, 4));
            var forecast = ProductForecast(forecasts.Where(f => f.ProductId == productId).ToList());
            var title = (await products.FindAsync(productId, ct))?.Title;
            result.Add(new ProductDemandDto(productId, title, totals, series, forecast));
        }
        return new ShopDemandDto(shopId ?? "", Buckets.Start(first), Buckets.Start(last + span), g,
            [.. result.OrderByDescending(p => p.Totals.Views + 10 * p.Totals.Purchases).ThenBy(p => p.ProductId, StringComparer.Ordinal)]);
    }

    /// <summary>A product's forecast: its variants' daily means, and their 10–90% bands, added up.</summary>
    private static List<ForecastPointDto> ProductForecast(List<DemandForecast> variants)
    {
        if (variants.Count == 0) return [];
        var paths = variants.Select(v => (v.From, P: DemandForecasting.Read(v.Points))).ToList();
        var n = paths.Min(p => p.P.Mean.Length);
        var from = paths[0].From;
        return [.. Enumerable.Range(0, n).Select(i => new ForecastPointDto(from.AddDays(i),
            Math.Round(paths.Sum(p => p.P.Mean[i]), 3), Math.Round(paths.Sum(p => p.P.P10[i]), 3), Math.Round(paths.Sum(p => p.P.P90[i]), 3)))];
    }

    /// <summary>The newest stored forecast of each variant of the shop (or of one variant).</summary>
    public async Task<List<DemandForecast>> LatestForecastsAsync(string? shopId, string? variantId, CancellationToken ct)
    {
        var q = db.Set<DemandForecast>().AsNoTracking();
        if (shopId is not null) q = q.Where(f => f.ShopId == shopId);
        if (variantId is not null) q = q.Where(f => f.VariantId == variantId);
        var newest = q.GroupBy(f => f.VariantId).Select(g => new { VariantId = g.Key, Version = g.Max(f => f.Version) });
        return await q.Join(newest, f => new { f.VariantId, f.Version }, n => new { n.VariantId, n.Version }, (f, _) => f).ToListAsync(ct);
    }

    /// <summary>Searches over the last days, most asked first; zero-result ones are unmet demand. Trend = last day vs the days before.</summary>
    public async Task<IReadOnlyList<QueryDemandDto>> TopQueriesAsync(int days, int limit, bool zeroOnly, CancellationToken ct)
    {
        var today = Buckets.DayOf(clock.GetUtcNow(), options.Value.Zone);
        var first = today - 24L * (days - 1);
        var rows = await db.Set<DemandQueryRollup>().AsNoTracking()
            .Where(r => r.Span == Buckets.Day && r.Bucket >= first && (!zeroOnly || r.ZeroResults > 0)).ToListAsync(ct);
        return [.. rows.GroupBy(r => r.Query)
            .Select(g =>
            {
                var recent = g.Where(r => r.Bucket == today).Sum(r => zeroOnly ? r.ZeroResults : r.Searches);
                var before = g.Where(r => r.Bucket < today).Sum(r => zeroOnly ? r.ZeroResults : r.Searches) / (double)Math.Max(1, days - 1);
                return new QueryDemandDto(g.Key, g.Sum(r => r.Searches), g.Sum(r => r.ZeroResults), Math.Round(recent - before, 2));
            })
            .OrderByDescending(q => zeroOnly ? q.ZeroResults : q.Searches).ThenBy(q => q.Query, StringComparer.Ordinal).Take(limit)];
    }

    /// <summary>
    /// Products whose current hour stands out against their own last week of hours: z = (x − mean) / sd, with the sd floored
    /// at √mean and at 1 so a quiet product's first few views are not a "spike". Activity = views + 3 × carts + 10 × purchases.
    /// </summary>
    public async Task<IReadOnlyList<TrendingDto>> TrendingAsync(string? shopId, double minZ, CancellationToken ct)
    {
        var now = Buckets.HourOf(clock.GetUtcNow());
        var first = now - 24 * 7;
        var q = db.Set<DemandProductRollup>().AsNoTracking().Where(r => r.Span == Buckets.Hour && r.Bucket >= first && r.Bucket <= now);
        if (shopId is not null) q = q.Where(r => r.ShopId == shopId);
        var rows = await q.ToListAsync(ct);
        var trending = new List<TrendingDto>();
        foreach (var g in rows.GroupBy(r => r.ProductId))
        {
            var byHour = g.GroupBy(r => r.Bucket).ToDictionary(x => x.Key, x => (double)x.Sum(r => r.Views + 3 * r.Carts + 10 * r.Purchases));
            var recent = byHour.GetValueOrDefault(now);
            var baseline = Enumerable.Range(0, 24 * 7).Select(i => byHour.GetValueOrDefault(first + i)).ToArray();
            var mean = baseline.Average();
            var sd = Math.Sqrt(baseline.Sum(x => (x - mean) * (x - mean)) / baseline.Length);
            var z = (recent - mean) / Math.Max(1, Math.Max(sd, Math.Sqrt(mean)));
            if (z >= minZ && recent >= 3)
                trending.Add(new TrendingDto(g.Key, (await products.FindAsync(g.Key, ct))?.Title, (long)recent, Math.Round(mean, 2), Math.Round(z, 2)));
        }
        return [.. trending.OrderByDescending(t => t.ZScore)];
    }

    public async Task<DemandSettingsDto> SettingsAsync(string shopId, CancellationToken ct)
    {
        var s = await db.Set<DemandShopSettings>().AsNoTracking().FirstOrDefaultAsync(x => x.ShopId == shopId, ct) ?? new DemandShopSettings { ShopId = shopId };
        return new DemandSettingsDto(s.LeadTimeDays, (double)s.ServiceLevel);
    }

    public async Task<DemandSettingsDto> SaveSettingsAsync(string shopId, string userId, DemandSettingsDto settings, CancellationToken ct)
    {
        await OwnedShopAsync(shopId, userId, ct);
        var errors = new Dictionary<string, string[]>();
        if (settings.LeadTimeDays is < 1 or > 365) errors["leadTimeDays"] = ["Lead time is 1 to 365 days."];
        if (settings.ServiceLevel is < 0.5 or > 0.999) errors["serviceLevel"] = ["Service level is between 0.5 and 0.999."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var s = await db.Set<DemandShopSettings>().FirstOrDefaultAsync(x => x.ShopId == shopId, ct);
        if (s is null) db.Add(s = new DemandShopSettings { ShopId = shopId });
        s.LeadTimeDays = settings.LeadTimeDays;
        s.ServiceLevel = (decimal)settings.ServiceLevel;
        await db.SaveChangesAsync(ct);
        return new DemandSettingsDto(s.LeadTimeDays, (double)s.ServiceLevel);
    }

    public async Task SetInProductionAsync(string shopId, string userId, string variantId, int units, CancellationToken ct)
    {
        await OwnedShopAsync(shopId, userId, ct);
        if (units is < 0 or > 1_000_000) throw new RequestValidationException("inProduction", "Units in production are 0 to 1,000,000.");
        var variants = await stock.GetVariantsAsync([variantId], ct);
        if (!variants.TryGetValue(variantId, out var v) || v.ShopId != shopId) throw new NotFoundException($"No variant with id '{variantId}'.");
        var plan = await db.Set<DemandVariantPlan>().FirstOrDefaultAsync(p => p.VariantId == variantId, ct);
        if (plan is null) db.Add(plan = new DemandVariantPlan { VariantId = variantId, ShopId = shopId });
        plan.InProduction = units;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The ranked "make next" list: every variant with a forecast, most to make (then most at risk) first.</summary>
    public async Task<IReadOnlyList<SuggestionDto>> SuggestionsAsync(string shopId, CancellationToken ct)
    {
        var settings = await SettingsAsync(shopId, ct);
        var forecasts = await LatestForecastsAsync(shopId, null, ct);
        if (forecasts.Count == 0) return [];
        var variants = await stock.GetVariantsAsync([.. forecasts.Select(f => f.VariantId)], ct);
        var plans = await db.Set<DemandVariantPlan>().AsNoTracking().Where(p => p.ShopId == shopId).ToDictionaryAsync(p => p.VariantId, p => p.InProduction, ct);
        var list = new List<SuggestionDto>();
        foreach (var f in forecasts)
        {
            if (!variants.TryGetValue(f.VariantId, out var v) || !v.ForSale) continue;
            var p = DemandForecasting.Read(f.Points);
            // The stored forecast starts on its run's day; skip the days already past.
            var skip = (int)Math.Clamp((clock.GetUtcNow() - f.From).TotalDays, 0, Math.Max(0, p.Mean.Length - 1));
            var (mean, sigma) = Newsvendor.LeadTimeDemand(p.Mean[skip..], p.P10[skip..], p.P90[skip..], settings.LeadTimeDays);
            var inProduction = plans.GetValueOrDefault(f.VariantId);
            var plan = Newsvendor.Suggest(mean, sigma, v.Stock, inProduction, settings.ServiceLevel);
            var title = v.OptionsText.Length > 0 ? $"{v.Title} ({v.OptionsText})" : v.Title;
            var titleKo = v.TitleKo is null ? null : v.OptionsText.Length > 0 ? $"{v.TitleKo} ({v.OptionsText})" : v.TitleKo;
            list.Add(new SuggestionDto(v.VariantId, v.ProductId, title, v.Sku, v.Stock, inProduction, settings.LeadTimeDays, settings.ServiceLevel,
                Math.Round(mean, 2), Math.Round(plan.Target, 2), plan.Make, Math.Round(plan.RiskNow, 3), Math.Round(plan.RiskAfter, 3),
                Math.Round(plan.Leftover, 2), plan.Alert, f.ColdStart, Explain(plan, v.Stock, inProduction, settings), titleKo));
        }
        return [.. list.OrderByDescending(s => s.MakeQuantity > 0).ThenByDescending(s => s.StockoutRisk).ThenByDescending(s => s.MakeQuantity).ThenBy(s => s.Title, StringComparer.Ordinal)];
    }

    private static string Explain(Newsvendor.Plan p, int stock, int inProduction, DemandSettingsDto s)
    {
        var c = CultureInfo.InvariantCulture;
        var onHand = stock + inProduction;
        var level = (s.ServiceLevel * 100).ToString("0.#", c);
        var head = p.Make > 0
            ? $"Make {p.Make}: over the next {s.LeadTimeDays} days people will likely buy about {p.Mean.ToString("0", c)} (up to {Math.Ceiling(p.Target).ToString("0", c)} in {level}% of cases), and you have {onHand} in stock or in production."
            : $"Nothing to make yet: about {p.Mean.ToString("0", c)} are likely to sell in the next {s.LeadTimeDays} days and you have {onHand}.";
        return head + $" Chance of running out: {(p.RiskAfter * 100).ToString("0", c)}%; about {p.Leftover.ToString("0", c)} likely left over at the end.";
    }
}
