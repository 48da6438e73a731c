using Dots.Recommend.Models;

namespace Dots.Recommend.Serving;

/// <summary>
/// Training settings. Defaults were chosen on validation splits carved from the training files (see
/// docs/decisions/0007-recommendations.md); the blend weights themselves are re-tuned on every training run.
/// </summary>
public sealed record RecommenderOptions
{
    /// <summary>Repeat-purchase domain (groceries): bought items stay eligible. Off: history is excluded.</summary>
    public bool KeepSeen { get; init; }

    public bool TuneBlend { get; init; } = true;

    /// <summary>
    /// Fixed blend weights, one per model in <see cref="TrainingSummary.Models"/> order: skips tuning. A host that
    /// tuned once stores the weights with its model version so every instance rebuilds the identical model.
    /// </summary>
    public IReadOnlyList<float>? Weights { get; init; }

    /// <summary>Cores a training run may use (its parallel loops); 0 = every core. Serving is unaffected.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Validation users sampled for blend tuning; bounds tuning time on large data.</summary>
    public int MaxValidationUsers { get; init; } = 8000;

    public int TuneAtK { get; init; } = 20;

    public float RepeatDecay { get; init; } = 0.9f;

    public float TrendingDecay { get; init; } = 0.7f;

    public int Neighbours { get; init; } = 100;

    public float KnnShrink { get; init; } = 10f;

    public float KnnHistoryDecay { get; init; } = 0.9f;

    public float Rp3Alpha { get; init; } = 1f;

    public float Rp3Beta { get; init; } = 0.5f;

    public int SequenceWindow { get; init; } = 3;

    public float SequenceGapDecay { get; init; } = 0.6f;

    public float SequenceBackward { get; init; } = 0.3f;

    public float SequenceBeta { get; init; } = 0.5f;

    public float SequenceHistoryDecay { get; init; } = 0.5f;

    public int UserNeighbours { get; init; } = 300;

    public float UserDecay { get; init; } = 0.8f;

    /// <summary>Product texts for cold start; items may be absent from the interactions (new products).</summary>
    public IReadOnlyList<ItemContent>? Content { get; init; }
}
