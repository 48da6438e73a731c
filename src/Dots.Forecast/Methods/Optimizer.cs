namespace Dots.Forecast.Methods;

/// <summary>An objective to minimise; implemented by ref structs over spans so fitting never allocates.</summary>
internal interface IObjective
{
    double Evaluate(scoped ReadOnlySpan<double> p);
}

internal static class Optimizer
{
    /// <summary>
    /// Nelder–Mead with bounds enforced by clamping each trial point, the way forecast::ets keeps
    /// smoothing parameters admissible. Works in stackalloc'd scratch: no heap allocation.
    /// </summary>
    public static double NelderMead<T>(ref T f, Span<double> x, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi,
        ReadOnlySpan<double> step, int maxEvals = 600, double tol = 1e-8)
        where T : IObjective, allows ref struct
    {
        int k = x.Length;
        Span<double> simplex = stackalloc double[(k + 1) * k];
        Span<double> fv = stackalloc double[k + 1];
        Span<double> centroid = stackalloc double[k];
        Span<double> trial = stackalloc double[k];
        Span<double> trial2 = stackalloc double[k];
        for (int i = 0; i <= k; i++)
        {
            var v = simplex.Slice(i * k, k);
            x.CopyTo(v);
            if (i > 0)
            {
                int d = i - 1;
                v[d] += step[d];
                if (v[d] > hi[d]) v[d] = x[d] - step[d];
            }
            Clamp(v, lo, hi);
            fv[i] = f.Evaluate(v);
        }
        int evals = k + 1;
        while (evals < maxEvals)
        {
            // order: find best, worst, second worst
            int best = 0, worst = 0;
            for (int i = 1; i <= k; i++)
            {
                if (fv[i] < fv[best]) best = i;
                if (fv[i] > fv[worst]) worst = i;
            }
            int second = best;
            for (int i = 0; i <= k; i++)
                if (i != worst && fv[i] > fv[second]) second = i;
            if (Math.Abs(fv[worst] - fv[best]) <= tol * (Math.Abs(fv[best]) + tol))
                break;
            centroid.Clear();
            for (int i = 0; i <= k; i++)
                if (i != worst)
                    for (int d = 0; d < k; d++) centroid[d] += simplex[i * k + d];
            for (int d = 0; d < k; d++) centroid[d] /= k;
            var w = simplex.Slice(worst * k, k);
            for (int d = 0; d < k; d++) trial[d] = centroid[d] + (centroid[d] - w[d]);
            Clamp(trial, lo, hi);
            double fr = f.Evaluate(trial); evals++;
            if (fr < fv[best])
            {
                for (int d = 0; d < k; d++) trial2[d] = centroid[d] + 2 * (centroid[d] - w[d]);
                Clamp(trial2, lo, hi);
                double fe = f.Evaluate(trial2); evals++;
                if (fe < fr) { trial2.CopyTo(w); fv[worst] = fe; }
                else { trial.CopyTo(w); fv[worst] = fr; }
            }
            else if (fr < fv[second])
            {
                trial.CopyTo(w); fv[worst] = fr;
            }
            else
            {
                bool outside = fr < fv[worst];
                for (int d = 0; d < k; d++)
                    trial2[d] = outside ? centroid[d] + 0.5 * (trial[d] - centroid[d]) : centroid[d] + 0.5 * (w[d] - centroid[d]);
                Clamp(trial2, lo, hi);
                double fc = f.Evaluate(trial2); evals++;
                if (fc < Math.Min(fr, fv[worst]))
                {
                    trial2.CopyTo(w); fv[worst] = fc;
                }
                else
                {
                    var b = simplex.Slice(best * k, k);
                    for (int i = 0; i <= k; i++)
                    {
                        if (i == best) continue;
                        var v = simplex.Slice(i * k, k);
                        for (int d = 0; d < k; d++) v[d] = b[d] + 0.5 * (v[d] - b[d]);
                        fv[i] = f.Evaluate(v); evals++;
                    }
                }
            }
        }
        int arg = 0;
        for (int i = 1; i <= k; i++)
            if (fv[i] < fv[arg]) arg = i;
        simplex.Slice(arg * k, k).CopyTo(x);
        return fv[arg];
    }

    private static void Clamp(Span<double> v, ReadOnlySpan<double> lo, ReadOnlySpan<double> hi)
    {
        for (int d = 0; d < v.Length; d++)
            v[d] = Math.Clamp(v[d], lo[d], hi[d]);
    }
}
