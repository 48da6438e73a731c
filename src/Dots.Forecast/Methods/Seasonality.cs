namespace Dots.Forecast.Methods;

/// <summary>The M4 seasonality test and classical multiplicative decomposition (used by Naive2 and Theta).</summary>
internal static class Seasonality
{
    /// <summary>
    /// M4's test: the lag-m autocorrelation is significant at 90% under Bartlett's variance, and there
    /// are at least three full seasons. Seasonal adjustment only pays when this holds.
    /// </summary>
    public static bool IsSeasonal(ReadOnlySpan<double> y, int m)
    {
        int n = y.Length;
        if (m <= 1 || n < 3 * m)
            return false;
        double mean = Stats.Mean(y);
        double den = 0;
        foreach (double v in y) den += (v - mean) * (v - mean);
        if (den <= 0)
            return false;
        double sumSq = 0, acfM = 0;
        for (int lag = 1; lag <= m; lag++)
        {
            double num = 0;
            for (int t = lag; t < n; t++) num += (y[t] - mean) * (y[t - lag] - mean);
            double r = num / den;
            if (lag < m) sumSq += r * r;
            else acfM = r;
        }
        double limit = 1.645 * Math.Sqrt((1 + 2 * sumSq) / n);
        return Math.Abs(acfM) > limit;
    }

    /// <summary>
    /// Multiplicative seasonal indices by classical decomposition (centred moving average), indexed by
    /// t mod m, normalised to mean 1. Returns false when the series is not seasonal or not positive,
    /// leaving <paramref name="indices"/> filled with 1.
    /// </summary>
    public static bool MultiplicativeIndices(ReadOnlySpan<double> y, int m, Span<double> indices)
    {
        indices.Fill(1);
        if (!IsSeasonal(y, m))
            return false;
        foreach (double v in y)
            if (v <= 0) return false;
        int n = y.Length;
        Span<double> sum = stackalloc double[m];
        Span<int> count = stackalloc int[m];
        bool even = m % 2 == 0;
        int half = m / 2;
        for (int t = half; t < n - half; t++)
        {
            double cma;
            if (even)
            {
                double s = 0.5 * (y[t - half] + y[t + half]);
                for (int j = t - half + 1; j < t + half; j++) s += y[j];
                cma = s / m;
            }
            else
            {
                double s = 0;
                for (int j = t - half; j <= t + half; j++) s += y[j];
                cma = s / m;
            }
            sum[t % m] += y[t] / cma;
            count[t % m]++;
        }
        double total = 0;
        for (int i = 0; i < m; i++)
        {
            indices[i] = count[i] > 0 ? sum[i] / count[i] : 1;
            total += indices[i];
        }
        double norm = total / m;
        for (int i = 0; i < m; i++) indices[i] /= norm;
        return true;
    }

    /// <summary>
    /// Runs a non-seasonal method on the seasonally adjusted history and reseasonalises its forecast,
    /// as the M4 benchmarks do; a history the M4 test finds non-seasonal goes to the method unchanged.
    /// </summary>
    public static void Adjusted(PointMethod inner, ReadOnlySpan<double> y, int m, Span<double> f)
    {
        double[]? rentedIdx = m > 256 ? System.Buffers.ArrayPool<double>.Shared.Rent(m) : null;
        Span<double> idx = rentedIdx is null ? stackalloc double[Math.Max(1, m)] : rentedIdx.AsSpan(0, m);
        try
        {
            if (m <= 1 || !MultiplicativeIndices(y, m, idx))
            {
                inner(y, 1, f);
                return;
            }
            int n = y.Length;
            double[] rented = System.Buffers.ArrayPool<double>.Shared.Rent(n);
            try
            {
                var x = rented.AsSpan(0, n);
                for (int t = 0; t < n; t++) x[t] = y[t] / idx[t % m];
                inner(x, 1, f);
                for (int i = 0; i < f.Length; i++) f[i] *= idx[(n + i) % m];
            }
            finally
            {
                System.Buffers.ArrayPool<double>.Shared.Return(rented);
            }
        }
        finally
        {
            if (rentedIdx is not null) System.Buffers.ArrayPool<double>.Shared.Return(rentedIdx);
        }
    }
}
