namespace Dots.Modules.Ordering;

public sealed class OrderingOptions
{
    /// <summary>The platform's share of each sale; the rest is the shop's payout.</summary>
    public decimal CommissionRate { get; set; } = 0.10m;

    public int MaxLinesPerOrder { get; set; } = 50;

    public int MaxQuantityPerLine { get; set; } = 1000;
}
