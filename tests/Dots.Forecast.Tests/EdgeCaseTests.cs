using Dots.Forecast.Data;

namespace Dots.Forecast.Tests;

public class EdgeCaseTests
{
    private static readonly double[] Levels = [0.1, 0.5, 0.9];

    private static ForecastResult Auto(double[] y, int h = 3) =>
        Forecaster.Forecast(y, new ForecastOptions { Horizon = h, Quantiles = Levels });

    [Fact]
    public void ALengthOneHistory_ForecastsThatValue_ForEveryMethod()
    {
        foreach (string method in Forecaster.MethodNames.Append("auto"))
        {
            var r = Forecaster.Forecast([7.0], new ForecastOptions { Horizon = 2, Method = method, Quantiles = Levels });
            double expected = method switch { "zero" => 0, "sba" => 7 * 0.95, _ => 7 };
            Assert.All(r.Mean, v => Assert.Equal(expected, v, 9));
            Assert.Equal(3, r.Quantiles.Length);
        }
    }

    [Fact]
    public void AConstantHistory_ForecastsTheConstantWithNoSpread()
    {
        var r = Auto([4, 4, 4, 4, 4, 4]);
        Assert.All(r.Mean, v => Assert.Equal(4, v));
        Assert.All(r.Quantiles, q => Assert.All(q, v => Assert.Equal(4, v)));
    }

    [Fact]
    public void AnAllZeroHistory_ForecastsZeroWithZeroQuantiles()
    {
        var r = Auto(new double[30]);
        Assert.Equal("zero", r.Method);
        Assert.All(r.Mean, v => Assert.Equal(0, v));
        Assert.All(r.Quantiles, q => Assert.All(q, v => Assert.Equal(0, v)));
    }

    [Fact]
    public void EveryMethod_HandlesShortHistories_WithFiniteForecasts()
    {
        foreach (string method in Forecaster.MethodNames.Append("auto"))
            foreach (double[] y in new[] { new double[] { 1, 3 }, [0, 2, 0], [5, 1, 4, 2], [0, 0, 1, 0, 0] })
            {
                var r = Forecaster.Forecast(y, new ForecastOptions { Horizon = 4, SeasonLength = 12, Method = method, Quantiles = Levels });
                Assert.All(r.Mean, v => Assert.True(double.IsFinite(v), $"{method} on [{string.Join(",", y)}] gave {v}"));
                Assert.All(r.Quantiles, q => Assert.All(q, v => Assert.True(double.IsFinite(v))));
            }
    }

    [Fact]
    public void NegativeHistories_AreForecastWithoutClippingToZero()
    {
        var y = Enumerable.Range(0, 40).Select(t => -50.0 - t).ToArray();
        var r = Auto(y, 4);
        Assert.All(r.Mean, v => Assert.True(v < -80, $"got {v}"));
    }

    [Fact]
    public void AHorizonOfZero_IsRejectedWithAClearMessage()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Forecaster.Forecast([1.0, 2], new ForecastOptions { Horizon = 0 }));
        Assert.Contains("horizon must be at least 1", e.Message);
    }

    [Fact]
    public void AnUnknownMethod_IsRejectedNamingTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Forecaster.Forecast([1.0, 2], new ForecastOptions { Horizon = 1, Method = "prophet" }));
        Assert.Contains("theta", e.Message);
    }

    [Fact]
    public void AnEmptyHistory_IsRejected()
        => Assert.Throws<ArgumentException>(() => Forecaster.Forecast(ReadOnlySpan<double>.Empty, new ForecastOptions { Horizon = 1 }));

    [Fact]
    public void ANaNInTheHistory_IsRejected()
        => Assert.Throws<ArgumentException>(() => Forecaster.Forecast([1.0, double.NaN, 2], new ForecastOptions { Horizon = 1 }));

    [Theory]
    [InlineData("a,1,2,3\nb,1,NaN,3\n", "line 2")]
    [InlineData("a,1,2,3\nb,4,5,6\nc,1,,3\n", "line 3")]
    [InlineData("id,v1,v2\na,1,2\nb,1,x\n", "line 3")]
    [InlineData("a,1,2\nb\n", "line 2")]
    public void ABadField_FailsWithAnErrorNamingTheFileAndLine(string csv, string line)
    {
        var e = Assert.Throws<WideCsvException>(() => WideCsv.Read(new StringReader(csv), "in.csv"));
        Assert.StartsWith("in.csv: " + line + ":", e.Message);
    }

    [Fact]
    public void AMissingFile_FailsWithAnErrorNamingIt()
    {
        var e = Assert.Throws<WideCsvException>(() => WideCsv.Read("/nonexistent/x.csv"));
        Assert.Contains("/nonexistent/x.csv", e.Message);
    }

    [Fact]
    public void TheReader_SkipsAHeader_UnquotesValues_AndDropsTrailingEmptyFields()
    {
        var rows = WideCsv.Read(new StringReader("\"V1\",\"V2\",\"V3\",\"V4\"\n\"W1\",\"1\",\"2.5\",\"\"\n\"W2\",\"3\",\"4\",\"5\"\n"), "m4.csv");
        Assert.Equal(2, rows.Count);
        Assert.Equal("W1", rows[0].Id);
        Assert.Equal([1, 2.5], rows[0].Values);
        Assert.Equal([3, 4, 5], rows[1].Values);
        Assert.Equal(3, rows[1].Line);
    }

    [Fact]
    public void TheWriter_RoundTripsThroughTheReader()
    {
        var sw = new StringWriter();
        WideCsv.Write(sw, [("a", [1.5, 2]), ("b,c", [0.1])]);
        var rows = WideCsv.Read(new StringReader(sw.ToString()), "x");
        Assert.Equal("b,c", rows[1].Id);
        Assert.Equal([1.5, 2], rows[0].Values);
    }

    [Fact]
    public void TheBatchApi_WithoutCrossLearning_KeepsInputOrder_AndMatchesSingleSeriesForecasts()
    {
        double[][] many = [[1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 3, 0, 1, 0, 0, 2, 0, 1], [10, 9, 11, 10, 12, 11, 13, 12]];
        var options = new ForecastOptions { Horizon = 3, Quantiles = Levels, CrossLearning = false };
        var batch = Forecaster.ForecastMany(many, options);
        for (int i = 0; i < many.Length; i++)
            Assert.Equal(Forecaster.Forecast(many[i], options).Mean, batch[i].Mean);
    }

    [Fact]
    public void TheBatchApi_WithCrossLearning_IsDeterministic_AndForecastsObsoleteSeriesAtAboutZero()
    {
        // 60 intermittent series; a third of them stop selling for good halfway, so the backtests
        // teach that a long run of recent zeros means no more demand
        var rng = new Random(7);
        var many = Enumerable.Range(0, 60).Select(i => Enumerable.Range(0, 60)
            .Select(t => (i % 3 == 0 && t >= 30) ? 0.0 : (rng.NextDouble() < 0.5 ? rng.Next(1, 5) : 0)).ToArray()).ToArray();
        var options = new ForecastOptions { Horizon = 6, Quantiles = Levels, Loss = SelectionLoss.Squared };
        var first = Forecaster.ForecastMany(many, options);
        var second = Forecaster.ForecastMany(many, options);
        for (int i = 0; i < many.Length; i++)
            Assert.Equal(first[i].Mean, second[i].Mean);
        Assert.All(Enumerable.Range(0, 60).Where(i => i % 3 == 0), i => Assert.True(first[i].Mean.All(v => v < 0.05), $"series {i}: {first[i].Method} {first[i].Mean[0]}"));
        int alive = Enumerable.Range(0, 60).Count(i => i % 3 != 0 && first[i].Mean[0] > 0.3);
        Assert.True(alive >= 36, $"only {alive} of 40 living series keep a real forecast");
    }

    [Fact]
    public void AnIsolatedSpikeInASmoothHistory_DoesNotDragTheForecast_WhenCleaningIsOn()
    {
        var rng = new Random(11);
        var y = Enumerable.Range(0, 50).Select(_ => 100 + 2 * (rng.NextDouble() - 0.5)).ToArray();
        y[^2] = 1000; // one bulk order just before the forecast origin
        var cleaned = Forecaster.Forecast(y, new ForecastOptions { Horizon = 3, OutlierThreshold = 6 });
        var raw = Forecaster.Forecast(y, new ForecastOptions { Horizon = 3, OutlierThreshold = null });
        Assert.All(cleaned.Mean, v => Assert.InRange(v, 97, 103));
        Assert.True(raw.Mean[0] > 103, $"without cleaning the spike should show, got {raw.Mean[0]}");
    }

    [Fact]
    public void IntermittentHistories_KeepTheirSpikes()
    {
        double[] y = [0, 0, 5, 0, 0, 0, 40, 0, 0, 4, 0, 0, 0, 6, 0, 0, 0, 5, 0, 0];
        var a = Forecaster.Forecast(y, new ForecastOptions { Horizon = 2, OutlierThreshold = 6 });
        var b = Forecaster.Forecast(y, new ForecastOptions { Horizon = 2, OutlierThreshold = null });
        Assert.Equal(b.Mean, a.Mean);
    }
}
