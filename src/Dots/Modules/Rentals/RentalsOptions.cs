using System.ComponentModel.DataAnnotations;

namespace Dots.Modules.Rentals;

/// <summary>Settings of the Rentals module (section <c>Rentals</c>, docs/configuration.md).</summary>
public sealed class RentalsOptions
{
    /// <summary>A late day costs this many times the day price (1.5 = day price plus half).</summary>
    [Range(0.0, 10.0)]
    public decimal LateDayFactor { get; set; } = 1.5m;

    /// <summary>How long the deposit hold lasts after the last rental day (covers late returns and the inspection).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "60.00:00:00")]
    public TimeSpan DepositHoldAfterEnd { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How far ahead a booking may start, in days.</summary>
    [Range(1, 730)]
    public int BookAheadDays { get; set; } = 365;
}
