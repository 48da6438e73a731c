using Dots.Forecast.Methods;

namespace Dots.Forecast.Tests;

public class OutlierTests
{
    [Fact]
    public void Clean_ReplacesAnIsolatedSpikeByItsNeighboursMedian()
    {
        double[] y = [10, 11, 10, 12, 11, 10, 90, 11, 12, 10, 11, 10, 12, 11];
        var cleaned = new double[y.Length];
        Assert.Equal(1, Outliers.Clean(y, 6, cleaned));
        Assert.Equal(11, cleaned[6]);
        Assert.Equal(y.Where((_, i) => i != 6), cleaned.Where((_, i) => i != 6));
    }

    [Fact]
    public void Clean_LeavesALevelShiftAlone()
    {
        // a permanent step is a change of regime, not an outlier: the running median follows it
        double[] y = [10, 11, 10, 12, 11, 10, 11, 50, 51, 50, 52, 51, 50, 51];
        var cleaned = new double[y.Length];
        Assert.Equal(0, Outliers.Clean(y, 6, cleaned));
    }
}
