using System.Globalization;
using Dots.Forecast.Data;

namespace Dots.Forecast.Tests;

/// <summary>The metrics agree with shared/tools/forecast_baselines.py on a fixed file.</summary>
public class AccuracyTests
{
    private static AccuracySummary ScoreFixture(int season)
    {
        var train = WideCsv.Read(TestData.Fixture("train.csv")).ToDictionary(s => s.Id);
        var test = WideCsv.Read(TestData.Fixture("test.csv"));
        var fc = WideCsv.Read(TestData.Fixture("fc.csv")).ToDictionary(s => s.Id);
        return Accuracy.Summarize([.. test.Select(t => Accuracy.Score(train[t.Id].Values, t.Values, fc[t.Id].Values, season))]);
    }

    [Fact]
    public void Metrics_EqualTheReferenceScorersStoredValues_OnTheFixture()
    {
        // computed once with: python3 shared/tools/forecast_baselines.py eval train.csv test.csv fc.csv --season 1 (full precision)
        var a = ScoreFixture(1);
        Assert.Equal(48.94388327721661, a.SMape, 10);
        Assert.Equal(0.6402777777777778, a.Mase, 10);
        Assert.Equal(0.6459723214049718, a.Rmsse, 10);
        Assert.Equal(0.9083333333333332, a.Mae, 10);
        Assert.Equal(-0.35833333333333334, a.Me, 10);
        Assert.Equal((4, 3, 3), (a.Series, a.MaseSeries, a.RmsseSeries));
        Assert.Equal(0.7587301587301587, ScoreFixture(2).Mase, 10);
    }

    [SharedDataFact("tools/forecast_baselines.py")]
    public void Metrics_EqualTheLiveReferenceScorer_WhenPython3IsAvailable()
    {
        foreach (int season in new[] { 1, 2 })
        {
            string? output = TestData.RunPython(TestData.ReferenceScorer, "eval", TestData.Fixture("train.csv"), TestData.Fixture("test.csv"), TestData.Fixture("fc.csv"), "--season", season.ToString(CultureInfo.InvariantCulture));
            if (output is null)
                return; // python3 absent: the stored values above still pin the definitions
            var row = output.Split('\n').First(l => l.StartsWith("forecast", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var a = ScoreFixture(season);
            Assert.Equal(row[0], Math.Round(a.SMape, 4), 4);
            Assert.Equal(row[1], Math.Round(a.Mase, 4), 4);
            Assert.Equal(row[2], Math.Round(a.Rmsse, 4), 4);
            Assert.Equal(row[3], Math.Round(a.Mae, 4), 4);
            Assert.Equal(row[4], Math.Round(a.Me, 4), 4);
        }
    }

    [SharedDataFact("tools/forecast_baselines.py")]
    public void ReferenceMethods_MatchThePythonBaselines_OnTheFixture()
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"dots-fc-{Guid.NewGuid():N}-");
        const string methods = "naive,mean,ses,theta,ses_m5,ma_m5,croston,optcroston,sba,tsb,adida,imapa";
        try
        {
            string? output = TestData.RunPython(TestData.ReferenceScorer, "bench", TestData.Fixture("train.csv"), TestData.Fixture("test.csv"), "--methods", methods, "--save-forecasts", prefix);
            if (output is null)
                return;
            var train = WideCsv.Read(TestData.Fixture("train.csv")).ToDictionary(s => s.Id);
            foreach (string method in methods.Split(','))
            {
                string ours = method == "ma_m5" ? "ma" : method;
                foreach (var expected in WideCsv.Read(prefix + method + ".csv"))
                {
                    var f = Forecaster.Forecast(train[expected.Id].Values, new ForecastOptions { Horizon = expected.Values.Length, Method = ours }).Mean;
                    for (int i = 0; i < f.Length; i++)
                        Assert.True(Math.Abs(f[i] - expected.Values[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected.Values[i])),
                            $"{method} on {expected.Id}: {f[i]} vs reference {expected.Values[i]}");
                }
            }
        }
        finally
        {
            foreach (string f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(prefix) + "*"))
                File.Delete(f);
        }
    }

    [Fact]
    public void Owa_IsTheMeanOfSmapeAndMaseRelativeToNaive2()
    {
        var naive2 = new AccuracySummary(10, 2, 0, 0, 0, 1, 1, 1);
        var x = new AccuracySummary(8, 1, 0, 0, 0, 1, 1, 1);
        Assert.Equal(0.65, x.Owa(naive2), 12);
    }
}
