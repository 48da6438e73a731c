namespace Dots.Modules.CoCreation;

/// <summary>Bound from the <c>CoCreation</c> section and validated on start (docs/configuration.md).</summary>
public sealed class CoCreationOptions
{
    /// <summary>The idea author's share of the net revenue of every line of a co-created product.</summary>
    public decimal RoyaltyRate { get; set; } = 0.05m;

    /// <summary>The latest deadline a campaign may have, counted from its start; every pledge's hold must outlive it.</summary>
    public TimeSpan MaxCampaignLength { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long past the deadline a pledge's hold lasts, so the settlement (and its retries) can still capture it.</summary>
    public TimeSpan SettlementGrace { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long one settlement worker holds a campaign before another may take it over (it renews while working).</summary>
    public TimeSpan SettlementLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a pledge may stay Pending (its card hold unconfirmed: a provider outage nobody retried, a crash) before
    /// the settlement job reconciles it with the provider and counts or refuses it. Longer than a retry's lease.
    /// </summary>
    public TimeSpan StalePledgeAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most units one pledge may ask for.</summary>
    public int MaxUnitsPerPledge { get; set; } = 100;

    /// <summary>The half-life of a vote in the board's trending order: a vote this old counts half as much as a new one.</summary>
    public TimeSpan TrendingHalfLife { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Whether this instance runs the settlement job (deadlines, and settlements left unfinished).</summary>
    public bool RunJobs { get; set; } = true;
}
