namespace Dots.Forecast.Methods;

/// <summary>
/// Replaces isolated extreme values of a smooth history by the local median before fitting, so one
/// data-entry error or one-off bulk order does not drag a level or trend for months.
/// </summary>
internal static class Outliers
{
    private const int HalfWindow = 3;

    /// <summary>
    /// Points further than <paramref name="threshold"/> robust standard deviations (1.4826 × MAD of
    /// the residuals from a centred 7-point running median) from that median are replaced by it.
    /// Returns the number of points replaced; <paramref name="cleaned"/> receives the result.
    /// </summary>
    public static int Clean(ReadOnlySpan<double> y, double threshold, Span<double> cleaned)
    {
        int n = y.Length;
        y.CopyTo(cleaned);
        if (n < 4 * HalfWindow || !double.IsFinite(threshold) || threshold <= 0)
            return 0;
        var median = new double[n];
        var resid = new double[n];
        Span<double> window = stackalloc double[2 * HalfWindow + 1];
        for (int t = 0; t < n; t++)
        {
            int lo = Math.Max(0, t - HalfWindow), hi = Math.Min(n - 1, t + HalfWindow), k = 0;
            // a Hampel filter: one spike cannot move the median of 7, while a level shift carries it along
            for (int j = lo; j <= hi; j++)
                window[k++] = y[j];
            var w = window[..k];
            w.Sort();
            median[t] = k % 2 == 1 ? w[k / 2] : 0.5 * (w[k / 2 - 1] + w[k / 2]);
            resid[t] = Math.Abs(y[t] - median[t]);
        }
        var sorted = (double[])resid.Clone();
        Array.Sort(sorted);
        double mad = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        double limit = threshold * 1.4826 * mad;
        if (limit <= 0)
            return 0;
        int replaced = 0;
        for (int t = 0; t < n; t++)
            if (resid[t] > limit)
            {
                cleaned[t] = median[t];
                replaced++;
            }
        return replaced;
    }
}
