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
    /// receives the number of series finished so far.
    /// </summary>
    public static ForecastResult[] ForecastMany(IReadOnlyList<double[]> histories, ForecastOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var results = new ForecastResult[histories.Count];
        int done = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };
        // Long series cost far more than short ones; dynamic partitioning by single items keeps both cores busy.
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, histories.Count, 1), parallel, range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                results[i] = ForecastValidated(histories[i], options);
                int d = Interlocked.Increment(ref done);
                progress?.Report(d);
            }
        });
        return results;
    }

    private static ForecastResult ForecastValidated(ReadOnlySpan<double> y, ForecastOptions o)
    {
        if (y.Length == 0)
            throw new ArgumentException("the history is empty", nameof(y));
        foreach (double v in y)
            if (!double.IsFinite(v))
                throw new ArgumentException("the history holds a NaN or infinite value", nameof(y));
        return string.Equals(o.Method, "auto", StringComparison.OrdinalIgnoreCase)
            ? Auto.Run(y, o)
            : Auto.RunSingle(y, o, Catalog.Find(o.Method)!);
    }
}
