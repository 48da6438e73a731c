using Dots.Forecast;

namespace Dots.Modules.Demand;

/// <summary>
/// Backtest of the "make next" suggestion against a naive rule, on rolling origins of real sales histories
/// (`dots demand backtest`). Every <c>lead</c> periods from <c>firstOrigin</c> on, each product decides how much
/// to make for the next <c>lead</c> periods, knowing only the history so far and the stock left from before:
/// <list type="bullet">
/// <item><b>newsvendor</b> — what the product suggests: the same batch forecast as the nightly job (squared loss,
/// quantiles 2.5/10/50/90/97.5%, one core), <see cref="Newsvendor.LeadTimeDemand"/> and
/// <see cref="Newsvendor.Suggest"/> at the service level;</item>
/// <item><b>last 4 weeks</b> — make up to the average of the last four periods times the lead time.</item>
/// </list>
/// What is made is on the shelf for the window (the lead time is the planning window); the window's demand is
/// sold from it up to what is there, the rest is lost, and what is left carries to the next window. Both policies
/// start with no stock.
/// </summary>
public static class PolicyBacktest
{
    public static readonly IReadOnlyList<double> Levels = [0.025, 0.1, 0.5, 0.9, 0.975];

    /// <summary>Totals of one policy over every product and window.</summary>
    /// <param name="FillRate">Units sold / units demanded.</param>
    /// <param name="CycleService">Share of product-windows with no lost sale (what a service level promises).</param>
    /// <param name="MeanLeftover">Units left on the shelf at the end of a window, on average per product-window.</param>
    public sealed record Result(string Policy, double ServiceLevel, int Products, int Windows, double Demand, double Sold,
        double Made, double FillRate, double CycleService, double MeanLeftover, double LostUnits);

    /// <summary>The windows' origins: every <paramref name="lead"/> periods from <paramref name="firstOrigin"/> while a whole window fits.</summary>
    public static int[] Origins(int length, int lead, int firstOrigin)
    {
        var list = new List<int>();
        for (int t = firstOrigin; t + lead <= length; t += lead) list.Add(t);
        return [.. list];
    }

    public static IReadOnlyList<Result> Run(IReadOnlyList<double[]> series, int lead, IReadOnlyList<double> serviceLevels,
        int firstOrigin, int season, CancellationToken ct = default)
    {
        if (series.Count == 0) throw new ArgumentException("no series", nameof(series));
        if (lead < 1) throw new ArgumentOutOfRangeException(nameof(lead), lead, "the lead time must be at least 1 period");
        int n = series.Min(s => s.Length);
        if (firstOrigin < 4 || firstOrigin + lead > n)
            throw new ArgumentOutOfRangeException(nameof(firstOrigin), firstOrigin, $"the first origin must leave at least 4 periods of history and one window of {lead} (shortest series: {n})");
        var origins = Origins(n, lead, firstOrigin);
        var options = new ForecastOptions
        {
            Horizon = lead,
            SeasonLength = season,
            Quantiles = Levels,
            Loss = SelectionLoss.Squared,
            MaxDegreeOfParallelism = 1,
            WholeQuantiles = false, // as the nightly job (DemandForecasting)
        };
        // one batch forecast per origin, shared by every service level
        var forecasts = origins.Select(t => Forecaster.ForecastMany([.. series.Select(s => s[..t])], options, null, ct)).ToArray();
        var results = new List<Result>();
        foreach (double alpha in serviceLevels)
            results.Add(Simulate($"newsvendor", alpha, series, origins, lead, (i, o, stock) =>
            {
                var r = forecasts[o][i];
                var (mu, sigma) = Newsvendor.LeadTimeDemand(r.Mean, r.Quantile(0.1), r.Quantile(0.9), lead);
                return Newsvendor.Suggest(mu, sigma, (int)Math.Round(stock), 0, alpha).Make;
            }));
        results.Add(Simulate("last 4 weeks", double.NaN, series, origins, lead, (i, o, stock) =>
        {
            var y = series[i];
            int t = origins[o], from = Math.Max(0, t - 4);
            double avg = 0;
            for (int k = from; k < t; k++) avg += y[k] / (t - from);
            return (int)Math.Max(0, Math.Ceiling(avg * lead - stock - 1e-9));
        }));
        return results;
    }

    private static Result Simulate(string name, double alpha, IReadOnlyList<double[]> series, int[] origins, int lead,
        Func<int, int, double, int> decide)
    {
        double demand = 0, sold = 0, made = 0, leftover = 0, lost = 0;
        int windows = 0, served = 0;
        for (int i = 0; i < series.Count; i++)
        {
            double stock = 0;
            for (int o = 0; o < origins.Length; o++)
            {
                int make = decide(i, o, stock);
                double shelf = stock + make, d = 0;
                for (int k = 0; k < lead; k++) d += series[i][origins[o] + k];
                double s = Math.Min(shelf, d);
                stock = shelf - s;
                demand += d; sold += s; made += make; leftover += stock; lost += d - s;
                windows++;
                if (d <= shelf) served++;
            }
        }
        return new Result(name, alpha, series.Count, windows, demand, sold, made,
            demand > 0 ? sold / demand : 1, windows > 0 ? (double)served / windows : 1, windows > 0 ? leftover / windows : 0, lost);
    }
}
