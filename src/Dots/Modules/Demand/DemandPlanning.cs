namespace Dots.Modules.Demand;

/// <summary>
/// The newsvendor arithmetic behind a suggestion. Demand over the lead time is summed from the daily forecast: its mean
/// is the sum of the daily means; its spread is taken from the daily 10–90% intervals (σ_day ≈ (p90 − p10) / 2.563),
/// combined as independent days (σ = √Σσ_day²), and treated as normal, floored at zero.
/// </summary>
public static class Newsvendor
{
    public sealed record Plan(double Mean, double Sigma, double Target, int Make, double RiskNow, double RiskAfter, double Leftover, bool Alert);

    public static (double Mean, double Sigma) LeadTimeDemand(IReadOnlyList<double> mean, IReadOnlyList<double> p10, IReadOnlyList<double> p90, int leadDays)
    {
        double m = 0, v = 0;
        for (int d = 0; d < Math.Min(leadDays, mean.Count); d++)
        {
            m += mean[d];
            var s = Math.Max(0, p90[d] - p10[d]) / 2.5631;
            v += s * s;
        }
        // Beyond the stored horizon, repeat the last week's average.
        if (leadDays > mean.Count && mean.Count > 0)
        {
            int tail = Math.Min(7, mean.Count);
            double mt = 0, vt = 0;
            for (int d = mean.Count - tail; d < mean.Count; d++)
            {
                mt += mean[d] / tail;
                var s = Math.Max(0, p90[d] - p10[d]) / 2.5631;
                vt += s * s / tail;
            }
            m += mt * (leadDays - mean.Count);
            v += vt * (leadDays - mean.Count);
        }
        return (m, Math.Sqrt(v));
    }

    /// <summary>How many to make so that, with stock and what is in production, the lead time is covered at the service level.</summary>
    public static Plan Suggest(double mean, double sigma, int stock, int inProduction, double serviceLevel)
    {
        var onHand = stock + inProduction;
        var z = InverseNormal(serviceLevel);
        var target = Math.Max(0, mean + z * sigma);
        var make = (int)Math.Max(0, Math.Ceiling(target - onHand - 1e-9));
        var after = onHand + make;
        return new Plan(mean, sigma, target, make, RiskOfRunningOut(mean, sigma, onHand), RiskOfRunningOut(mean, sigma, after),
            ExpectedLeftover(mean, sigma, after), mean > onHand);
    }

    /// <summary>P(demand &gt; units).</summary>
    public static double RiskOfRunningOut(double mean, double sigma, double units)
    {
        if (sigma <= 1e-9) return mean > units ? 1 : 0;
        return 1 - Phi((units - mean) / sigma);
    }

    /// <summary>E[(units − demand)⁺]: what is likely left over at the end of the lead time.</summary>
    public static double ExpectedLeftover(double mean, double sigma, double units)
    {
        if (sigma <= 1e-9) return Math.Max(0, units - mean);
        var z = (units - mean) / sigma;
        return Math.Max(0, (units - mean) * Phi(z) + sigma * Pdf(z));
    }

    public static double Pdf(double z) => Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);

    public static double Phi(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        // Abramowitz–Stegun 7.1.26 (error < 1.5e-7).
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }

    /// <summary>Acklam's inverse normal CDF (relative error &lt; 1.2e-9).</summary>
    public static double InverseNormal(double p)
    {
        p = Math.Clamp(p, 1e-9, 1 - 1e-9);
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        var r = p - 0.5;
        var s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
