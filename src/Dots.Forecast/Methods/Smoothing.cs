namespace Dots.Forecast.Methods;

/// <summary>Simple exponential smoothing in the two variants the benchmarks use, and Theta.</summary>
internal static class Smoothing
{
    /// <summary>
    /// One-step SSE of SES for a given alpha with the SSE-optimal initial level, found in closed form:
    /// every fitted value is c_t + d_t * L, so the SSE is a quadratic in L.
    /// </summary>
    private static double SesSse(ReadOnlySpan<double> y, double a, out double finalLevel)
    {
        double c = 0, d = 1, sad = 0, sdd = 0, saa = 0;
        foreach (double v in y)
        {
            double A = v - c;
            sad += A * d;
            sdd += d * d;
            saa += A * A;
            c = a * v + (1 - a) * c;
            d = (1 - a) * d;
        }
        double L = sad / sdd;
        finalLevel = c + d * L;
        return saa - sad * sad / sdd;
    }

    /// <summary>SES as forecast::ses in the M4 benchmarks: alpha and initial level minimise in-sample SSE.</summary>
    public static double SesOptimalLevel(ReadOnlySpan<double> y)
    {
        double best = 1e-4, bestF = SesSse(y, 1e-4, out _);
        for (int k = 1; k <= 100; k++)
        {
            double a = k == 100 ? 0.9999 : k / 100.0;
            double s = SesSse(y, a, out _);
            if (s < bestF) { bestF = s; best = a; }
        }
        double lo = Math.Max(1e-4, best - 0.01), hi = Math.Min(0.9999, best + 0.01);
        double g = (Math.Sqrt(5) - 1) / 2;
        double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
        double f1 = SesSse(y, x1, out _), f2 = SesSse(y, x2, out _);
        for (int i = 0; i < 40; i++)
        {
            if (f1 < f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = SesSse(y, x1, out _); }
            else { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = SesSse(y, x2, out _); }
        }
        // ties resolve as Python's min over (sse, alpha) tuples in the reference: smallest SSE, then smallest alpha
        double a0 = x1, fa = f1;
        if (f2 < fa || (f2 == fa && x2 < a0)) { a0 = x2; fa = f2; }
        if (bestF < fa || (bestF == fa && best < a0)) { a0 = best; }
        SesSse(y, a0, out double level);
        return level;
    }

    public static void Ses(ReadOnlySpan<double> y, int m, Span<double> f) => f.Fill(SesOptimalLevel(y));

    /// <summary>SES initialised with the first value; returns in-sample one-step MSE and the final level.</summary>
    public static double SesFirst(ReadOnlySpan<double> y, double a, out double level)
    {
        level = y[0];
        double se = 0;
        for (int t = 1; t < y.Length; t++)
        {
            double e = y[t] - level;
            se += e * e;
            level += a * e;
        }
        return y.Length > 1 ? se / (y.Length - 1) : 0;
    }

    /// <summary>M5 benchmark SES: alpha on the grid 0.10..0.30 by in-sample MSE.</summary>
    public static double SesM5Level(ReadOnlySpan<double> y)
    {
        double bestMse = double.PositiveInfinity, bestLevel = y[0];
        for (int k = 0; k <= 20; k++)
        {
            double mse = SesFirst(y, Math.Round(0.10 + 0.01 * k, 2), out double level);
            if (mse < bestMse) { bestMse = mse; bestLevel = level; }
        }
        return bestLevel;
    }

    public static void SesM5(ReadOnlySpan<double> y, int m, Span<double> f) => f.Fill(SesM5Level(y));

    /// <summary>M5 benchmark moving average, window 2..5 by in-sample MSE.</summary>
    public static void MovingAverage(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        double bestMse = double.PositiveInfinity;
        int bestK = y.Length;
        for (int k = 2; k <= 5; k++)
        {
            if (y.Length <= k) continue;
            double se = 0;
            for (int t = k; t < y.Length; t++)
            {
                double s = 0;
                for (int j = t - k; j < t; j++) s += y[j];
                double e = y[t] - s / k;
                se += e * e;
            }
            double mse = se / (y.Length - k);
            if (mse < bestMse) { bestMse = mse; bestK = k; }
        }
        f.Fill(Stats.Mean(y[^bestK..]));
    }

    /// <summary>
    /// Classic Theta (Assimakopoulos &amp; Nikolopoulos 2000) as the M4 benchmark: half the linear
    /// trend line plus half SES on the theta=2 line, after multiplicative seasonal adjustment when the
    /// M4 test finds seasonality. Negative forecasts are set to 0 only for non-negative histories.
    /// </summary>
    public static void Theta(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        int n = y.Length;
        Span<double> idx = stackalloc double[Math.Max(1, m)];
        bool seasonal = m > 1 && Seasonality.MultiplicativeIndices(y, m, idx);
        double[]? rented = n > 512 ? System.Buffers.ArrayPool<double>.Shared.Rent(n) : null;
        Span<double> x = rented is null ? stackalloc double[n] : rented.AsSpan(0, n);
        for (int t = 0; t < n; t++) x[t] = seasonal ? y[t] / idx[t % m] : y[t];
        double mx = (n + 1) / 2.0, my = Stats.Mean(x), sxx = 0, sxy = 0;
        for (int t = 0; t < n; t++)
        {
            double d = t + 1 - mx;
            sxx += d * d;
            sxy += d * (x[t] - my);
        }
        double b = sxx > 0 ? sxy / sxx : 0, a = my - b * mx;
        for (int t = 0; t < n; t++) x[t] = 2 * x[t] - (a + b * (t + 1));
        double s = SesOptimalLevel(x);
        if (rented is not null) System.Buffers.ArrayPool<double>.Shared.Return(rented);
        bool clip = !Stats.AnyNegative(y);
        for (int i = 0; i < f.Length; i++)
        {
            double v = 0.5 * (a + b * (n + i + 1)) + 0.5 * s;
            if (seasonal) v *= idx[(n + i) % m];
            f[i] = clip ? Math.Max(0, v) : v;
        }
    }
}
