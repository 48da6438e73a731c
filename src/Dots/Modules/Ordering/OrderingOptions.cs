using System.ComponentModel.DataAnnotations;

namespace Dots.Modules.Ordering;

public sealed class OrderingOptions
{
    /// <summary>The platform's share of each sale; the rest is the shop's payout.</summary>
    [Range(typeof(decimal), "0", "1")]
    public decimal CommissionRate { get; set; } = 0.10m;

    [Range(1, 1000)]
    public int MaxLinesPerOrder { get; set; } = 50;

    [Range(1, 1_000_000)]
    public int MaxQuantityPerLine { get; set; } = 1000;

    /// <summary>
    /// Concurrent checkouts of one variant share one transaction and one stock statement (ADR 0023). Off: every
    /// checkout takes its stock in its own transaction.
    /// </summary>
    public bool CombineReservations { get; set; } = true;

    /// <summary>At most this many buyers' orders in one combined transaction.</summary>
    [Range(2, 1000)]
    public int CombinerMaxBatch { get; set; } = 64;

    /// <summary>Combined transactions of one variant in flight at once (one commits while the next writes its orders).</summary>
    [Range(1, 16)]
    public int CombinerLanesPerSku { get; set; } = 2;

    /// <summary>
    /// How long a lane waits before it takes its next batch (default none: buyers gather while the previous batch
    /// commits). A longer window makes bigger batches at the price of that much latency for every buyer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan CombinerWindow { get; set; } = TimeSpan.Zero;
}
