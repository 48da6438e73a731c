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

    /// <summary>
    /// Combined transactions of one variant in flight at once. One (the default): the next batch gathers while the
    /// current one commits, so batches are as big as the rush makes them. Two halved the batches in a flash sale, and
    /// every batch pays its statements and commits again (docs/benchmarks.md §1, eleventh stop: 20–25% fewer orders/s).
    /// </summary>
    [Range(1, 16)]
    public int CombinerLanesPerSku { get; set; } = 1;

    /// <summary>
    /// In a rush — the lane has just committed a batch and more buyers queued meanwhile — how long it lets more gather
    /// before it takes the next batch. A buyer at an idle lane never waits for it. 10 ms (the default) made batches about
    /// twice as big in a flash sale, with less CPU per order and a lower p99 (docs/benchmarks.md §1, eleventh stop);
    /// zero takes each batch as soon as the previous one commits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan CombinerWindow { get; set; } = TimeSpan.FromMilliseconds(10);
}
