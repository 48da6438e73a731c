using Dots.Forecast.Methods;

namespace Dots.Forecast;

/// <summary>
/// The entry point: forecasts one series or many. <c>auto</c> scores a portfolio suited to the
/// history (smooth or intermittent) by a rolling-origin backtest on the history alone, combines the
/// best few, and takes quantiles from the combination's backtest residuals.
/// </summary>
public static class Forecaster
{
    /// <summary>Names accepted by <see cref="ForecastOptions.Method"/> besides <c>auto</c>.</summary>
    public static IReadOnlyList<string> MethodNames { get; } = [.. Catalog.All.Select(m => m.Name)];

    /// <summary>One line per method, for help texts.</summary>
    public static IReadOnlyList<(string Name, string Description)> MethodDescriptions { get; } =
        [.. Catalog.All.Select(m => (m.Name, m.Description))];

    public static ForecastResult Forecast(ReadOnlySpan<double> history, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return ForecastValidated(history, options);
    }

    /// <summary>
    /// Forecasts every series in parallel; results keep the input order. <paramref name="progress"/>
    /// receives the number of series finished so far. With <c>auto</c> and
    /// <see cref="ForecastOptions.CrossLearning"/>, the series also learn from each other's backtests,
    /// so a series' forecast depends on the batch it comes in.
    /// </summary>
    public static ForecastResult[] ForecastMany(IReadOnlyList<double[]> histories, ForecastOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        foreach (var y in histories)
            ValidateHistory(y);
        var results = new ForecastResult[histories.Count];
        int done = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };
        // Long series cost far more than short ones; ranges of one item keep both cores busy to the end.
        var ranges = System.Collections.Concurrent.Partitioner.Create(0, histories.Count, 1);
        void Tick() => progress?.Report(Interlocked.Increment(ref done) / (options.CrossLearning && IsAuto(options) ? 2 : 1));
        if (!IsAuto(options) || !options.CrossLearning)
        {
            Parallel.ForEach(ranges, parallel, range =>
            {
                for (int i = range.Item1; i < range.Item2; i++) { results[i] = ForecastValidated(histories[i], options); Tick(); }
            });
            return results;
        }
        // Cross-learning: every series is backtested first; short series then borrow the ranking of
        // their class, and a calibration (obsolescence cut, shrinkage) is learned from all backtests.
        var plans = new SeriesPlan[histories.Count];
        Parallel.ForEach(ranges, parallel, range =>
        {
            for (int i = range.Item1; i < range.Item2; i++) { plans[i] = Auto.Prepare(histories[i], options); Tick(); }
        });
        var members = new int[histories.Count][];
        var calibration = new Calibration[histories.Count];
        foreach (bool sparse in new[] { false, true })
        {
            var cls = Enumerable.Range(0, plans.Length).Where(i => plans[i].Pool is not null && plans[i].Sparse == sparse).ToArray();
            var pooled = Auto.PooledMembers(cls.Select(i => plans[i]));
            foreach (int i in cls)
            {
                var p = plans[i];
                members[i] = p.History.Length >= Auto.LocalSelectionLength || pooled is null || p.Backtest!.Origins == 0
                    ? Auto.LocalMembers(p)
                    : pooled;
            }
            var cal = Auto.LearnCalibration([.. cls.Select(i => (plans[i], members[i]))], options.Loss);
            foreach (int i in cls) calibration[i] = cal;
        }
        // Quantiles: each series' chosen combination is backtested at more origins; the newest origins'
        // residuals, scaled by the spread the older origins implied, are pooled per class (split
        // conformal), and every series of the class takes its quantile shape from that pool.
        var qbs = new QuantileBacktest?[histories.Count];
        var shape = new double[]?[2];
        if (options.Quantiles.Count > 0)
        {
            Parallel.ForEach(ranges, parallel, range =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                    qbs[i] = plans[i].Pool is null ? null : Auto.QuantileRun(plans[i], members[i], calibration[i], options);
            });
            foreach (bool sparse in new[] { false, true })
            {
                var scores = new List<double>();
                for (int i = 0; i < plans.Length; i++)
                    if (qbs[i] is { } qb && plans[i].Sparse == sparse)
                        Intervals.Scores(plans[i].History, qb.Backtest, qb.Combined, sparse, scores);
                if (scores.Count >= Intervals.MinPooledScores)
                {
                    var sorted = scores.ToArray();
                    Array.Sort(sorted);
                    shape[sparse ? 1 : 0] = sorted;
                }
            }
        }
        Parallel.ForEach(ranges, parallel, range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                var p = plans[i];
                results[i] = Auto.Finish(p, members[i] ?? [], p.Pool is null ? Calibration.None : calibration[i], options,
                    qbs[i], shape[p.Sparse ? 1 : 0]);
                Tick();
            }
        });
        return results;
    }

    private static bool IsAuto(ForecastOptions o) => string.Equals(o.Method, "auto", StringComparison.OrdinalIgnoreCase);

    private static void ValidateHistory(ReadOnlySpan<double> y)
    {
        if (y.Length == 0)
            throw new ArgumentException("the history is empty", nameof(y));
        foreach (double v in y)
            if (!double.IsFinite(v))
                throw new ArgumentException("the history holds a NaN or infinite value", nameof(y));
    }

    private static ForecastResult ForecastValidated(ReadOnlySpan<double> y, ForecastOptions o)
    {
        ValidateHistory(y);
        return IsAuto(o)
            ? Auto.Run(y, o)
            : Auto.RunSingle(y, o, Catalog.Find(o.Method)!);
    }
}
