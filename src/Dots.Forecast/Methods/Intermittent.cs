using System.Buffers;

namespace Dots.Forecast.Methods;

/// <summary>
/// Intermittent-demand methods with the M5 benchmark definitions (Croston, optimised Croston, SBA,
/// TSB, ADIDA, iMAPA). Forecasts are flat: a demand rate per period.
/// </summary>
internal static class Intermittent
{
    private const double CrostonAlpha = 0.1;

    /// <summary>Splits a history into non-zero demand sizes and the intervals between them; returns the count.</summary>
    private static int SizesIntervals(ReadOnlySpan<double> y, Span<double> sizes, Span<double> intervals)
    {
        int k = 0, last = -1;
        for (int t = 0; t < y.Length; t++)
        {
            if (y[t] == 0) continue;
            sizes[k] = y[t];
            intervals[k] = t - last;
            last = t;
            k++;
        }
        return k;
    }

    private static double BestSesM5(ReadOnlySpan<double> y) => Smoothing.SesM5Level(y);

    private static double CrostonCore(ReadOnlySpan<double> y, bool optimise, bool sba)
    {
        double[] rented = ArrayPool<double>.Shared.Rent(2 * y.Length);
        try
        {
            var sizes = rented.AsSpan(0, y.Length);
            var intervals = rented.AsSpan(y.Length, y.Length);
            int k = SizesIntervals(y, sizes, intervals);
            if (k == 0) return 0;
            double z, p;
            if (optimise)
            {
                z = BestSesM5(sizes[..k]);
                p = BestSesM5(intervals[..k]);
            }
            else
            {
                Smoothing.SesFirst(sizes[..k], CrostonAlpha, out z);
                Smoothing.SesFirst(intervals[..k], CrostonAlpha, out p);
            }
            double f = z / p;
            return sba ? f * (1 - CrostonAlpha / 2) : f;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    public static void Croston(ReadOnlySpan<double> y, int m, Span<double> f) => f.Fill(CrostonCore(y, false, false));

    public static void OptCroston(ReadOnlySpan<double> y, int m, Span<double> f) => f.Fill(CrostonCore(y, true, false));

    public static void Sba(ReadOnlySpan<double> y, int m, Span<double> f) => f.Fill(CrostonCore(y, false, true));

    /// <summary>TSB: SES on the non-zero sizes times SES on the occurrence indicator, so the forecast decays through runs of zeros (obsolescence).</summary>
    public static void Tsb(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        double[] rented = ArrayPool<double>.Shared.Rent(2 * y.Length);
        try
        {
            var sizes = rented.AsSpan(0, y.Length);
            var occ = rented.AsSpan(y.Length, y.Length);
            int k = SizesIntervals(y, sizes, occ);
            if (k == 0) { f.Clear(); return; }
            for (int t = 0; t < y.Length; t++) occ[t] = y[t] != 0 ? 1 : 0;
            f.Fill(BestSesM5(sizes[..k]) * BestSesM5(occ));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static double MeanInterval(ReadOnlySpan<double> y, out int maxInterval, out int count)
    {
        int last = -1;
        double sum = 0;
        count = 0;
        maxInterval = 0;
        for (int t = 0; t < y.Length; t++)
        {
            if (y[t] == 0) continue;
            int p = t - last;
            sum += p;
            maxInterval = Math.Max(maxInterval, p);
            count++;
            last = t;
        }
        return count > 0 ? sum / count : 0;
    }

    /// <summary>Sums of non-overlapping buckets of size k, dropping the oldest remainder.</summary>
    private static int Aggregate(ReadOnlySpan<double> y, int k, Span<double> agg)
    {
        int n = y.Length - y.Length % k;
        int start = y.Length - n, count = 0;
        for (int i = start; i < y.Length; i += k)
        {
            double s = 0;
            for (int j = i; j < i + k; j++) s += y[j];
            agg[count++] = s;
        }
        return count;
    }

    public static void Adida(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        double mean = MeanInterval(y, out _, out int count);
        if (count == 0) { f.Clear(); return; }
        int k = Math.Max(1, (int)Math.Round(mean, MidpointRounding.ToEven));
        double[] rented = ArrayPool<double>.Shared.Rent(y.Length);
        try
        {
            var agg = rented.AsSpan(0, y.Length);
            int len = Aggregate(y, k, agg);
            f.Fill(len < 2 ? Smoothing.SesM5Level(y) : Smoothing.SesM5Level(agg[..len]) / k);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    public static void Imapa(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        MeanInterval(y, out int maxInterval, out int count);
        if (count == 0) { f.Clear(); return; }
        double[] rented = ArrayPool<double>.Shared.Rent(y.Length);
        try
        {
            var agg = rented.AsSpan(0, y.Length);
            double sum = 0;
            int used = 0;
            for (int k = 1; k <= maxInterval; k++)
            {
                int len = Aggregate(y, k, agg);
                if (len < 2) break;
                sum += Smoothing.SesM5Level(agg[..len]) / k;
                used++;
            }
            f.Fill(used > 0 ? sum / used : Smoothing.SesM5Level(y));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }
}
