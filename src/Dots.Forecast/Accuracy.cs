namespace Dots.Forecast;

/// <summary>Accuracy of one forecast of one series; a scaled metric is null when the history's scale is 0.</summary>
public readonly record struct SeriesAccuracy(double SMape, double? Mase, double? Rmsse, double Mae, double Me);

/// <summary>Mean accuracy over series, and how many series each mean covers.</summary>
public sealed record AccuracySummary(
    double SMape, double Mase, double Rmsse, double Mae, double Me,
    int Series, int MaseSeries, int RmsseSeries)
{
    /// <summary>M4 overall weighted average: sMAPE and MASE each relative to Naive2, averaged.</summary>
    public double Owa(AccuracySummary naive2) => (SMape / naive2.SMape + Mase / naive2.Mase) / 2;
}

/// <summary>
/// The metrics of shared/tools/forecast_baselines.py, term for term, so numbers agree with the
/// reference scorer: sMAPE and MASE as in M4, RMSSE as in M5 (scale from the first non-zero value
/// on), ME = mean(forecast - actual).
/// </summary>
public static class Accuracy
{
    public static SeriesAccuracy Score(ReadOnlySpan<double> history, ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast, int season)
    {
        if (actual.Length != forecast.Length || actual.Length == 0)
            throw new ArgumentException("actual and forecast must have the same, non-zero length");
        int h = actual.Length;
        double abs = 0, sum = 0, sq = 0, smape = 0;
        for (int i = 0; i < h; i++)
        {
            double e = forecast[i] - actual[i];
            abs += Math.Abs(e);
            sum += e;
            sq += e * e;
            double den = Math.Abs(actual[i]) + Math.Abs(forecast[i]);
            smape += den != 0 ? 200 * Math.Abs(e) / den : 0;
        }
        double mae = abs / h;
        double? mase = null;
        double maseScale = MaseScale(history, season);
        if (maseScale > 0)
            mase = mae / maseScale;
        double? rmsse = null;
        double rmsseScale = RmsseScale(history);
        if (rmsseScale > 0)
            rmsse = Math.Sqrt(sq / h / rmsseScale);
        return new SeriesAccuracy(smape / h, mase, rmsse, mae, sum / h);
    }

    /// <summary>Mean absolute seasonal difference of the history (M4); falls back to lag 1 when the history is too short.</summary>
    public static double MaseScale(ReadOnlySpan<double> y, int season)
    {
        int m = y.Length > season ? Math.Max(1, season) : 1;
        if (y.Length <= m)
            return 0;
        double s = 0;
        for (int t = m; t < y.Length; t++)
            s += Math.Abs(y[t] - y[t - m]);
        return s / (y.Length - m);
    }

    /// <summary>Mean squared one-step difference from the first non-zero value on (M5).</summary>
    public static double RmsseScale(ReadOnlySpan<double> y)
    {
        int first = 0;
        while (first < y.Length && y[first] == 0)
            first++;
        if (y.Length - first <= 1)
            return 0;
        double s = 0;
        for (int t = first + 1; t < y.Length; t++)
        {
            double d = y[t] - y[t - 1];
            s += d * d;
        }
        return s / (y.Length - first - 1);
    }

    public static AccuracySummary Summarize(IReadOnlyList<SeriesAccuracy> rows)
    {
        double smape = 0, mase = 0, rmsse = 0, mae = 0, me = 0;
        int nMase = 0, nRmsse = 0;
        foreach (var r in rows)
        {
            smape += r.SMape;
            mae += r.Mae;
            me += r.Me;
            if (r.Mase is double a) { mase += a; nMase++; }
            if (r.Rmsse is double b) { rmsse += b; nRmsse++; }
        }
        int n = rows.Count;
        return new AccuracySummary(
            n > 0 ? smape / n : double.NaN,
            nMase > 0 ? mase / nMase : double.NaN,
            nRmsse > 0 ? rmsse / nRmsse : double.NaN,
            n > 0 ? mae / n : double.NaN,
            n > 0 ? me / n : double.NaN,
            n, nMase, nRmsse);
    }
}
