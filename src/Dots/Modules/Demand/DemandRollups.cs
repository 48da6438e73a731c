namespace Dots.Modules.Demand;

/// <summary>
/// Folds raw events into roll-up deltas: the one function both the live writer (per batch) and
/// <c>dots demand rebuild</c> (over all events) use, so the two can only agree.
/// </summary>
internal sealed class RollupAccumulator(TimeZoneInfo zone)
{
    public Dictionary<(short Span, long Bucket, string ProductId, string VariantId), DemandProductRollup> Products { get; } = new();
    public Dictionary<(short Span, long Bucket, string Query), DemandQueryRollup> Queries { get; } = new();

    private static readonly short[] Spans = [Buckets.Hour, Buckets.Day];

    // The local day of the last minute seen: every zone's offset is a whole number of minutes, so a minute lies in one
    // local day, and a batch's events mostly share their minute (the zone conversion is the fold's dearest step).
    private long _minute = long.MinValue;
    private long _day;

    private long DayOf(DateTimeOffset at)
    {
        var minute = at.UtcTicks / TimeSpan.TicksPerMinute;
        if (minute != _minute)
        {
            _day = Buckets.DayOf(at, zone);
            _minute = minute;
        }
        return _day;
    }

    public void Add(DemandEvent e)
    {
        foreach (var span in Spans)
        {
            var bucket = span == Buckets.Day ? DayOf(e.At) : Buckets.HourOf(e.At);
            if (e.Type == DemandEventTypes.Search)
            {
                if (string.IsNullOrEmpty(e.Query)) continue;
                var qk = (span, bucket, e.Query);
                if (!Queries.TryGetValue(qk, out var q))
                {
                    Queries[qk] = q = new DemandQueryRollup { Span = span, Bucket = bucket, Query = e.Query };
                }
                q.Searches++;
                if (e.ResultCount == 0) q.ZeroResults++;
                continue;
            }
            if (e.ProductId is null || e.ShopId is null) continue;
            var key = (span, bucket, e.ProductId, e.VariantId ?? "");
            if (!Products.TryGetValue(key, out var r))
            {
                Products[key] = r = new DemandProductRollup { Span = span, Bucket = bucket, ProductId = e.ProductId, VariantId = e.VariantId ?? "", ShopId = e.ShopId };
            }
            switch (e.Type)
            {
                case DemandEventTypes.View: r.Views++; break;
                case DemandEventTypes.CartAdd: r.Carts++; break;
                case DemandEventTypes.CartRemove: r.CartRemovals++; break;
                case DemandEventTypes.RecImpression: r.RecImpressions++; break;
                case DemandEventTypes.RecClick: r.RecClicks++; break;
                case DemandEventTypes.Purchase:
                    r.Purchases++;
                    r.Units += e.Quantity;
                    r.RevenueScaled += e.AmountScaled;
                    break;
                case DemandEventTypes.Cancel:
                    r.CancelledUnits += e.Quantity;
                    r.Units -= e.Quantity;
                    r.Purchases--;
                    r.RevenueScaled -= e.AmountScaled;
                    break;
                case DemandEventTypes.Stockout: r.Stockouts++; break;
            }
        }
    }

    public IEnumerable<string> Shops => Products.Values.Select(p => p.ShopId).Distinct();

    public bool IsEmpty => Products.Count == 0 && Queries.Count == 0;
}
