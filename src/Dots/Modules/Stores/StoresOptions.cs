using System.ComponentModel.DataAnnotations;

namespace Dots.Modules.Stores;

/// <summary>Settings of the Stores module (section <c>Stores</c>, docs/configuration.md).</summary>
public sealed class StoresOptions
{
    /// <summary>How long a pickup order waits at the store before it expires (stock back, payment refunded).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PickupHoldFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long after the order a store promises it ready ("pickupReadyBy").</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan PickupPreparation { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Runs the pickup expiry job (tests switch it off and run the sweep themselves).</summary>
    public bool RunJobs { get; set; } = true;
}
