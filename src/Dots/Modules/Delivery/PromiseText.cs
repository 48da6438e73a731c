using System.Globalization;
using Dots.Web;
using Microsoft.Extensions.Localization;

namespace Dots.Modules.Delivery;

/// <summary>The promise in words ("Order in the next 2 h 14 min, arrives by 7 am tomorrow"), in the page's language.</summary>
internal static class PromiseText
{
    public static string Sentence(IStringLocalizer<DeliveryTexts> L, PromiseDto p, DateTimeOffset localNow)
    {
        var left = TimeSpan.FromMinutes(Math.Max(0, p.MinutesLeft ?? 0));
        var within = left.TotalHours >= 1
            ? L["{0} h {1} min", (int)left.TotalHours, left.Minutes].Value
            : L["{0} min", left.Minutes].Value;
        var by = p.DeliverBy!.Value;
        return Tomorrow(by, localNow)
            ? L["Order in the next {0}, arrives by {1} tomorrow", within, Time(by)]
            : L["Order in the next {0}, arrives by {1} on {2}", within, Time(by), Day(by)];
    }

    /// <summary>"arrives by 7 am tomorrow" / "arrives by 7 am on Wed 2 Dec" for a night that is not the first.</summary>
    public static string Arrival(IStringLocalizer<DeliveryTexts> L, PromiseDto p, DateTimeOffset localNow)
    {
        var by = p.DeliverBy!.Value;
        return Tomorrow(by, localNow) ? L["Arrives by {0} tomorrow", Time(by)] : L["Arrives by {0} on {1}", Time(by), Day(by)];
    }

    private static bool Tomorrow(DateTimeOffset by, DateTimeOffset localNow) =>
        DateOnly.FromDateTime(by.DateTime) == DateOnly.FromDateTime(localNow.DateTime).AddDays(1);

    public static string Time(DateTimeOffset by) => Formatting.IsKorean(CultureInfo.CurrentUICulture)
        ? by.ToString("tt h시", CultureInfo.GetCultureInfo("ko-KR")) + (by.Minute > 0 ? $" {by.Minute}분" : "")
        : by.ToString(by.Minute > 0 ? "h:mm tt" : "h tt", CultureInfo.GetCultureInfo("en-US")).ToLowerInvariant();

    public static string Day(DateTimeOffset by) => Formatting.IsKorean(CultureInfo.CurrentUICulture)
        ? by.ToString("M월 d일 (ddd)", CultureInfo.GetCultureInfo("ko-KR"))
        : by.ToString("ddd d MMM", CultureInfo.GetCultureInfo("en-GB"));
}
