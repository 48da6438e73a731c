namespace Dots.Forecast.Methods;

internal enum TrendKind { None, Additive, Damped }

internal enum SeasonKind { None, Additive, Multiplicative }

/// <summary>One member of the ETS family (Hyndman et al. 2008): error, trend and season types.</summary>
internal readonly record struct EtsSpec(bool MultiplicativeError, TrendKind Trend, SeasonKind Season)
{
    public override string ToString() =>
        $"ETS({(MultiplicativeError ? 'M' : 'A')},{Trend switch { TrendKind.None => "N", TrendKind.Additive => "A", _ => "Ad" }},{Season switch { SeasonKind.None => 'N', SeasonKind.Additive => 'A', _ => 'M' }})";
}

/// <summary>
/// Exponential smoothing state-space models. The state recursion written in raw errors is the same
/// for additive and multiplicative errors; only the likelihood differs, so one loop serves both.
/// Smoothing parameters, damping and the initial level/trend are fitted by maximum likelihood with
/// Nelder–Mead; initial seasonal states come from a classical decomposition of the first seasons.
/// </summary>
internal static class Ets
{
    /// <summary>Longest history fitted: older data rarely helps and fitting cost grows with length.</summary>
    public const int MaxFitLength = 520;

    /// <summary>Longest season modelled with seasonal states; longer ones (52 weeks) are better served by seasonal adjustment.</summary>
    public const int MaxSeason = 24;

    /// <summary>Runs the filter; returns -2 log L up to a constant (or +inf when a fitted value leaves the admissible range).</summary>
    public static double Run(ReadOnlySpan<double> y, EtsSpec spec, int m, ReadOnlySpan<double> p,
        ReadOnlySpan<double> season0, Span<double> s, out double level, out double trend)
    {
        double alpha = p[0];
        double beta = spec.Trend == TrendKind.None ? 0 : p[1] * alpha;
        double gamma = spec.Season == SeasonKind.None ? 0 : p[2] * (1 - alpha);
        double phi = spec.Trend == TrendKind.Damped ? p[3] : 1;
        double l = p[4];
        double b = spec.Trend == TrendKind.None ? 0 : p[5];
        bool seasonal = spec.Season != SeasonKind.None;
        bool mult = spec.Season == SeasonKind.Multiplicative;
        if (seasonal) season0.CopyTo(s);
        double sse = 0, sumLog = 0;
        int n = y.Length;
        for (int t = 0; t < n; t++)
        {
            double lb = l + phi * b;
            double st = seasonal ? s[t % m] : (mult ? 1 : 0);
            double yhat = mult ? lb * st : lb + st;
            double e = y[t] - yhat;
            if (spec.MultiplicativeError)
            {
                if (yhat <= 1e-10) { level = trend = 0; return double.PositiveInfinity; }
                double r = e / yhat;
                sse += r * r;
                sumLog += Math.Log(yhat);
            }
            else sse += e * e;
            if (mult)
            {
                double lNew = lb + alpha * e / st;
                b = phi * b + beta * e / st;
                s[t % m] = st + gamma * e / lb;
                l = lNew;
                if (lb <= 1e-10) { level = trend = 0; return double.PositiveInfinity; }
            }
            else
            {
                l = lb + alpha * e;
                b = phi * b + beta * e;
                if (seasonal) s[t % m] = st + gamma * e;
            }
        }
        level = l;
        trend = b;
        if (!double.IsFinite(sse)) return double.PositiveInfinity;
        return n * Math.Log(Math.Max(sse, 1e-300) / n) + 2 * sumLog;
    }

    public static int ParameterCount(EtsSpec spec, int m) =>
        1 + 1 + (spec.Trend == TrendKind.None ? 0 : 2) + (spec.Trend == TrendKind.Damped ? 1 : 0)
        + (spec.Season == SeasonKind.None ? 0 : m) + 1;

    /// <summary>Fits one model and writes its point forecasts; returns the AICc.</summary>
    public static double Fit(ReadOnlySpan<double> yAll, EtsSpec spec, int m, Span<double> f)
    {
        var y = yAll.Length > MaxFitLength ? yAll[^MaxFitLength..] : yAll;
        int n = y.Length;
        bool seasonal = spec.Season != SeasonKind.None;
        if (!seasonal) m = 1;
        Span<double> s0 = stackalloc double[m];
        Span<double> s = stackalloc double[m];
        InitialSeason(y, spec.Season, m, s0);
        // initial level and trend from the first (deseasonalised) observations, refined by the optimiser
        int k0 = Math.Min(n, Math.Max(2, seasonal ? m : 4));
        double l0 = 0;
        for (int t = 0; t < k0; t++) l0 += Deseason(y[t], spec.Season, s0[t % m]);
        l0 /= k0;
        double b0 = 0;
        if (spec.Trend != TrendKind.None && n >= 2 * k0)
        {
            double l1 = 0;
            for (int t = k0; t < 2 * k0; t++) l1 += Deseason(y[t], spec.Season, s0[t % m]);
            b0 = (l1 / k0 - l0) / k0;
        }
        double scale = 0;
        foreach (double v in y) scale += Math.Abs(v);
        scale = Math.Max(scale / n, 1e-6);
        Span<double> p = [0.2, 0.1, 0.05, 0.95, l0, b0];
        Span<double> lo = [1e-4, 1e-4, 1e-4, 0.8, l0 - 10 * scale, -10 * scale];
        Span<double> hi = [0.9999, 0.9999, 0.9999, 0.98, l0 + 10 * scale, 10 * scale];
        Span<double> step = [0.1, 0.1, 0.05, 0.05, 0.1 * scale + 1e-6, 0.01 * scale + 1e-6];
        // Optimise only the parameters the model has: build a compact index map.
        Span<int> map = stackalloc int[6];
        int k = 0;
        map[k++] = 0;
        if (spec.Trend != TrendKind.None) map[k++] = 1;
        if (seasonal) map[k++] = 2;
        if (spec.Trend == TrendKind.Damped) map[k++] = 3;
        map[k++] = 4;
        if (spec.Trend != TrendKind.None) map[k++] = 5;
        Span<double> x = stackalloc double[k], xl = stackalloc double[k], xh = stackalloc double[k], xs = stackalloc double[k];
        for (int i = 0; i < k; i++) { x[i] = p[map[i]]; xl[i] = lo[map[i]]; xh[i] = hi[map[i]]; xs[i] = step[map[i]]; }
        var obj = new Compact(y, spec, m, s0, s, p, map[..k]);
        double nll = Optimizer.NelderMead(ref obj, x, xl, xh, xs, maxEvals: 150 * k);
        for (int i = 0; i < k; i++) p[map[i]] = x[i];
        nll = Run(y, spec, m, p, s0, s, out double level, out double trend);
        double phi = spec.Trend == TrendKind.Damped ? p[3] : 1;
        double damp = 0;
        for (int i = 0; i < f.Length; i++)
        {
            damp += spec.Trend == TrendKind.None ? 0 : Math.Pow(phi, i + 1);
            double lb = level + damp * trend;
            double st = seasonal ? s[(n + i) % m] : 0;
            f[i] = spec.Season == SeasonKind.Multiplicative ? lb * st : lb + st;
        }
        int np = ParameterCount(spec, m);
        if (!double.IsFinite(nll) || n - np - 1 <= 0)
            return double.PositiveInfinity;
        return nll + 2 * np + 2.0 * np * (np + 1) / (n - np - 1);
    }

    private ref struct Compact(ReadOnlySpan<double> y, EtsSpec spec, int m, ReadOnlySpan<double> s0, Span<double> s, Span<double> full, ReadOnlySpan<int> map) : IObjective
    {
        private readonly ReadOnlySpan<double> _y = y;
        private readonly ReadOnlySpan<double> _s0 = s0;
        private readonly Span<double> _s = s;
        private readonly Span<double> _full = full;
        private readonly ReadOnlySpan<int> _map = map;

        public readonly double Evaluate(scoped ReadOnlySpan<double> x)
        {
            for (int i = 0; i < _map.Length; i++) _full[_map[i]] = x[i];
            return Run(_y, spec, m, _full, _s0, _s, out _, out _);
        }
    }

    private static double Deseason(double v, SeasonKind kind, double s) => kind switch
    {
        SeasonKind.Additive => v - s,
        SeasonKind.Multiplicative => v / s,
        _ => v,
    };

    private static void InitialSeason(ReadOnlySpan<double> y, SeasonKind kind, int m, Span<double> s0)
    {
        if (kind == SeasonKind.None) { s0.Fill(0); return; }
        // average of each position over the first few seasons, relative to that season's mean
        int seasons = Math.Min(y.Length / m, 4);
        Span<double> acc = stackalloc double[m];
        acc.Clear();
        for (int c = 0; c < seasons; c++)
        {
            double mean = Stats.Mean(y.Slice(c * m, m));
            for (int i = 0; i < m; i++)
                acc[i] += kind == SeasonKind.Multiplicative ? (mean > 0 ? y[c * m + i] / mean : 1) : y[c * m + i] - mean;
        }
        for (int i = 0; i < m; i++) s0[i] = seasons > 0 ? acc[i] / seasons : (kind == SeasonKind.Multiplicative ? 1 : 0);
    }

    /// <summary>The models worth trying on this history: multiplicative forms need positive data, seasonal forms two full seasons.</summary>
    public static int Candidates(ReadOnlySpan<double> y, int m, Span<EtsSpec> specs)
    {
        bool positive = true;
        foreach (double v in y) if (v <= 0) { positive = false; break; }
        var fit = y.Length > MaxFitLength ? y[^MaxFitLength..] : y;
        bool seasonal = m > 1 && fit.Length >= 2 * m + 2 && m <= MaxSeason;
        int k = 0;
        ReadOnlySpan<TrendKind> trends = [TrendKind.None, TrendKind.Additive, TrendKind.Damped];
        foreach (bool me in (ReadOnlySpan<bool>)[false, true])
        {
            if (me && !positive) continue;
            foreach (var tr in trends)
            {
                if (y.Length < 6 && tr != TrendKind.None) continue;
                specs[k++] = new EtsSpec(me, tr, SeasonKind.None);
                if (seasonal) specs[k++] = new EtsSpec(me, tr, SeasonKind.Additive);
                if (seasonal && me && positive) specs[k++] = new EtsSpec(me, tr, SeasonKind.Multiplicative);
            }
        }
        return k;
    }

    /// <summary>Automatic ETS: every candidate fitted, the lowest AICc kept.</summary>
    public static void Auto(ReadOnlySpan<double> y, int m, Span<double> f)
    {
        Span<EtsSpec> specs = stackalloc EtsSpec[16];
        int count = Candidates(y, m, specs);
        Span<double> trial = stackalloc double[f.Length];
        double best = double.PositiveInfinity;
        bool any = false;
        for (int i = 0; i < count; i++)
        {
            double aicc = Fit(y, specs[i], m, trial);
            if (!any || aicc < best)
            {
                best = aicc;
                trial.CopyTo(f);
                any = true;
            }
        }
        if (!any || !double.IsFinite(best))
            Basic.Naive(y, m, f);
    }

    public static void Holt(ReadOnlySpan<double> y, int m, Span<double> f) => Fit(y, new EtsSpec(false, TrendKind.Additive, SeasonKind.None), 1, f);

    public static void Damped(ReadOnlySpan<double> y, int m, Span<double> f) => Fit(y, new EtsSpec(false, TrendKind.Damped, SeasonKind.None), 1, f);
}
