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
        var all = Enumerable.Range(0, 200).Select(_ => simulate(rng)).ToArray();
        var results = Forecaster.ForecastMany([.. all.Select(s => s[..history])], options);
        for (int i = 0; i < all.Length; i++)
            for (int k = 0; k < h; k++)
            {
                double actual = all[i][history + k];
                total++;
                if (actual < results[i].Quantile(0.1)[k]) b10++;
                if (actual < results[i].Quantile(0.5)[k]) b50++;
                if (actual < results[i].Quantile(0.9)[k]) b90++;
            }
        return ((double)b10 / total, (double)b50 / total, (double)b90 / total);
    }

    [Fact]
    public void QuantilesOfIidNormalNoise_CoverAtTheirStatedRates()
    {
        var (q10, q50, q90) = Coverage(rng => [.. Enumerable.Range(0, 112).Select(_ => 50 + 5 * Normal(rng))], 100, 12);
        Assert.InRange(q10, 0.06, 0.15);
        Assert.InRange(q50, 0.44, 0.56);
        Assert.InRange(q90, 0.85, 0.94);
    }

    [Fact]
    public void QuantilesOfARandomWalk_WidenWithTheHorizon_AndCoverAtAboutTheStatedRate()
    {
        static double[] Walk(Random rng)
        {
            var y = new double[112];
            y[0] = 1000;
            for (int t = 1; t < y.Length; t++) y[t] = y[t - 1] + 5 * Normal(rng);
            return y;
        }
        var (q10, _, q90) = Coverage(Walk, 100, 12);
        Assert.InRange(q90 - q10, 0.70, 0.90);
        var r = Forecaster.Forecast(Walk(new Random(1))[..100], new ForecastOptions { Horizon = 12, Quantiles = [0.1, 0.9] });
        Assert.True(r.Quantile(0.9)[11] - r.Quantile(0.1)[11] > r.Quantile(0.9)[0] - r.Quantile(0.1)[0]);
    }

    [Fact]
    public void QuantilesOfPoissonDemand_CoverAtAboutTheStatedRate_AndStayNonNegative()
    {
        static double[] Poisson(Random rng)
        {
            var y = new double[112];
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
        var (q10, _, q90) = Coverage(Poisson, 100, 12);
        // discrete counts: "below q90" is at most 0.9 plus the mass at the quantile, so check the band is roughly right
        Assert.InRange(q90, 0.75, 0.97);
        Assert.InRange(q10, 0.0, 0.15);
    }
}
