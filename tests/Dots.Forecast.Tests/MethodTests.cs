using Dots.Forecast.Methods;

namespace Dots.Forecast.Tests;

/// <summary>Each method against forecasts worked out by hand on tiny series.</summary>
public class MethodTests
{
    private static double[] Run(string method, double[] y, int h, int m = 1)
    {
        var f = new double[h];
        Catalog.Find(method)!.Run(y, m, f);
        return f;
    }

    private static void Near(double[] expected, double[] actual, double tol = 1e-9)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"step {i + 1}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Naive_RepeatsTheLastValue() => Near([3, 3], Run("naive", [1, 2, 3], 2));

    [Fact]
    public void SeasonalNaive_RepeatsTheLastSeason() => Near([3, 4, 3], Run("snaive", [1, 2, 3, 4], 3, 2));

    [Fact]
    public void SeasonalNaive_FallsBackToNaive_WhenShorterThanASeason() => Near([2, 2], Run("snaive", [1, 2], 2, 12));

    [Fact]
    public void Mean_IsTheHistoryMean() => Near([2, 2], Run("mean", [1, 2, 3], 2));

    [Fact]
    public void Drift_ExtendsTheLineThroughFirstAndLast() => Near([7, 9], Run("drift", [1, 3, 5], 2));

    [Fact]
    public void Zero_IsAlwaysZero() => Near([0, 0], Run("zero", [4, 5], 2));

    [Fact]
    public void SesM5_PicksAlphaPointThreeAndEndsAtTheHandComputedLevel()
    {
        // MSE(a) = (1 + (2 - a)^2) / 2 falls with a, so a = 0.3: level 1 -> 1.3 -> 1.3 + 0.3 * 1.7 = 1.81
        Near([1.81, 1.81], Run("ses_m5", [1, 2, 3], 2));
    }

    [Fact]
    public void Ses_OnTwoPoints_ChoosesTheSmallestAlphaAndTheirMidpoint()
    {
        // SSE = 4 / (1 + (1 - a)^2) at the best initial level, so a -> 1e-4 and the level -> 2
        Near([2, 2], Run("ses", [1, 3], 2), 1e-3);
    }

    [Fact]
    public void MovingAverage_PicksTheWindowWithLowestInSampleError()
    {
        // on 1,2,...,8 the 2-window lags least (error 1.5 vs 2, 2.5, 3), so the forecast is (7 + 8) / 2
        Near([7.5], Run("ma", [1, 2, 3, 4, 5, 6, 7, 8], 1));
    }

    [Fact]
    public void Croston_DividesSmoothedSizeBySmoothedInterval()
    {
        // sizes 2, 4 -> 2 + 0.1 * 2 = 2.2; intervals 2, 2 -> 2; 2.2 / 2
        Near([1.1, 1.1], Run("croston", [0, 2, 0, 4], 2));
    }

    [Fact]
    public void Sba_DeflatesCrostonByOneMinusHalfAlpha() => Near([1.045], Run("sba", [0, 2, 0, 4], 1));

    [Fact]
    public void Tsb_MultipliesSmoothedSizeBySmoothedOccurrence()
    {
        // sizes: every alpha has MSE 4, the first (0.1) wins: 2.2. occurrence 0,1,0,1: MSE falls with alpha,
        // a = 0.3: 0 -> 0.3 -> 0.21 -> 0.21 + 0.3 * 0.79 = 0.447
        Near([2.2 * 0.447], Run("tsb", [0, 2, 0, 4], 1));
    }

    [Fact]
    public void Adida_SmoothsBucketsOfTheMeanInterval()
    {
        // mean interval 2: buckets [0+2, 0+4] = 2, 4 -> SES 2.2 -> per period 1.1
        Near([1.1], Run("adida", [0, 2, 0, 4], 1));
    }

    [Fact]
    public void Imapa_AveragesAdidaOverBucketSizes()
    {
        // k = 1: SES(0.3) on 0,2,0,4 ends at 1.494; k = 2: 1.1; mean 1.297
        Near([1.297], Run("imapa", [0, 2, 0, 4], 1), 1e-9);
    }

    [Fact]
    public void IntermittentMethods_ForecastZero_ForAnAllZeroHistory()
    {
        foreach (string m in new[] { "croston", "optcroston", "sba", "tsb", "adida", "imapa" })
            Near([0, 0], Run(m, [0, 0, 0], 2));
    }

    [Fact]
    public void Theta_OnAStraightLine_IsHalfTheLineAndHalfTheLastValue()
    {
        // the theta=2 line equals the data, SES tracks it to ~10, the trend line continues: 0.5*(10+i) + 0.5*10
        Near([10.5, 11, 11.5], Run("theta", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3), 1e-2);
    }

    [Fact]
    public void Holt_OnAStraightLine_ContinuesTheLine()
        => Near([21, 22, 23], Run("holt", [.. Enumerable.Range(1, 20).Select(i => (double)i)], 3), 1e-2);

    [Fact]
    public void DampedTrend_OnAConstantSeries_StaysFlat()
        => Near([5, 5], Run("damped", [5, 5, 5, 5, 5, 5, 5, 5], 2), 1e-6);

    [Fact]
    public void Ets_OnAPerfectlySeasonalSeries_RepeatsTheSeason()
    {
        double[] season = [10, 20, 30, 20];
        var y = Enumerable.Range(0, 24).Select(t => season[t % 4]).ToArray();
        Near([10, 20, 30, 20], Run("ets", y, 4, 4), 0.05);
    }

    [Fact]
    public void Naive2_RemovesAndRestoresAMultiplicativeSeason()
    {
        double[] idx = [0.5, 1.5];
        var y = Enumerable.Range(0, 40).Select(t => (100 + t) * idx[t % 2]).ToArray();
        var f = Run("naive2", y, 2, 2);
        // seasonally adjusted last value ~139, then times the next two indices
        Assert.InRange(f[0] / f[1], 0.30, 0.36);
    }

    [Fact]
    public void EtsCandidates_LeaveOutMultiplicativeForms_WhenTheHistoryHasZeros()
    {
        Span<EtsSpec> specs = stackalloc EtsSpec[16];
        int n = Ets.Candidates([.. Enumerable.Range(0, 30).Select(t => (double)(t % 3))], 3, specs);
        for (int i = 0; i < n; i++)
        {
            Assert.False(specs[i].MultiplicativeError);
            Assert.NotEqual(SeasonKind.Multiplicative, specs[i].Season);
        }
    }
}
