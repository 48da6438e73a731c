using System.Globalization;
using System.Text;

namespace Dots.Modules.Demand;

/// <summary>The kinds of demand signal. Client types arrive through POST /api/events; server types come from the modules' events.</summary>
public static class DemandEventTypes
{
    public const string View = "view";
    public const string Search = "search";
    public const string CartAdd = "cart_add";
    public const string CartRemove = "cart_remove";
    public const string RecImpression = "rec_impression";
    public const string RecClick = "rec_click";

    public const string Purchase = "purchase";
    public const string Cancel = "cancel";
    public const string Stockout = "stockout";
    /// <summary>Co-creation (recorded by handlers the co-creation module's events will get): an idea vote, a pledge, a campaign outcome.</summary>
    public const string Vote = "vote";
    public const string Pledge = "pledge";
    public const string Campaign = "campaign";

    /// <summary>What a browser may send; "cart" is accepted as a cart add.</summary>
    public static readonly IReadOnlySet<string> Client = new HashSet<string>(StringComparer.Ordinal)
        { View, Search, CartAdd, CartRemove, RecImpression, RecClick };

    public static readonly IReadOnlySet<string> Server = new HashSet<string>(StringComparer.Ordinal)
        { Purchase, Cancel, Stockout, Vote, Pledge, Campaign };

    public static bool NeedsProduct(string type) => type is View or CartAdd or CartRemove or RecImpression or RecClick;
}

/// <summary>Search text as roll-ups key it: trimmed, lower case, single spaces.</summary>
public static class QueryText
{
    public const int MaxLength = 200;

    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        }
        return sb.Length > MaxLength ? sb.ToString(0, MaxLength) : sb.ToString();
    }
}

/// <summary>Hour buckets: whole hours since the Unix epoch, so roll-up keys are plain integers on every provider.</summary>
public static class Buckets
{
    public const short Hour = 1;
    public const short Day = 24;

    public static long HourOf(DateTimeOffset at) => (long)Math.Floor(at.ToUnixTimeSeconds() / 3600.0);

    /// <summary>
    /// The day bucket of an instant in the shop's time zone: the hour (since the epoch, UTC) in which that zone's
    /// local day began — in Asia/Seoul (UTC+9) 15:00 UTC of the day before. Days step by 24 hours, which holds
    /// for zones without daylight saving time such as Asia/Seoul and UTC (DemandOptions.TimeZone).
    /// </summary>
    public static long DayOf(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var midnight = new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date));
        return HourOf(midnight);
    }

    public static long Of(short span, DateTimeOffset at, TimeZoneInfo zone) => span == Day ? DayOf(at, zone) : HourOf(at);

    public static DateTimeOffset Start(long bucket) => DateTimeOffset.FromUnixTimeSeconds(bucket * 3600);
}

/// <summary>Money kept exact as ten-thousandths.</summary>
internal static class Scaled
{
    public const decimal Factor = 10_000m;

    public static long From(decimal amount) => (long)decimal.Round(amount * Factor);

    public static decimal ToDecimal(long scaled) => scaled / Factor;
}
