namespace Dots.Forecast.Methods;

/// <summary>A point-forecast method: fills <paramref name="forecast"/> (its length is the horizon) from the history.</summary>
internal delegate void PointMethod(ReadOnlySpan<double> history, int season, Span<double> forecast);

/// <summary>A named method and what it may be applied to.</summary>
internal sealed record MethodInfo(string Name, string Description, PointMethod Run, bool NeedsNonNegative = false);

internal static class Catalog
{
    public static readonly MethodInfo[] All =
    [
        new("naive", "last value", Basic.Naive),
        new("snaive", "value one season earlier", Basic.SeasonalNaive),
        new("naive2", "naive on the seasonally adjusted series (M4)", Basic.Naive2),
        new("mean", "mean of the history", Basic.Mean),
        new("zero", "always 0", Basic.Zero),
        new("drift", "random walk with drift", Basic.Drift),
        new("ses", "simple exponential smoothing, alpha and level by SSE (M4)", Smoothing.Ses),
        new("ses_m5", "SES, alpha 0.1..0.3 by MSE, first-value start (M5)", Smoothing.SesM5),
        new("ma", "moving average, window 2..5 by MSE (M5)", Smoothing.MovingAverage),
        new("holt", "Holt's linear trend, ETS(A,A,N) by likelihood", Ets.Holt),
        new("damped", "damped trend, ETS(A,Ad,N) by likelihood", Ets.Damped),
        new("ets", "ETS family (A/M error, N/A/Ad trend, N/A/M season), AICc choice", Ets.Auto),
        new("theta", "classic Theta (M4), seasonally adjusted when the M4 test says so", Smoothing.Theta),
        new("ses_sa", "SES on the seasonally adjusted series (M4 test + classical decomposition)", (y, m, f) => Seasonality.Adjusted(Smoothing.Ses, y, m, f)),
        new("holt_sa", "Holt on the seasonally adjusted series", (y, m, f) => Seasonality.Adjusted(Ets.Holt, y, m, f)),
        new("damped_sa", "damped trend on the seasonally adjusted series", (y, m, f) => Seasonality.Adjusted(Ets.Damped, y, m, f)),
        new("ets_sa", "non-seasonal ETS on the seasonally adjusted series (for long seasons, e.g. 52)", (y, m, f) => Seasonality.Adjusted(Ets.Auto, y, m, f)),
        new("mean_sa", "mean of the seasonally adjusted series, reseasonalised", (y, m, f) => Seasonality.Adjusted(Basic.Mean, y, m, f)),
        new("comb", "mean of SES, Holt and damped (M4 Comb benchmark)", Ensembles.Comb),
        new("median", "median of SES, damped, Theta and ETS", Ensembles.Median),
        new("croston", "Croston, alpha 0.1", Intermittent.Croston, true),
        new("optcroston", "Croston, alphas 0.1..0.3 by MSE", Intermittent.OptCroston, true),
        new("sba", "Syntetos-Boylan approximation", Intermittent.Sba, true),
        new("tsb", "Teunter-Syntetos-Babai (decays through zero runs)", Intermittent.Tsb, true),
        new("adida", "ADIDA: SES on buckets of the mean inter-demand interval", Intermittent.Adida, true),
        new("imapa", "iMAPA: mean of ADIDA over bucket sizes 1..max interval", Intermittent.Imapa, true),
    ];

    public static MethodInfo? Find(string name)
    {
        foreach (var m in All)
            if (string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
                return m;
        return null;
    }
}

internal static class Ensembles
{
    public static void Comb(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        int h = f.Length;
        Span<double> a = stackalloc double[h], b = stackalloc double[h];
        Smoothing.Ses(y, m, f);
        Ets.Holt(y, m, a);
        Ets.Damped(y, m, b);
        for (int i = 0; i < h; i++) f[i] = (f[i] + a[i] + b[i]) / 3;
    }

    public static void Median(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        int h = f.Length;
        Span<double> all = stackalloc double[4 * h];
        Smoothing.Ses(y, m, all[..h]);
        Ets.Damped(y, m, all.Slice(h, h));
        Smoothing.Theta(y, m, all.Slice(2 * h, h));
        Ets.Auto(y, m, all.Slice(3 * h, h));
        MedianOf(all, 4, f);
    }

    /// <summary>Per step, the median of <paramref name="k"/> forecasts stored one after another.</summary>
    public static void MedianOf(ReadOnlySpan<double> all, int k, Span<double> f)
    {
        int h = f.Length;
        Span<double> col = stackalloc double[k];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < k; j++) col[j] = all[j * h + i];
            col.Sort();
            f[i] = k % 2 == 1 ? col[k / 2] : 0.5 * (col[k / 2 - 1] + col[k / 2]);
        }
    }
}
