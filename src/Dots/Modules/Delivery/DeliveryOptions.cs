using System.ComponentModel.DataAnnotations;

namespace Dots.Modules.Delivery;

/// <summary>Settings of the Delivery module (section <c>Delivery</c>, docs/configuration.md).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Wall-clock budget of the route solver for one wave.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan PlanningBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Budget of a re-plan (a cancelled order, a broken-down van).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan ReplanBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long after the cut-off the first van can leave the depot (picking and packing).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "06:00:00")]
    public TimeSpan DepotOpensAfterCutoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest route, from leaving the depot to coming back.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "12:00:00")]
    public TimeSpan MaxRouteDuration { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Road distance over great-circle distance.</summary>
    [Range(1.0, 3.0)]
    public double CircuityFactor { get; set; } = 1.35;

    /// <summary>Average speed at night, km/h.</summary>
    [Range(5.0, 120.0)]
    public double NightSpeedKmh { get; set; } = 32;

    /// <summary>Minutes at a stop with ambient goods only; chilled and frozen add their own.</summary>
    [Range(0.0, 60.0)]
    public double ServiceMinutesAmbient { get; set; } = 2;

    [Range(0.0, 60.0)]
    public double ServiceMinutesChilled { get; set; } = 1;

    [Range(0.0, 60.0)]
    public double ServiceMinutesFrozen { get; set; } = 1.5;

    /// <summary>How many nights ahead checkout looks for a free slot when tonight's is full.</summary>
    [Range(1, 14)]
    public int NightsAhead { get; set; } = 3;

    /// <summary>How long a planner holds a wave before another instance may take it over.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan PlanningLease { get; set; } = TimeSpan.FromMinutes(5);
}
