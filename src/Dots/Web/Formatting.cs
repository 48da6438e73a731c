using System.Collections.Concurrent;
using System.Globalization;
using Dots.Infrastructure;

namespace Dots.Web;

/// <summary>Prices, dates and product texts as a reader of the given culture expects them.</summary>
public static class Formatting
{
    public const string DefaultTimeZone = "Asia/Seoul";

    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public static bool IsKorean(CultureInfo culture) => culture.TwoLetterISOLanguageName == "ko";

    /// <summary>KRW as <c>12,900원</c> for Korean readers and <c>₩12,900</c> otherwise; other currencies with their symbol.</summary>
    public static string Money(decimal amount, string currency, CultureInfo culture)
    {
        var digits = Currencies.MinorDigits(currency);
        var number = Math.Abs(amount).ToString(digits == 0 ? "#,0" : "#,0.00", CultureInfo.InvariantCulture);
        var sign = amount < 0 ? "-" : "";
        var korean = IsKorean(culture);
        return currency switch
        {
            "KRW" => korean ? $"{sign}{number}원" : $"{sign}₩{number}",
            "JPY" => korean ? $"{sign}{number}엔" : $"{sign}¥{number}",
            "USD" => $"{sign}${number}",
            "EUR" => $"{sign}€{number}",
            "GBP" => $"{sign}£{number}",
            _ => $"{sign}{number} {currency}",
        };
    }

    public static string Money(MoneyDto money, CultureInfo culture) => Money(money.Amount, money.Currency, culture);

    public static DateTimeOffset InZone(DateTimeOffset at, string? timeZone)
    {
        var zone = Zones.GetOrAdd(string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone,
            id => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : TimeZoneInfo.Utc);
        return TimeZoneInfo.ConvertTime(at, zone);
    }

    /// <summary>A date and time in the shop's zone: <c>2026. 11. 28. 18:05</c> or <c>Nov 28, 2026, 18:05</c>.</summary>
    public static string DateTime(DateTimeOffset at, string? timeZone, CultureInfo culture)
    {
        var local = InZone(at, timeZone);
        return IsKorean(culture)
            ? local.ToString("yyyy. M. d. HH:mm", culture)
            : local.ToString("MMM d, yyyy, HH:mm", culture);
    }

    public static string Date(DateTimeOffset at, string? timeZone, CultureInfo culture)
    {
        var local = InZone(at, timeZone);
        return IsKorean(culture) ? local.ToString("yyyy. M. d.", culture) : local.ToString("MMM d, yyyy", culture);
    }

    /// <summary>The Korean title for Korean readers when the seller wrote one.</summary>
    public static string Title(string title, string? titleKo, CultureInfo culture) =>
        IsKorean(culture) && !string.IsNullOrWhiteSpace(titleKo) ? titleKo : title;

    public static string Options(IReadOnlyDictionary<string, string> options) =>
        options.Count == 0 ? "" : string.Join(" · ", options.Select(o => o.Value));

    /// <summary>A page number or index from a query string; anything else (text, negative, huge) is null, never an error.</summary>
    public static int? PositiveInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 1_000_000 ? n : null;

    /// <summary>Only paths on this site, so a crafted return URL cannot send people elsewhere.</summary>
    /// <summary>
    /// The URL when it is a path on this site, else <paramref name="fallback"/>. Control characters are refused
    /// outright: browsers drop tabs and newlines, so <c>/%09/evil.example</c> would become <c>//evil.example</c>.
    /// </summary>
    public static string LocalUrl(string? url, string fallback = "/") =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl)
            ? url
            : fallback;
}
