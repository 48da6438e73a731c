namespace Dots.Modules.Demand;

/// <summary>
/// One raw demand signal, append-only: never updated, never deleted by the application. No personal data: a user id
/// only when the caller was signed in, otherwise the browser's anonymous session id.
/// </summary>
internal sealed class DemandEvent
{
    public long Id { get; set; }
    public string Type { get; set; } = "";
    public string? ShopId { get; set; }
    public string? ProductId { get; set; }
    public string? VariantId { get; set; }
    public string? Category { get; set; }
    /// <summary>The normalised search text (lower case, single spaces) for searches.</summary>
    public string? Query { get; set; }
    public int? ResultCount { get; set; }
    /// <summary>Units (cart, purchase, cancellation); signed as the event means it (a cancellation is positive units cancelled).</summary>
    public int Quantity { get; set; }
    /// <summary>Money of a purchase or cancellation line (unit price × quantity), in ten-thousandths of <see cref="Currency"/>.</summary>
    public long AmountScaled { get; set; }
    public string? Currency { get; set; }
    public string? SessionId { get; set; }
    public string? UserId { get; set; }
    /// <summary>Server-side signals carry a key so an at-least-once delivery is recorded once.</summary>
    public string? DedupeKey { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// Counters of one product variant (VariantId "" for signals that name only the product) over one bucket: an hour
/// (Span 1) or a UTC day (Span 24). <see cref="Bucket"/> is the bucket's start in whole hours since the Unix epoch, so the
/// same upsert statement works on both providers.
/// </summary>
internal sealed class DemandProductRollup
{
    public short Span { get; set; }
    public long Bucket { get; set; }
    public string ProductId { get; set; } = "";
    public string VariantId { get; set; } = "";
    public string ShopId { get; set; } = "";
    public long Views { get; set; }
    public long Carts { get; set; }
    public long CartRemovals { get; set; }
    public long Purchases { get; set; }
    public long Units { get; set; }
    public long RevenueScaled { get; set; }
    public long CancelledUnits { get; set; }
    public long Stockouts { get; set; }
    public long RecImpressions { get; set; }
    public long RecClicks { get; set; }
}

/// <summary>Searches of one normalised query over one bucket, and how many of them found nothing.</summary>
internal sealed class DemandQueryRollup
{
    public short Span { get; set; }
    public long Bucket { get; set; }
    public string Query { get; set; } = "";
    public long Searches { get; set; }
    public long ZeroResults { get; set; }
}

/// <summary>One stored forecast of a variant's daily demand; every run adds a version, the newest is shown.</summary>
internal sealed class DemandForecast
{
    public string Id { get; set; } = "";
    public string VariantId { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string ShopId { get; set; } = "";
    public long Version { get; set; }
    /// <summary>First forecast day (UTC midnight).</summary>
    public DateTimeOffset From { get; set; }
    public string Method { get; set; } = "";
    public bool ColdStart { get; set; }
    /// <summary>JSON: { mean: [], p10: [], p50: [], p90: [], p025: [], p975: [] }, one value per day.</summary>
    public string Points { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A maker's planning settings for a shop: lead time and the service level suggestions aim at.</summary>
internal sealed class DemandShopSettings
{
    public string ShopId { get; set; } = "";
    public int LeadTimeDays { get; set; } = 14;
    public decimal ServiceLevel { get; set; } = 0.9m;
}

/// <summary>Units of a variant the maker has in production (on their way to the shelf).</summary>
internal sealed class DemandVariantPlan
{
    public string VariantId { get; set; } = "";
    public string ShopId { get; set; } = "";
    public int InProduction { get; set; }
}
