namespace Dots.Routing;

/// <summary>
/// One van of a heterogeneous fleet: its capacities, its cost, where and when its shift starts and
/// ends, and what it has already done tonight. Vehicles are referred to by their index in
/// <see cref="VrptwInstance.Vehicles"/>.
/// </summary>
public sealed record Vehicle
{
    /// <summary>A name for reports (a plate or a driver).</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// Capacity per load dimension, in the order of <see cref="VrptwStop.Loads"/> (for example weight,
    /// volume, chilled box slots, frozen box slots; at most <see cref="VrptwInstance.MaxLoadDimensions"/>).
    /// Null: the instance's <see cref="VrptwInstance.Capacity"/> in the first dimension, no limit in the others.
    /// A dimension missing at the end of the list is unlimited.
    /// </summary>
    public IReadOnlyList<double>? Capacities { get; init; }

    /// <summary>Cost added once if the vehicle is used at all (in the unit of distance).</summary>
    public double FixedCost { get; init; }

    /// <summary>Node where the shift starts: 0 for the depot, or <c>NodeCount + k</c> for <see cref="VrptwInstance.Places"/>[k].</summary>
    public int StartNode { get; init; }

    /// <summary>Node where the shift ends (same numbering as <see cref="StartNode"/>).</summary>
    public int EndNode { get; init; }

    /// <summary>Earliest departure; null: the depot's ready time.</summary>
    public double? ShiftStart { get; init; }

    /// <summary>Latest arrival at the end node; null: the depot's due time.</summary>
    public double? ShiftEnd { get; init; }

    /// <summary>Longest route duration (departure to arrival, waiting included); null: the instance's maximum, if any.</summary>
    public double? MaxDuration { get; init; }

    /// <summary>
    /// Customer ids this van has already served tonight, in order (a frozen prefix): they stay first
    /// in its route, untouched by the search, and their load still counts against its capacities.
    /// </summary>
    public IReadOnlyList<int> Served { get; init; } = [];

    /// <summary>When re-planning: the van is free after its served stops no earlier than this time.</summary>
    public double? AvailableAt { get; init; }

    /// <summary>True when the van takes no further stops (broken down, or the driver went home): only its served prefix remains.</summary>
    public bool Closed { get; init; }
}
