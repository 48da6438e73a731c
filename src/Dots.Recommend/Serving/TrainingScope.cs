namespace Dots.Recommend.Serving;

/// <summary>
/// The parallelism and cancellation of the training run in progress on this logical call: every parallel loop of a
/// training (model fits, blend tuning) reads it, so a host can cap training at a few cores and stop it.
/// Outside a training run it is every core and no cancellation.
/// </summary>
internal static class TrainingScope
{
    private static readonly AsyncLocal<ParallelOptions?> Current = new();

    public static ParallelOptions Options => Current.Value ?? new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };

    public static CancellationToken Token => Current.Value?.CancellationToken ?? CancellationToken.None;

    public static IDisposable Enter(int maxDegreeOfParallelism, CancellationToken ct)
    {
        var previous = Current.Value;
        Current.Value = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
            CancellationToken = ct,
        };
        return new Restore(previous);
    }

    private sealed class Restore(ParallelOptions? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
