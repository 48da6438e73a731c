using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Demand;
using Dots.Tests.Infrastructure;
using Dots.Tests.Rentals;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Demand;

/// <summary>A demand platform whose clock tests can move (it keeps running from where it is set).</summary>
public sealed class ShopDayPlatform : DemandPlatform
{
    public ShiftedClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Daily roll-ups count the shop's local days (Demand:TimeZone, Asia/Seoul by default), not UTC days.</summary>
public sealed class ShopDayTests(ShopDayPlatform platform) : IClassFixture<ShopDayPlatform>
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    [Fact]
    public void DayBuckets_StartAtLocalMidnight()
    {
        var before = DateTimeOffset.Parse("2026-11-29T14:59:59Z"); // 23:59:59 on Nov 29 in Seoul
        var after = DateTimeOffset.Parse("2026-11-29T15:00:00Z");  // 00:00:00 on Nov 30 in Seoul
        Assert.Equal(Buckets.HourOf(DateTimeOffset.Parse("2026-11-28T15:00:00Z")), Buckets.DayOf(before, Seoul));
        Assert.Equal(Buckets.HourOf(DateTimeOffset.Parse("2026-11-29T15:00:00Z")), Buckets.DayOf(after, Seoul));
        // in UTC both are the same day
        Assert.Equal(Buckets.DayOf(before, TimeZoneInfo.Utc), Buckets.DayOf(after, TimeZoneInfo.Utc));
        Assert.Equal(Buckets.HourOf(DateTimeOffset.Parse("2026-11-29T00:00:00Z")), Buckets.DayOf(after, TimeZoneInfo.Utc));
    }

    [Fact]
    public async Task EventsEitherSideOfSeoulMidnight_LandOnTwoDays_AndTheDashboardsTodayIsSeoulsToday()
    {
        // "now" is half a minute past midnight in Seoul (15:00:30 UTC): UTC is still on Nov 29, Seoul on Nov 30
        platform.Clock.Set(DateTimeOffset.Parse("2026-11-29T15:00:30Z"));
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var product = await owner.CreateProductAsync(shopId, stock: 5);
        var productId = (string)product["id"]!;
        var session = "s-" + Guid.NewGuid().ToString("N");
        var response = await platform.CreateClient().PostAsJsonAsync("/api/events", new
        {
            events = new object[]
            {
                new { type = "view", productId, sessionId = session, at = "2026-11-29T14:59:59Z" },
                new { type = "view", productId, sessionId = session, at = "2026-11-29T15:00:00Z" },
                new { type = "view", productId, sessionId = session, at = "2026-11-29T15:00:10Z" },
            },
        });
        Assert.Equal(3, (int)(await response.JsonAsync(HttpStatusCode.Accepted))["accepted"]!);

        List<DemandProductRollup> rows = [];
        for (int i = 0; i < 100 && rows.Where(r => r.Span == Buckets.Day).Sum(r => r.Views) < 3; i++)
        {
            await Task.Delay(50);
            rows = await platform.ProductRollupsAsync(shopId);
        }
        var days = rows.Where(r => r.Span == Buckets.Day).OrderBy(r => r.Bucket).ToList();
        Assert.Equal([Buckets.HourOf(DateTimeOffset.Parse("2026-11-28T15:00:00Z")), Buckets.HourOf(DateTimeOffset.Parse("2026-11-29T15:00:00Z"))],
            days.Select(r => r.Bucket).ToArray());
        Assert.Equal([1, 2], days.Select(r => r.Views).ToArray());

        // the dashboard's daily series ends with Seoul's today (which began at 15:00 UTC) holding the two views after midnight
        var demand = await (await owner.Http.GetAsync($"/api/shops/{shopId}/demand?granularity=day")).JsonAsync(HttpStatusCode.OK);
        var series = demand["products"]!.AsArray().Single(p => (string?)p!["productId"] == productId)!["series"]!.AsArray();
        var last = series[^1]!;
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T15:00:00Z"), DateTimeOffset.Parse((string)last["at"]!));
        Assert.Equal(2, (int)last["views"]!);
        Assert.Equal(1, (int)series[^2]!["views"]!);
    }
}
