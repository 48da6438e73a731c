namespace Dots.Forecast.Methods;

/// <summary>The benchmarks every method must beat; forecasts are flat unless noted.</summary>
internal static class Basic
{
    public static void Naive(ReadOnlySpan<double> y, int m, Span<double> f) => f.Fill(y[^1]);

    public static void SeasonalNaive(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        if (m <= 1 || y.Length < m)
        {
            f.Fill(y[^1]);
            return;
        }
        var last = y[^m..];
        for (int i = 0; i < f.Length; i++)
            f[i] = last[i % m];
    }

    public static void Mean(ReadOnlySpan<double> y, int m, Span<double> f) => f.Fill(Stats.Mean(y));

    public static void Zero(ReadOnlySpan<double> y, int m, Span<double> f) => f.Clear();

    /// <summary>Random walk with drift: the line through the first and last values, extended.</summary>
    public static void Drift(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        double slope = y.Length > 1 ? (y[^1] - y[0]) / (y.Length - 1) : 0;
        for (int i = 0; i < f.Length; i++)
            f[i] = y[^1] + slope * (i + 1);
    }

    /// <summary>M4 Naive2: naive on the seasonally adjusted series, reseasonalised.</summary>
    public static void Naive2(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        Span<double> idx = m <= 256 ? stackalloc double[Math.Max(1, m)] : new double[m];
        if (!Seasonality.MultiplicativeIndices(y, m, idx))
        {
            f.Fill(y[^1]);
            return;
        }
        int n = y.Length;
        double last = y[^1] / idx[(n - 1) % m];
        for (int i = 0; i < f.Length; i++)
            f[i] = last * idx[(n + i) % m];
    }
}

internal static class Stats
{
    public static double Mean(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (double v in y) s += v;
        return y.Length > 0 ? s / y.Length : 0;
    }

    public static bool AllEqual(ReadOnlySpan<double> y)
    {
        for (int i = 1; i < y.Length; i++)
            if (y[i] != y[0]) return false;
        return true;
    }

    public static int TrailingZeros(ReadOnlySpan<double> y)
    {
        int k = 0;
        for (int i = y.Length - 1; i >= 0 && y[i] == 0; i--) k++;
        return k;
    }

    public static double ZeroFraction(ReadOnlySpan<double> y)
    {
        int z = 0;
        foreach (double v in y) if (v == 0) z++;
        return y.Length > 0 ? (double)z / y.Length : 0;
    }

    public static bool AnyNegative(ReadOnlySpan<double> y)
    {
        foreach (double v in y) if (v < 0) return true;
        return false;
    }

    /// <summary>Quantile by linear interpolation between order statistics (type 7); sorts <paramref name="scratch"/>.</summary>
    public static bool AllWhole(ReadOnlySpan<double> y)
    {
        foreach (double v in y)
            if (v != Math.Floor(v)) return false;
        return true;
    }

    public static double MeanAbs(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (double v in y) s += Math.Abs(v);
        return y.Length > 0 ? s / y.Length : 0;
    }

    /// <summary>The q-quantile of values already sorted ascending (linear interpolation, as <see cref="Quantile"/>).</summary>
    public static double SortedQuantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 1) return sorted[0];
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    public static double Quantile(Span<double> scratch, double q)
    {
        scratch.Sort();
        if (scratch.Length == 1) return scratch[0];
        double pos = q * (scratch.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, scratch.Length - 1);
        return scratch[lo] + (pos - lo) * (scratch[hi] - scratch[lo]);
    }

    /// <summary>Inverse of the standard normal CDF (Acklam's rational approximation, |error| &lt; 1.2e-9).</summary>
    public static double NormalQuantile(double p)
    {
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p <= 0) return double.NegativeInfinity;
        if (p >= 1) return double.PositiveInfinity;
        const double plow = 0.02425;
        if (p < plow)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - plow)
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
