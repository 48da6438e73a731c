using Dots.Modules.Demand;

namespace Dots.Tests.Demand;

/// <summary>The suggestion-policy backtest behind `dots demand backtest`, on simulated demand of known distribution.</summary>
public class PolicyBacktestTests
{
    private static double[] Poisson(Random rng, int length, double rate)
    {
        var y = new double[length];
        for (int t = 0; t < length; t++)
        {
            double l = Math.Exp(-rate), p = 1;
            int k = 0;
            do { k++; p *= rng.NextDouble(); } while (p > l);
            y[t] = k - 1;
        }
        return y;
    }

    [Fact]
    public void Newsvendor_HoldsItsServiceLevel_AndBeatsTheNaiveRuleOnFillRate()
    {
        var rng = new Random(17);
        var series = Enumerable.Range(0, 150).Select(i => Poisson(rng, 40, 1 + i % 5)).ToList();
        var results = PolicyBacktest.Run(series, lead: 2, serviceLevels: [0.9], firstOrigin: 28, season: 1);
        var nv = results.Single(r => r.Policy == "newsvendor");
        var naive = results.Single(r => r.Policy == "last 4 weeks");
        Assert.Equal(150 * 6, nv.Windows);
        Assert.Equal(nv.Demand, naive.Demand);
        Assert.Equal(nv.Demand, nv.Sold + nv.LostUnits, 6);
        Assert.InRange(nv.CycleService, 0.84, 0.97);
        Assert.True(nv.FillRate > naive.FillRate, $"newsvendor fill rate {nv.FillRate:P1} vs naive {naive.FillRate:P1}");
        Assert.True(nv.CycleService > naive.CycleService);
    }

    [Fact]
    public void Origins_AreLeadApart_AndEveryWindowFits()
    {
        Assert.Equal([36, 38, 40, 42, 44, 46, 48, 50], PolicyBacktest.Origins(52, 2, 36));
        Assert.Equal([10, 13], PolicyBacktest.Origins(16, 3, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => PolicyBacktest.Run([new double[10]], 2, [0.9], 9, 1));
    }
}
