namespace Dots.Forecast.Tests;

/// <summary>Quantiles cover at about their stated rate on simulated series of known distribution.</summary>
public class IntervalTests
{
    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static (double Below10, double Below50, double Below90) Coverage(Func<Random, double[]> simulate, int history, int h)
    {
        var rng = new Random(20261128);
        int total = 0, b10 = 0, b50 = 0, b90 = 0;
        var options = new ForecastOptions { Horizon = h, Quantiles = [0.1, 0.5, 0.9] };
        var all = Enumerable.Range(0, 120).Select(_ => simulate(rng)).ToArray();
        var results = Forecaster.ForecastMany([.. all.Select(s => s[..history])], options);
        for (int i = 0; i < all.Length; i++)
            for (int k = 0; k < h; k++)
            {
                double actual = all[i][history + k];
                total++;
                if (actual <= results[i].Quantile(0.1)[k]) b10++;
                if (actual <= results[i].Quantile(0.5)[k]) b50++;
                if (actual <= results[i].Quantile(0.9)[k]) b90++;
            }
        return ((double)b10 / total, (double)b50 / total, (double)b90 / total);
    }

    [Fact]
    public void QuantilesOfIidNormalNoise_CoverAtTheirStatedRates()
    {
        var (q10, q50, q90) = Coverage(rng => [.. Enumerable.Range(0, 108).Select(_ => 50 + 5 * Normal(rng))], 100, 8);
        Assert.InRange(q10, 0.06, 0.15);
        Assert.InRange(q50, 0.44, 0.56);
        Assert.InRange(q90, 0.85, 0.94);
    }

    [Fact]
    public void QuantilesOfARandomWalk_WidenWithTheHorizon_AndCoverAtAboutTheStatedRate()
    {
        static double[] Walk(Random rng)
        {
            var y = new double[108];
            y[0] = 1000;
            for (int t = 1; t < y.Length; t++) y[t] = y[t - 1] + 5 * Normal(rng);
            return y;
        }
        var (q10, _, q90) = Coverage(Walk, 100, 8);
        Assert.InRange(q90 - q10, 0.70, 0.90);
        var r = Forecaster.Forecast(Walk(new Random(1))[..100], new ForecastOptions { Horizon = 8, Quantiles = [0.1, 0.9] });
        Assert.True(r.Quantile(0.9)[7] - r.Quantile(0.1)[7] > r.Quantile(0.9)[0] - r.Quantile(0.1)[0]);
    }

    [Fact]
    public void QuantilesOfPoissonDemand_CoverAtAboutTheStatedRate_AndStayNonNegative()
    {
        static double[] Poisson(Random rng)
        {
            var y = new double[108];
            for (int t = 0; t < y.Length; t++)
            {
                // Knuth's method, rate 0.8: intermittent counts
                double l = Math.Exp(-0.8), p = 1;
                int k = 0;
                do { k++; p *= rng.NextDouble(); } while (p > l);
                y[t] = k - 1;
            }
            return y;
        }
        var (q10, _, q90) = Coverage(Poisson, 100, 8);
        // counts: the quantiles are whole numbers, so "at or below q10" includes the whole mass at q10 (for
        // Poisson 0.8, 45% at 0); "at or below q90" should be about 0.9
        Assert.InRange(q90, 0.86, 0.96);
        Assert.InRange(q10, 0.0, 0.55);
    }

    private static double[] PoissonSeries(Random rng, int length, double rate)
    {
        var y = new double[length];
        for (int t = 0; t < y.Length; t++)
        {
            double l = Math.Exp(-rate), p = 1;
            int k = 0;
            do { k++; p *= rng.NextDouble(); } while (p > l);
            y[t] = k - 1;
        }
        return y;
    }

    /// <summary>Share of actual values inside the 80% and 95% intervals over a batch of simulated series.</summary>
    private static (double In80, double In95) IntervalCoverage(Func<Random, double[]> simulate, int series, int history, int h)
    {
        var rng = new Random(20261130);
        var levels = ForecastResult.IntervalLevels(0.8).Concat(ForecastResult.IntervalLevels(0.95)).Distinct().ToArray();
        var options = new ForecastOptions { Horizon = h, Quantiles = levels, Loss = SelectionLoss.Squared };
        var all = Enumerable.Range(0, series).Select(_ => simulate(rng)).ToArray();
        var results = Forecaster.ForecastMany([.. all.Select(s => s[..history])], options);
        int total = 0, in80 = 0, in95 = 0;
        for (int i = 0; i < all.Length; i++)
        {
            var (lo80, hi80) = results[i].Interval(0.8);
            var (lo95, hi95) = results[i].Interval(0.95);
            for (int k = 0; k < h; k++)
            {
                double actual = all[i][history + k];
                total++;
                if (actual >= lo80[k] && actual <= hi80[k]) in80++;
                if (actual >= lo95[k] && actual <= hi95[k]) in95++;
            }
        }
        return ((double)in80 / total, (double)in95 / total);
    }

    [Fact]
    public void IntervalsOfIntermittentDemand_HoldTheirCoverage()
    {
        // zero-heavy counts (about 74% zeros): a central interval's lower end sits at 0, so the interval is [0, q(c)]
        var (in80, in95) = IntervalCoverage(rng => PoissonSeries(rng, 60, 0.3), 300, 52, 8);
        Assert.InRange(in80, 0.77, 0.83);
        Assert.InRange(in95, 0.92, 0.98);
    }

    [Fact]
    public void IntervalsOfNoisySmoothDemand_HoldTheirCoverage()
    {
        var (in80, in95) = IntervalCoverage(rng => [.. Enumerable.Range(0, 60).Select(_ => 40 + 6 * Normal(rng))], 200, 52, 8);
        Assert.InRange(in80, 0.77, 0.83);
        Assert.InRange(in95, 0.92, 0.98);
    }

    [Fact]
    public void Interval_NeedsItsLevels_AndUsesQofCWhereTheLowerEndIsZero()
    {
        var r = new ForecastResult([1, 5], [0.1, 0.8, 0.9], [[0, 3], [2, 7], [3, 8]], "test");
        var (lo, hi) = r.Interval(0.8);
        Assert.Equal([0.0, 3.0], lo);
        Assert.Equal([2.0, 8.0], hi); // step 1: lower end at 0, so [0, q0.8]; step 2: [q0.1, q0.9]
        Assert.Throws<ArgumentException>(() => r.Interval(0.95));
    }
}
