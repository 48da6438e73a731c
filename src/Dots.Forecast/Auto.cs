using Dots.Forecast.Methods;

namespace Dots.Forecast;

/// <summary>
/// Automatic forecasting: special histories first (all zero, constant, too short), then a
/// portfolio chosen by the kind of history, scored by a rolling-origin backtest on the history
/// only, and the best few averaged. The same backtest yields the residuals behind the quantiles.
/// </summary>
internal static class Auto
{
    /// <summary>Share of zeros from which a history counts as intermittent (Syntetos et al. use a similar cut).</summary>
    internal const double IntermittentZeroShare = 0.3;

    /// <summary>How many of the best-scoring methods are averaged; combining a few beats picking one on noisy scores.</summary>
    internal const int CombinationSize = 3;

    private static readonly MethodInfo[] SmoothPool = Pick("naive", "ses", "holt", "damped", "theta", "ets");
    private static readonly MethodInfo[] SparsePool = Pick("ses_m5", "tsb", "adida", "imapa", "sba", "mean");

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
            q = Intervals.Build(y, mean, bt, [0], o.Quantiles, nonNegative);
        }
        return new ForecastResult(mean, o.Quantiles, q, method.Name);
    }

    public static ForecastResult Run(ReadOnlySpan<double> y, ForecastOptions o)
    {
        int h = o.Horizon, m = o.SeasonLength;
        var mean = new double[h];
        if (Stats.AllEqual(y))
        {
            // all zero or constant: nothing to learn, and any spread would be invented
            mean.AsSpan().Fill(y[0]);
            return new ForecastResult(mean, o.Quantiles, [.. o.Quantiles.Select(_ => (double[])mean.Clone())], y[0] == 0 ? "zero" : "constant");
        }
        bool nonNegative = !Stats.AnyNegative(y);
        bool sparse = nonNegative && Stats.ZeroFraction(y) >= IntermittentZeroShare;
        var pool = sparse ? SparsePool : SmoothPool;
        var bt = Backtest.Run(y, pool, h, m, o.BacktestOrigins, o.Loss);
        int[] members;
        if (bt.Origins == 0)
        {
            // too short to backtest: a fixed, robust trio
            members = sparse ? [0, 1, 2] : (y.Length >= 4 ? [1, 3, 4] : [1]);
        }
        else
        {
            members = [.. Enumerable.Range(0, pool.Length).OrderBy(i => bt.Error[i]).ThenBy(i => i).Take(CombinationSize)];
        }
        var tmp = new double[h];
        foreach (int i in members)
        {
            pool[i].Run(y, m, tmp);
            for (int k = 0; k < h; k++) mean[k] += tmp[k] / members.Length;
        }
        if (nonNegative)
            for (int k = 0; k < h; k++) mean[k] = Math.Max(0, mean[k]);
        double[][] q = [];
        if (o.Quantiles.Count > 0)
        {
            // residuals of the chosen combination from more origins than selection needed: spread estimates need more samples than rankings do
            var chosen = members.Select(i => pool[i]).ToArray();
            var residualRun = o.QuantileOrigins > bt.Origins ? Backtest.Run(y, chosen, h, m, o.QuantileOrigins, o.Loss) : null;
            q = residualRun is not null
                ? Intervals.Build(y, mean, residualRun, [.. Enumerable.Range(0, chosen.Length)], o.Quantiles, nonNegative)
                : Intervals.Build(y, mean, bt, members, o.Quantiles, nonNegative);
        }
        return new ForecastResult(mean, o.Quantiles, q, string.Join("+", members.Select(i => pool[i].Name)));
    }
}

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
                err[i] += s / Scale(train, loss);
            }
            if (origins.Count > 0) err[i] /= origins.Count;
        }
        return new Backtest { Origins = origins.Count, Horizon = hb, OriginAt = [.. origins], Forecasts = fc, Error = err };
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

    public static double[][] Build(ReadOnlySpan<double> y, double[] mean, Backtest bt, int[] members,
        IReadOnlyList<double> levels, bool nonNegative)
    {
        int h = mean.Length, hb = bt.Horizon, count = bt.Origins * hb;
        Span<double> sigma = stackalloc double[h];
        double[] z;
        if (count >= MinResiduals)
        {
            var res = new double[count];
            for (int j = 0; j < bt.Origins; j++)
                for (int k = 0; k < hb; k++)
                {
                    double f = 0;
                    foreach (int i in members) f += bt.Forecasts[i][j * hb + k];
                    f /= members.Length;
                    if (nonNegative) f = Math.Max(0, f);
                    res[j * hb + k] = y[bt.OriginAt[j] + k] - f;
                }
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
