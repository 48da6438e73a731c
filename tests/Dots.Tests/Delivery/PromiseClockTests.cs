using Dots.Modules.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace Dots.Tests.Delivery;

/// <summary>The cut-off arithmetic with a fake clock: 22:59 catches tonight, 23:01 tomorrow; local dates, offsets and DST.</summary>
public sealed class PromiseClockTests
{
    private static FulfilmentCentre Centre(string tz = "Asia/Seoul") => new() { Id = "c", Name = "c", TimeZone = tz };

    [Theory]
    [InlineData("2026-11-28T13:59:00Z", "2026-11-28T23:00:00+09:00", "2026-11-29T07:00:00+09:00")] // 22:59 in Seoul
    [InlineData("2026-11-28T14:01:00Z", "2026-11-29T23:00:00+09:00", "2026-11-30T07:00:00+09:00")] // 23:01 in Seoul
    [InlineData("2026-11-28T14:00:00Z", "2026-11-29T23:00:00+09:00", "2026-11-30T07:00:00+09:00")] // exactly 23:00: too late
    [InlineData("2026-11-28T15:30:00Z", "2026-11-29T23:00:00+09:00", "2026-11-30T07:00:00+09:00")] // 00:30 on the 29th in Seoul, still the 28th in UTC
    [InlineData("2026-11-27T22:00:00Z", "2026-11-28T23:00:00+09:00", "2026-11-29T07:00:00+09:00")] // 07:00 on the 28th
    public void TheCutoff_IsTheCentresLocalTime(string now, string cutoff, string deliverBy)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(now));
        var centre = Centre();
        var night = DeliveryService.NightOf(centre, clock.GetUtcNow());
        Assert.Equal(DateTimeOffset.Parse(cutoff), DeliveryService.CutoffOf(centre, night));
        Assert.Equal("+09:00", DeliveryService.CutoffOf(centre, night).ToString("zzz"));
        Assert.Equal(DateTimeOffset.Parse(deliverBy), DeliveryService.DeliverByOf(centre, night));
    }

    [Fact]
    public void OnTheNightClocksGoBack_TheCutoffAndTheMorningCarryTheirOwnOffsets()
    {
        // New York leaves daylight saving at 02:00 on 2026-11-01: the cut-off of Oct 31 is EDT, the morning after is EST.
        var centre = Centre("America/New_York");
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-01T02:59:00Z")); // 22:59 EDT on Oct 31
        var night = DeliveryService.NightOf(centre, clock.GetUtcNow());
        Assert.Equal(new DateOnly(2026, 10, 31), night);
        Assert.Equal("2026-10-31T23:00:00-04:00", DeliveryService.CutoffOf(centre, night).ToString("yyyy-MM-ddTHH:mm:sszzz"));
        Assert.Equal("2026-11-01T07:00:00-05:00", DeliveryService.DeliverByOf(centre, night).ToString("yyyy-MM-ddTHH:mm:sszzz"));
        clock.Advance(TimeSpan.FromMinutes(2)); // 23:01 EDT
        Assert.Equal(new DateOnly(2026, 11, 1), DeliveryService.NightOf(centre, clock.GetUtcNow()));
    }
}
