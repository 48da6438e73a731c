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
}
