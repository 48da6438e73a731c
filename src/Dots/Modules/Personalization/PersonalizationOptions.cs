using System.ComponentModel.DataAnnotations;

namespace Dots.Modules.Personalization;

/// <summary>Settings of the Personalization module (section "Personalization", docs/configuration.md).</summary>
public sealed class PersonalizationOptions
{
    /// <summary>Cores a training run (and a model rebuild on each instance) may use; serving is unaffected.</summary>
    [Range(1, 64)]
    public int MaxTrainingCores { get; set; } = 1;

    /// <summary>How often each instance looks for a newer live model version.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each instance re-reads the catalog (published, in stock, shop) it filters with.</summary>
    public TimeSpan CatalogRefresh { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one instance keeps a customer's purchases, views and switch in memory (purges on local writes).</summary>
    public TimeSpan ProfileCacheLife { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Nightly retraining (Quartz cron, the scheduler's time zone).</summary>
    public string TrainCron { get; set; } = "0 30 3 * * ?";

    /// <summary>Share of the most recent orders held out to validate a new model version.</summary>
    [Range(0.01, 0.5)]
    public double HoldoutShare { get; set; } = 0.1;

    /// <summary>A candidate whose holdout Recall@20 is below the live version's by more than this is not promoted.</summary>
    [Range(0, 1)]
    public double PromotionMargin { get; set; } = 0.02;

    /// <summary>Views enter training (as one basket per customer and day) beside purchases.</summary>
    public bool UseViews { get; set; } = true;

    /// <summary>A customer's views count in training only for products viewed at least this often (purchases always count).</summary>
    [Range(1, 100)]
    public int MinViewsForTraining { get; set; } = 2;

    /// <summary>
    /// Product views are kept this many days (then deleted by the daily prune job); training and "recently viewed"
    /// see only these.
    /// </summary>
    [Range(1, 3650)]
    public int ViewRetentionDays { get; set; } = 180;

    /// <summary>When the view log is pruned (Quartz cron, the scheduler's time zone).</summary>
    public string ViewPruneCron { get; set; } = "0 10 4 * * ?";

    /// <summary>A product bought within this many days is not pushed in "for you" unless the customer buys it repeatedly.</summary>
    [Range(0, 365)]
    public int JustBoughtDays { get; set; } = 30;

    [Range(1, 100)]
    public int MaxLimit { get; set; } = 50;
}
