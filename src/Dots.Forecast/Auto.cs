using Dots.Forecast.Methods;

namespace Dots.Forecast;

/// <summary>
/// A calibration learned across a batch from backtests: histories whose last <see cref="ZeroRun"/>
/// values are all zero are treated as obsolete (forecast 0), and other forecasts are multiplied by
/// <see cref="Factor"/> (a shrinkage that pays when per-series estimates are noisy).
/// </summary>
internal readonly record struct Calibration(double Factor, int ZeroRun)
{
    public static readonly Calibration None = new(1, int.MaxValue);

    public double Apply(ReadOnlySpan<double> history, double forecast) =>
        Stats.TrailingZeros(history) >= ZeroRun ? 0 : Factor * forecast;
}

/// <summary>One series on its way through automatic forecasting.</summary>
internal sealed class SeriesPlan
{
    public required double[] History { get; init; }
    public required bool NonNegative { get; init; }
    public required bool Sparse { get; init; }
    /// <summary>Null for histories with nothing to learn (constant, all zero).</summary>
    public required MethodInfo[]? Pool { get; init; }
    public Backtest? Backtest { get; init; }
}

/// <summary>
/// Automatic forecasting: special histories first (all zero, constant, too short), then a
/// portfolio chosen by the kind of history, scored by a rolling-origin backtest on the history
/// only, and the best few averaged. Over a batch, short histories borrow the ranking of their whole
/// class (pooled selection) and a calibration is learned from all backtests; the same backtests
/// yield the residuals behind the quantiles.
/// </summary>
internal static class Auto
{
    /// <summary>Share of zeros from which a history counts as intermittent (Syntetos et al. use a similar cut).</summary>
    internal const double IntermittentZeroShare = 0.3;

    /// <summary>How many of the best-scoring methods are averaged; combining a few beats picking one on noisy scores.</summary>
    internal const int CombinationSize = 3;

    /// <summary>From this length on a series' own backtest ranks its methods; shorter ones use their class's pooled ranking.</summary>
    internal const int LocalSelectionLength = 60;

    /// <summary>Long histories rank by their own backtest, so they get more origins: rankings from 5 are steadier than from 3.</summary>
    internal const int LongHistoryOrigins = 5;

    private static readonly MethodInfo[] SmoothPool = Pick("naive", "ses", "holt", "damped", "theta", "ets", "mean");
    /// <summary>
    /// With a season: adjusted versions of the smooth pool, Theta and ETS (own seasonality up to 24),
    /// and seasonal naive. The unadjusted versions stay in: decomposing a noisy history can hurt (on
    /// M4 weekly keeping them moved OWA from 0.801 to 0.752), and the backtest knows when.
    /// </summary>
    private static readonly MethodInfo[] SeasonalSmoothPool = Pick("naive2", "ses_sa", "holt_sa", "damped_sa", "theta", "ets", "mean_sa", "snaive", "naive", "ses", "damped", "holt");
    private static readonly MethodInfo[] LongSeasonSmoothPool = Pick("naive2", "ses_sa", "holt_sa", "damped_sa", "theta", "ets_sa", "mean_sa", "snaive", "naive", "ses", "damped", "holt", "ets");
    private static readonly MethodInfo[] SparsePool = Pick("ses_m5", "tsb", "adida", "imapa", "sba", "mean");

    private static readonly double[] Factors = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5];
    private static readonly int[] ZeroRuns = [int.MaxValue, 24, 12, 8, 6, 4, 3, 2];

    private static MethodInfo[] Pick(params string[] names) => [.. names.Select(n => Catalog.Find(n)!)];

    public static ForecastResult RunSingle(ReadOnlySpan<double> y, ForecastOptions o, MethodInfo method)
    {
        int h = o.Horizon, m = o.SeasonLength;
        var mean = new double[h];
        method.Run(y, m, mean);
        bool nonNegative = !Stats.AnyNegative(y);
        double[][] q = [];
        if (o.Quantiles.Count > 0)
        {
            var bt = Backtest.Run(y, [method], h, m, Math.Max(o.BacktestOrigins, o.QuantileOrigins), o.Loss);
            q = Intervals.Build(y, mean, bt, bt.Combined(y, [0], Calibration.None, nonNegative), o.Quantiles, nonNegative);
        }
        return new ForecastResult(mean, o.Quantiles, q, method.Name);
    }

    public static SeriesPlan Prepare(double[] y, ForecastOptions o)
    {
        bool nonNegative = !Stats.AnyNegative(y);
        if (Stats.AllEqual(y))
            return new SeriesPlan { History = y, NonNegative = nonNegative, Sparse = false, Pool = null };
        bool sparse = nonNegative && Stats.ZeroFraction(y) >= IntermittentZeroShare;
        if (!sparse && o.OutlierThreshold is double threshold)
        {
            var cleaned = new double[y.Length];
            if (Outliers.Clean(y, threshold, cleaned) > 0)
                y = cleaned;
        }
        var pool = sparse ? SparsePool
            : o.SeasonLength <= 1 ? SmoothPool
            : o.SeasonLength <= Ets.MaxSeason ? SeasonalSmoothPool : LongSeasonSmoothPool;
        return new SeriesPlan
        {
            History = y, NonNegative = nonNegative, Sparse = sparse, Pool = pool,
            Backtest = Backtest.Run(y, pool, o.Horizon, o.SeasonLength,
                y.Length >= LocalSelectionLength ? Math.Max(o.BacktestOrigins, LongHistoryOrigins) : o.BacktestOrigins, o.Loss),
        };
    }

    /// <summary>Members of the combination by this series' own backtest, or a fixed robust trio when it is too short to backtest.</summary>
    public static int[] LocalMembers(SeriesPlan p)
    {
        if (p.Backtest!.Origins == 0)
            return p.Sparse ? [0, 1, 2] : (p.History.Length >= 4 ? [1, 3, 4] : [1]);
        return Rank(p.Backtest.Error);
    }

    public static int[] Rank(double[] error) =>
        [.. Enumerable.Range(0, error.Length).OrderBy(i => error[i]).ThenBy(i => i).Take(CombinationSize)];

    /// <summary>Members ranked by the mean backtest error of every series of the class that could be backtested.</summary>
    public static int[]? PooledMembers(IEnumerable<SeriesPlan> plans)
    {
        double[]? sum = null;
        int count = 0;
        foreach (var p in plans)
        {
            if (p.Backtest is not { Origins: > 0 } bt) continue;
            sum ??= new double[bt.Error.Length];
            for (int i = 0; i < sum.Length; i++) sum[i] += bt.Error[i];
            count++;
        }
        return count > 0 ? Rank(sum!) : null;
    }

    /// <summary>
    /// The calibration that minimises the mean backtest error of the combined forecasts over the
    /// class at the older origins, kept only if it also beats no calibration at the newest origin:
    /// a shrink that only helped in the past (demand since grew) is not carried forward.
    /// </summary>
    public static Calibration LearnCalibration(IReadOnlyList<(SeriesPlan Plan, int[] Members)> items, SelectionLoss loss)
    {
        var combined = items.Where(x => x.Plan.Backtest is { Origins: > 1 })
            .Select(x => (x.Plan, Forecasts: x.Plan.Backtest!.Combined(x.Plan.History, x.Members, Calibration.None, x.Plan.NonNegative)))
            .ToArray();
        if (combined.Length < 20)
            return Calibration.None; // too few series to learn anything across them
        var best = Calibration.None;
        double bestLoss = double.PositiveInfinity;
        foreach (int run in ZeroRuns)
            foreach (double factor in Factors)
            {
                var cal = new Calibration(factor, run);
                double total = 0;
                foreach (var (plan, fc) in combined)
                    for (int j = 1; j < plan.Backtest!.Origins; j++)
                        total += plan.Backtest.LossAt(plan.History, fc, cal, loss, j);
                // the identity comes first, so a calibration must strictly improve on it to be chosen
                if (total < bestLoss - 1e-12) { bestLoss = total; best = cal; }
            }
        double newestNone = 0, newestBest = 0;
        foreach (var (plan, fc) in combined)
        {
            newestNone += plan.Backtest!.LossAt(plan.History, fc, Calibration.None, loss, 0);
            newestBest += plan.Backtest.LossAt(plan.History, fc, best, loss, 0);
        }
        return newestBest < newestNone ? best : Calibration.None;
    }

    /// <summary>
    /// The chosen combination's residual backtest for the quantiles: more origins than selection
    /// needed, since spread estimates need more samples than rankings do. Null for histories with
    /// nothing to learn.
    /// </summary>
    public static QuantileBacktest? QuantileRun(SeriesPlan p, int[] members, Calibration cal, ForecastOptions o)
    {
        if (p.Pool is null || o.Quantiles.Count == 0) return null;
        var chosen = members.Select(i => p.Pool[i]).ToArray();
        var bt = Backtest.Run(p.History, chosen, o.Horizon, o.SeasonLength, Math.Max(o.QuantileOrigins, o.BacktestOrigins), o.Loss);
        return new QuantileBacktest(bt, bt.Combined(p.History, [.. Enumerable.Range(0, chosen.Length)], cal, p.NonNegative));
    }

    public static ForecastResult Finish(SeriesPlan p, int[] members, Calibration cal, ForecastOptions o,
        QuantileBacktest? qb = null, double[]? pooledScores = null)
    {
        var y = p.History;
        int h = o.Horizon, m = o.SeasonLength;
        var mean = new double[h];
        if (p.Pool is null)
        {
            // all zero or constant: nothing to learn, and any spread would be invented
            mean.AsSpan().Fill(y[0]);
            return new ForecastResult(mean, o.Quantiles, [.. o.Quantiles.Select(_ => (double[])mean.Clone())], y[0] == 0 ? "zero" : "constant");
        }
        var tmp = new double[h];
        foreach (int i in members)
        {
            p.Pool[i].Run(y, m, tmp);
            for (int k = 0; k < h; k++) mean[k] += tmp[k] / members.Length;
        }
        for (int k = 0; k < h; k++)
        {
            if (!double.IsFinite(mean[k]))
                mean[k] = y[^1]; // a member diverged on the full history: fall back to the last value
            mean[k] = cal.Apply(y, mean[k]);
            if (p.NonNegative) mean[k] = Math.Max(0, mean[k]);
        }
        double[][] q = [];
        if (o.Quantiles.Count > 0)
        {
            qb ??= QuantileRun(p, members, cal, o)!;
            q = pooledScores is { Length: > 0 }
                ? Intervals.BuildPooled(y, mean, qb.Backtest, qb.Combined, o.Quantiles, p.NonNegative, p.Sparse, pooledScores, o.WholeQuantiles)
                : Intervals.Build(y, mean, qb.Backtest, qb.Combined, o.Quantiles, p.NonNegative);
        }
        string name = string.Join("+", members.Select(i => p.Pool[i].Name));
        if (cal != Calibration.None) name += $"*{cal.Factor:0.##}" + (cal.ZeroRun < int.MaxValue ? $"|z{cal.ZeroRun}" : "");
        return new ForecastResult(mean, o.Quantiles, q, name);
    }

    public static ForecastResult Run(ReadOnlySpan<double> y, ForecastOptions o)
    {
        var plan = Prepare(y.ToArray(), o);
        return Finish(plan, plan.Pool is null ? [] : LocalMembers(plan), Calibration.None, o);
    }
}

/// <summary>The chosen combination's backtest forecasts ([origin * Horizon + step], calibrated as the final forecast).</summary>
internal sealed record QuantileBacktest(Backtest Backtest, double[] Combined);

/// <summary>Rolling-origin backtest: every method forecasts from a few past origins; errors are scaled per origin.</summary>
internal sealed class Backtest
{
    public required int Origins { get; init; }
    public required int Horizon { get; init; }
    /// <summary>Origin positions (training lengths), newest first.</summary>
    public required int[] OriginAt { get; init; }
    /// <summary>Forecasts [method][origin * Horizon + step].</summary>
    public required double[][] Forecasts { get; init; }
    /// <summary>Mean scaled error per method over origins (lower is better).</summary>
    public required double[] Error { get; init; }
    /// <summary>The error scale of each origin's training part.</summary>
    public required double[] ScaleAt { get; init; }

    /// <summary>Backtest forecasts of the mean of <paramref name="members"/>, calibrated as the final forecast would be: [origin * Horizon + step].</summary>
    public double[] Combined(ReadOnlySpan<double> y, int[] members, Calibration cal, bool nonNegative)
    {
        var result = new double[Origins * Horizon];
        for (int j = 0; j < Origins; j++)
        {
            var train = y[..OriginAt[j]];
            for (int k = 0; k < Horizon; k++)
            {
                double f = 0;
                foreach (int i in members) f += Forecasts[i][j * Horizon + k];
                f = cal.Apply(train, f / members.Length);
                result[j * Horizon + k] = nonNegative ? Math.Max(0, f) : f;
            }
        }
        return result;
    }

    /// <summary>Scaled error at origin <paramref name="j"/> of combined forecasts after a calibration.</summary>
    public double LossAt(ReadOnlySpan<double> y, double[] combined, Calibration cal, SelectionLoss loss, int j)
    {
        bool obsolete = Stats.TrailingZeros(y[..OriginAt[j]]) >= cal.ZeroRun;
        double s = 0;
        for (int k = 0; k < Horizon; k++)
        {
            double e = (obsolete ? 0 : cal.Factor * combined[j * Horizon + k]) - y[OriginAt[j] + k];
            s += loss == SelectionLoss.Absolute ? Math.Abs(e) : e * e;
        }
        s /= Horizon;
        return (loss == SelectionLoss.Squared ? Math.Sqrt(s) : s) / ScaleAt[j];
    }

    public static Backtest Run(ReadOnlySpan<double> y, MethodInfo[] methods, int h, int m, int maxOrigins, SelectionLoss loss)
    {
        int n = y.Length;
        int minTrain = Math.Max(4, Math.Min(m, 24));
        int hb = Math.Min(h, n - minTrain);
        var origins = new List<int>();
        if (hb >= 1)
            for (int j = 1; j <= maxOrigins; j++)
            {
                int at = n - j * hb;
                if (at < minTrain) break;
                origins.Add(at);
            }
        hb = Math.Max(hb, 1);
        var fc = new double[methods.Length][];
        var err = new double[methods.Length];
        var scales = new double[origins.Count];
        for (int j = 0; j < origins.Count; j++) scales[j] = Scale(y[..origins[j]], loss);
        for (int i = 0; i < methods.Length; i++)
        {
            fc[i] = new double[origins.Count * hb];
            for (int j = 0; j < origins.Count; j++)
            {
                var train = y[..origins[j]];
                var f = fc[i].AsSpan(j * hb, hb);
                methods[i].Run(train, m, f);
                var actual = y.Slice(origins[j], hb);
                double s = 0;
                for (int k = 0; k < hb; k++)
                {
                    double e = f[k] - actual[k];
                    s += loss == SelectionLoss.Absolute ? Math.Abs(e) : e * e;
                }
                s /= hb;
                if (loss == SelectionLoss.Squared) s = Math.Sqrt(s);
                // a method that diverged must rank last, not first (NaN sorts before every number)
                err[i] += double.IsFinite(s) ? s / scales[j] : double.PositiveInfinity;
            }
            if (origins.Count > 0) err[i] /= origins.Count;
        }
        return new Backtest { Origins = origins.Count, Horizon = hb, OriginAt = [.. origins], Forecasts = fc, Error = err, ScaleAt = scales };
    }

    private static double Scale(ReadOnlySpan<double> train, SelectionLoss loss)
    {
        double s = loss == SelectionLoss.Absolute ? Accuracy.MaseScale(train, 1) : Math.Sqrt(Accuracy.RmsseScale(train));
        if (s > 0) return s;
        double a = 0;
        foreach (double v in train) a += Math.Abs(v);
        return a > 0 ? a / train.Length : 1;
    }
}

/// <summary>
/// Quantiles from backtest residuals: their spread per step is fitted as variance = a + b*step
/// (flat for noise, linear for random-walk-like growth), and their standardised shape gives the
/// quantiles, so skewed or zero-heavy demand gets skewed bands. Too few residuals fall back to a
/// normal band from the history's own variability.
/// </summary>
internal static class Intervals
{
    private const int MinResiduals = 8;

    /// <summary>Newest backtest origins whose residuals are scored out of sample for the pooled (conformal) shape.</summary>
    internal const int HeldOutOrigins = 2;

    /// <summary>Fewer pooled scores than this (a small batch) and each series uses its own residuals' shape.</summary>
    internal const int MinPooledScores = 200;

    /// <summary>
    /// The spread per step 1..h from the residuals of origins <paramref name="from"/> and older: variance
    /// = a + b*step fitted by least squares (flat for noise, linear for random-walk-like growth). With
    /// fewer than <see cref="MinResiduals"/> residuals, the history's own standard deviation (of the part
    /// before origin <paramref name="from"/>) widened a little with the step.
    /// </summary>
    internal static double[] Sigma(ReadOnlySpan<double> y, Backtest bt, double[] combined, int from, int h, bool sparse)
    {
        int hb = bt.Horizon, count = Math.Max(0, bt.Origins - from) * hb;
        var sigma = new double[h];
        if (sparse)
        {
            // intermittent demand: the scale is the demand's own spread per period (its standard
            // deviation before the origin), flat over the horizon; the pooled scores then give the
            // shape of demand around the forecast — zero-heavy and skewed — instead of a normal curve.
            // A few backtest residuals of a series that sold twice say nothing about its spread.
            var part = from == 0 ? y : y[..bt.OriginAt[from - 1]];
            double mu = Stats.Mean(part), v = 0;
            foreach (double x in part) v += (x - mu) * (x - mu);
            double sd = part.Length > 1 ? Math.Sqrt(v / (part.Length - 1)) : 0;
            Array.Fill(sigma, sd);
            return sigma;
        }
        if (count >= MinResiduals)
        {
            double sk = 0, skk = 0, sv = 0, skv = 0;
            for (int j = from; j < bt.Origins; j++)
                for (int k = 0; k < hb; k++)
                {
                    double r = y[bt.OriginAt[j] + k] - combined[j * hb + k], v = r * r;
                    sk += k + 1; skk += (k + 1.0) * (k + 1); sv += v; skv += (k + 1) * v;
                }
            double det = count * skk - sk * sk;
            double b = det > 0 ? (count * skv - sk * sv) / det : 0;
            double a = (sv - b * sk) / count;
            if (b < 0 || a < 0)
            {
                if (b < 0) { b = 0; a = sv / count; }
                else { a = 0; b = skv / skk; }
            }
            for (int k = 0; k < h; k++) sigma[k] = Math.Sqrt(a + b * (k + 1));
        }
        else
        {
            var part = from == 0 ? y : y[..bt.OriginAt[from - 1]];
            double mu = Stats.Mean(part), v = 0;
            foreach (double x in part) v += (x - mu) * (x - mu);
            double sd = part.Length > 1 ? Math.Sqrt(v / (part.Length - 1)) : Math.Abs(mu) * 0.5;
            for (int k = 0; k < h; k++) sigma[k] = sd * Math.Sqrt(1 + (k + 1.0) / Math.Max(1, part.Length));
        }
        // a spread of exactly 0 (a backtest that was always right) would make any surprise infinitely
        // surprising; floor it at a small share of the history's level
        double floor = 1e-2 * Stats.MeanAbs(y);
        for (int k = 0; k < h; k++) sigma[k] = Math.Max(sigma[k], floor);
        return sigma;
    }

    /// <summary>
    /// Out-of-sample standardised residuals (conformal scores): the residual at each of the newest
    /// <see cref="HeldOutOrigins"/> backtest origins divided by the spread estimated from the origins
    /// older than it only — what the interval would have had to be, honestly, at that origin.
    /// </summary>
    internal static void Scores(ReadOnlySpan<double> y, Backtest bt, double[] combined, bool sparse, List<double> into)
    {
        int hb = bt.Horizon;
        for (int j = 0; j < Math.Min(HeldOutOrigins, bt.Origins); j++)
        {
            var sigma = Sigma(y, bt, combined, j + 1, hb, sparse);
            for (int k = 0; k < hb; k++)
                if (sigma[k] > 0) // no spread to scale by (a history of zeros before the origin): no score
                    into.Add((y[bt.OriginAt[j] + k] - combined[j * hb + k]) / sigma[k]);
        }
    }

    /// <summary>
    /// Quantiles as mean + spread(step) * z, where the spread is this series' own (from all its
    /// backtest residuals, or its history when too short) and z the level's quantile of the scores
    /// pooled over every series of the class in the batch (split conformal). A few residuals of one
    /// series cannot place a 2.5% tail; thousands of pooled honest scores can, and their shape is
    /// whatever the class's errors are (skewed, zero-heavy), not a normal curve.
    /// </summary>
    public static double[][] BuildPooled(ReadOnlySpan<double> y, double[] mean, Backtest bt, double[] combined,
        IReadOnlyList<double> levels, bool nonNegative, bool sparse, double[] sortedScores, bool wholeQuantiles = true)
    {
        int h = mean.Length;
        var sigma = Sigma(y, bt, combined, 0, h, sparse);
        // counts (a non-negative history of whole numbers): the quantile of a count is a whole number,
        // and flooring keeps "actual at or below" exactly as it was (y <= q and y <= floor(q) agree for
        // whole y); it also puts a lower end of 0.02 at 0, where it belongs
        bool counts = wholeQuantiles && nonNegative && Stats.AllWhole(y);
        var order = Enumerable.Range(0, levels.Count).OrderBy(i => levels[i]).ToArray();
        var result = new double[levels.Count][];
        for (int i = 0; i < levels.Count; i++)
        {
            result[i] = new double[h];
            double zq = Stats.SortedQuantile(sortedScores, levels[i]);
            for (int k = 0; k < h; k++)
            {
                double v = mean[k] + sigma[k] * zq;
                if (counts) v = Math.Floor(v + 1e-9);
                result[i][k] = nonNegative ? Math.Max(0, v) : v;
            }
        }
        for (int r = 1; r < order.Length; r++)
            for (int k = 0; k < h; k++)
                result[order[r]][k] = Math.Max(result[order[r]][k], result[order[r - 1]][k]);
        return result;
    }

    public static double[][] Build(ReadOnlySpan<double> y, double[] mean, Backtest bt, double[] combined,
        IReadOnlyList<double> levels, bool nonNegative)
    {
        int h = mean.Length, hb = bt.Horizon, count = bt.Origins * hb;
        Span<double> sigma = h <= 256 ? stackalloc double[h] : new double[h];
        double[] z;
        if (count >= MinResiduals)
        {
            var res = new double[count];
            for (int j = 0; j < bt.Origins; j++)
                for (int k = 0; k < hb; k++)
                    res[j * hb + k] = y[bt.OriginAt[j] + k] - combined[j * hb + k];
            // least squares of squared residual on step: variance = a + b*step, both non-negative
            double sk = 0, skk = 0, sv = 0, skv = 0;
            for (int j = 0; j < bt.Origins; j++)
                for (int k = 0; k < hb; k++)
                {
                    double v = res[j * hb + k] * res[j * hb + k];
                    sk += k + 1; skk += (k + 1.0) * (k + 1); sv += v; skv += (k + 1) * v;
                }
            double det = count * skk - sk * sk;
            double b = det > 0 ? (count * skv - sk * sv) / det : 0;
            double a = (sv - b * sk) / count;
            if (b < 0 || a < 0)
            {
                if (b < 0) { b = 0; a = sv / count; }
                else { a = 0; b = skv / skk; }
            }
            for (int k = 0; k < h; k++) sigma[k] = Math.Sqrt(a + b * (k + 1));
            z = new double[count];
            for (int j = 0; j < bt.Origins; j++)
                for (int k = 0; k < hb; k++)
                {
                    double s = Math.Sqrt(a + b * (k + 1));
                    z[j * hb + k] = s > 0 ? res[j * hb + k] / s : 0;
                }
        }
        else
        {
            double mu = Stats.Mean(y), v = 0;
            foreach (double x in y) v += (x - mu) * (x - mu);
            double sd = y.Length > 1 ? Math.Sqrt(v / (y.Length - 1)) : Math.Abs(mu) * 0.5;
            for (int k = 0; k < h; k++) sigma[k] = sd * Math.Sqrt(1 + (k + 1.0) / Math.Max(1, y.Length));
            z = [];
        }
        var order = Enumerable.Range(0, levels.Count).OrderBy(i => levels[i]).ToArray();
        var result = new double[levels.Count][];
        for (int i = 0; i < levels.Count; i++) result[i] = new double[h];
        foreach (int i in order)
        {
            double zq = z.Length > 0 ? Stats.Quantile(z, levels[i]) : Stats.NormalQuantile(levels[i]);
            for (int k = 0; k < h; k++)
            {
                double v = mean[k] + sigma[k] * zq;
                result[i][k] = nonNegative ? Math.Max(0, v) : v;
            }
        }
        // quantiles must not cross: enforce order across levels step by step
        for (int r = 1; r < order.Length; r++)
            for (int k = 0; k < h; k++)
                result[order[r]][k] = Math.Max(result[order[r]][k], result[order[r - 1]][k]);
        return result;
    }
}
