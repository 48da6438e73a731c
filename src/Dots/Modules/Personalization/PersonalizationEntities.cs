namespace Dots.Modules.Personalization;

/// <summary>
/// One product view of a signed-in customer or an anonymous session (from the client signals). An append-only log with
/// no key: it is only ever read by customer or session (the partial indexes) and written thousands of rows at a time.
/// </summary>
internal sealed class ProductView
{
    public string? UserId { get; set; }
    public string? SessionId { get; init; }
    public required string ProductId { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>A customer's personalization switch; absent means on.</summary>
internal sealed class PersonalizationSetting
{
    public required string UserId { get; init; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
}

internal enum ModelVersionStatus
{
    Live = 0,
    Rejected = 1,
    Failed = 2,
}

/// <summary>
/// One trained model version: the training snapshot (interactions + tuned blend weights, gzip JSON) from which every
/// instance rebuilds the identical recommender, and the holdout score it was promoted (or rejected) on. The live
/// version is the newest <see cref="ModelVersionStatus.Live"/> row.
/// </summary>
internal sealed class ModelVersion
{
    public required string Id { get; init; }
    public long Number { get; init; }
    public ModelVersionStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset TrainedUntil { get; init; }
    public int Users { get; init; }
    public int Items { get; init; }
    public int Interactions { get; init; }
    /// <summary>Recall@20 on the holdout of recent orders (the candidate trained without them).</summary>
    public double HoldoutRecall { get; init; }
    /// <summary>Popularity's Recall@20 on the same holdout, for scale.</summary>
    public double PopularityRecall { get; init; }
    public int HoldoutOrders { get; init; }
    public double TrainingSeconds { get; init; }
    public string Note { get; set; } = "";
    public byte[] Snapshot { get; init; } = [];
}
