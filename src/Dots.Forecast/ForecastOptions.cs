namespace Dots.Forecast;

/// <summary>How the automatic method scores candidates in the rolling-origin backtest.</summary>
public enum SelectionLoss
{
    /// <summary>Scaled mean absolute error: aims at the median, as MASE and sMAPE reward.</summary>
    Absolute,

    /// <summary>Scaled root mean squared error: aims at the mean, as RMSSE and stock planning reward.</summary>
    Squared,
}

/// <summary>What to forecast and how. Only <see cref="Horizon"/> is required.</summary>
public sealed record ForecastOptions
{
    /// <summary>Steps ahead to forecast (at least 1).</summary>
    public required int Horizon { get; init; }

    /// <summary>Season length in steps (7 for daily with a weekly cycle, 12 monthly, 1 for none).</summary>
    public int SeasonLength { get; init; } = 1;

    /// <summary><c>auto</c> (backtest-driven choice and combination) or a name from <see cref="Forecaster.MethodNames"/>.</summary>
    public string Method { get; init; } = "auto";

    /// <summary>Quantile levels in (0, 1) to return beside the mean, e.g. 0.1, 0.5, 0.9.</summary>
    public IReadOnlyList<double> Quantiles { get; init; } = [];

    /// <summary>Rolling origins used to score candidates; histories of 60 or more points use at least 5.</summary>
    public int BacktestOrigins { get; init; } = 3;

    /// <summary>
    /// <c>auto</c> only: in smooth (non-intermittent) histories, values further than this many robust
    /// standard deviations from their local median are replaced by it before fitting (6 is a sensible
    /// value). Off (null) by default: on M4 weekly, cleaning at 6 worsened OWA from 0.752 to 0.794,
    /// because a genuine recent level shift looks like a spike. Intermittent histories are never
    /// cleaned: their spikes are the demand.
    /// </summary>
    public double? OutlierThreshold { get; init; }

    /// <summary>Rolling origins whose residuals shape the quantiles (only run when quantiles are requested).</summary>
    public int QuantileOrigins { get; init; } = 8;

    /// <summary>
    /// Batch <c>auto</c>: when a history is counts (non-negative whole numbers), its quantiles are whole numbers too
    /// (floored, which keeps "actual at or below the quantile" exactly as it was, and puts a lower end of 0.02 at 0 so
    /// <see cref="ForecastResult.Interval"/> treats it as the floor). Off, the quantiles stay continuous, which suits
    /// arithmetic on them (e.g. a spread from p90 − p10 of a slow seller's daily demand).
    /// </summary>
    public bool WholeQuantiles { get; init; } = true;

    /// <summary>How candidates are scored; see <see cref="SelectionLoss"/>.</summary>
    public SelectionLoss Loss { get; init; } = SelectionLoss.Absolute;

    /// <summary>
    /// Batch <c>auto</c> only: short series take the method ranking of all series of their kind, and a
    /// calibration (an obsolescence cut and a shrink factor) is learned from every series' backtest.
    /// </summary>
    public bool CrossLearning { get; init; } = true;

    /// <summary>Series forecast at once by the batch API; null means one per core.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    internal void Validate()
    {
        if (Horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(Horizon), Horizon, "the horizon must be at least 1");
        if (SeasonLength < 1)
            throw new ArgumentOutOfRangeException(nameof(SeasonLength), SeasonLength, "the season length must be at least 1");
        if (BacktestOrigins < 0)
            throw new ArgumentOutOfRangeException(nameof(BacktestOrigins), BacktestOrigins, "backtest origins cannot be negative");
        foreach (double q in Quantiles)
            if (!(q > 0 && q < 1))
                throw new ArgumentOutOfRangeException(nameof(Quantiles), q, "quantile levels must lie strictly between 0 and 1");
        if (!string.Equals(Method, "auto", StringComparison.OrdinalIgnoreCase) && Methods.Catalog.Find(Method) is null)
            throw new ArgumentException($"unknown method '{Method}'; known: auto, {string.Join(", ", Forecaster.MethodNames)}", nameof(Method));
    }
}

/// <summary>
/// A forecast of one series: the mean path and, per requested level, the quantile path.
/// <see cref="Method"/> names what produced the mean (for <c>auto</c>, the members of the combination).
/// </summary>
public sealed record ForecastResult(double[] Mean, IReadOnlyList<double> QuantileLevels, double[][] Quantiles, string Method)
{
    /// <summary>The quantile path for a level that was requested.</summary>
    public double[] Quantile(double level)
    {
        for (int i = 0; i < QuantileLevels.Count; i++)
            if (Math.Abs(QuantileLevels[i] - level) < 1e-9)
                return Quantiles[i];
        throw new ArgumentException($"quantile {level} was not requested", nameof(level));
    }

    /// <summary>Quantile levels an <see cref="Interval"/> of this coverage reads: (1 − c)/2, (1 + c)/2 and c.</summary>
    public static double[] IntervalLevels(double coverage) =>
        [Math.Round((1 - coverage) / 2, 6), Math.Round((1 + coverage) / 2, 6), coverage];

    /// <summary>
    /// The central interval that should hold the actual value with probability <paramref name="coverage"/>
    /// (e.g. 0.8): from the (1 − c)/2 to the (1 + c)/2 quantile — except where the lower end sits at 0
    /// (demand with a point mass at zero, e.g. intermittent sales). There "[0, q(1+c)/2]" would hold
    /// at least (1 + c)/2, more than asked, so the interval is [0, q(c)], which holds c. Needs the levels
    /// of <see cref="IntervalLevels"/> to have been requested.
    /// </summary>
    public (double[] Lower, double[] Upper) Interval(double coverage)
    {
        var levels = IntervalLevels(coverage);
        double[] lo = Quantile(levels[0]), hi = Quantile(levels[1]), at = Quantile(levels[2]);
        var upper = new double[hi.Length];
        for (int k = 0; k < hi.Length; k++)
            upper[k] = lo[k] == 0 ? Math.Max(0, at[k]) : hi[k];
        return (lo, upper);
    }
}
