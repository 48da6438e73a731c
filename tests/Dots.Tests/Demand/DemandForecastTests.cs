using System.Net;
using Dots.Infrastructure.Jobs;
using Dots.Modules.Demand;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Demand;

public sealed class DemandForecastTests(DemandPlatform platform) : IClassFixture<DemandPlatform>
{
    [Fact]
    public async Task AProductWithNoHistory_GetsItsCategorysProfile_NeverAnError()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var category = "crafts";
        var seller = await owner.CreateProductAsync(shopId, title: "Best seller", category: category, stock: 3);
        var fresh = await owner.CreateProductAsync(shopId, title: "Brand new", category: category, stock: 3);
        var sellerVariant = seller.FirstVariantId();

        // Sixty days of weekly-seasonal purchases for the best seller, at noon of each of the shop's (Seoul's) last
        // sixty days: the forecast learns from whole local days up to yesterday, whatever the hour in UTC.
        var seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, seoul).Date;
        var events = new List<DemandEvent>();
        for (int d = 60; d >= 1; d--)
        {
            var at = new DateTimeOffset(today.AddDays(-d).AddHours(12), seoul.BaseUtcOffset);
            var units = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 6 : 2;
            events.Add(new DemandEvent { Type = "purchase", ShopId = shopId, ProductId = (string)seller["id"]!, VariantId = sellerVariant, Quantity = units, AmountScaled = units * 12900 * 10_000L, Currency = "KRW", At = at, ReceivedAt = at });
        }
        await platform.Writer.WriteAsync(events, CancellationToken.None);

        var response = await owner.Http.PostAsync($"/api/shops/{shopId}/demand/forecast", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var forecasts = await platform.WithDbAsync(db => db.Set<DemandForecast>().AsNoTracking().Where(f => f.ShopId == shopId).ToListAsync());
        var warm = forecasts.Single(f => f.VariantId == sellerVariant);
        var cold = forecasts.Single(f => f.VariantId == fresh.FirstVariantId());
        Assert.False(warm.ColdStart);
        Assert.True(cold.ColdStart);
        Assert.Contains(category, cold.Method);
        var warmPaths = DemandForecasting.Read(warm.Points);
        var coldPaths = DemandForecasting.Read(cold.Points);
        Assert.Equal(56, warmPaths.Mean.Length);
        Assert.Equal(56, coldPaths.Mean.Length);
        Assert.InRange(warmPaths.Mean.Average(), 2, 5);
        Assert.Equal(warmPaths.Mean, coldPaths.Mean);
        Assert.All(Enumerable.Range(0, 56), i => Assert.True(warmPaths.P10[i] <= warmPaths.P90[i]));

        // The API shows the forecast beside the series, and the suggestions say what to make.
        var demand = await (await owner.Http.GetAsync($"/api/shops/{shopId}/demand?granularity=day")).JsonAsync(HttpStatusCode.OK);
        var p = demand["products"]!.AsArray().Single(x => (string?)x!["productId"] == (string)seller["id"]!)!;
        Assert.Equal(56, p["forecast"]!.AsArray().Count);
        var suggestions = await (await owner.Http.GetAsync($"/api/shops/{shopId}/demand/suggestions")).JsonAsync(HttpStatusCode.OK);
        var top = suggestions.AsArray().First()!;
        Assert.Equal(sellerVariant, (string?)top["variantId"]);
        Assert.True((int)top["makeQuantity"]! > 0);
        Assert.True((bool)top["stockoutAlert"]!);
        Assert.StartsWith("Make ", (string?)top["reason"]);
    }

    [Fact]
    public async Task WithNoHistoryAnywhere_AColdStartIsStillAForecast()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shopId, category: "books");
        var count = await platform.DemandAsync(sp => sp.GetRequiredService<DemandForecasting>().RunAsync(shopId, null, CancellationToken.None));
        Assert.Equal(1, count);
        var f = await platform.WithDbAsync(db => db.Set<DemandForecast>().AsNoTracking().SingleAsync(x => x.VariantId == product.FirstVariantId()));
        Assert.True(f.ColdStart);
        Assert.All(DemandForecasting.Read(f.Points).Mean, m => Assert.True(m >= 0));
    }
}

public sealed class DemandNewsvendorTests
{
    [Fact]
    public void TheSuggestion_CoversTheServiceLevelQuantile_LessStockAndWhatIsInProduction()
    {
        // 14 days of mean 2/day and a 10–90% band of ±2.5631 ⇒ σ_day = 2, σ = 2√14.
        var mean = Enumerable.Repeat(2.0, 56).ToArray();
        var (mu, sigma) = Newsvendor.LeadTimeDemand(mean, [.. mean.Select(m => m - 2.5631)], [.. mean.Select(m => m + 2.5631)], 14);
        Assert.Equal(28, mu, 6);
        Assert.Equal(2 * Math.Sqrt(14), sigma, 3);

        var plan = Newsvendor.Suggest(mu, sigma, stock: 5, inProduction: 3, serviceLevel: 0.9);
        var target = 28 + 1.2815516 * 2 * Math.Sqrt(14);
        Assert.Equal(target, plan.Target, 3);
        Assert.Equal((int)Math.Ceiling(target - 8), plan.Make);
        Assert.True(plan.Alert);
        Assert.InRange(plan.RiskNow, 0.99, 1);
        Assert.InRange(plan.RiskAfter, 0.09, 0.1);
        Assert.InRange(plan.Leftover, 9, 11);

        var nothing = Newsvendor.Suggest(mu, sigma, stock: 100, inProduction: 0, serviceLevel: 0.9);
        Assert.Equal(0, nothing.Make);
        Assert.False(nothing.Alert);
        Assert.Equal(72, nothing.Leftover, 1);
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(0.9, 1.2815516)]
    [InlineData(0.975, 1.959964)]
    [InlineData(0.01, -2.326348)]
    public void InverseNormal_IsTheNormalQuantile(double p, double z)
    {
        Assert.Equal(z, Newsvendor.InverseNormal(p), 5);
        Assert.Equal(p, Newsvendor.Phi(z), 5);
    }
}

public sealed class DemandForecastJobTests(DemandPlatform platform) : IClassFixture<DemandPlatform>
{
    [PostgresFact]
    public async Task TheForecastJob_RunsOnceAcrossTwoInstances()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        await owner.CreateProductAsync(shopId);
        await using var first = platform.WithWebHostBuilder(b => b.UseSetting("Jobs:RunJobs", "true"));
        await using var second = platform.WithWebHostBuilder(b => b.UseSetting("Jobs:RunJobs", "true"));
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));
        string id;
        await using (var scope = first.Services.CreateAsyncScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<IJobScheduler>().ScheduleOnceAsync(DemandForecastJob.Name, DateTimeOffset.UtcNow.AddSeconds(2), null, CancellationToken.None);
        }
        await Eventually.UntilAsync(async () => await platform.WithDbAsync(db => db.Set<DemandForecast>().AnyAsync(f => f.ShopId == shopId)), "a forecast");
        await Task.Delay(3000);
        var versions = await platform.WithDbAsync(db => db.Set<DemandForecast>().Where(f => f.ShopId == shopId).Select(f => f.Version).Distinct().CountAsync());
        Assert.Equal(1, versions);
    }
}
