namespace Dots.Routing.Tests;

public sealed class SolomonFormatTests
{
    private const string Tiny = "TINY\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  3         50\r\n\r\nCUSTOMER\r\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n\r\n    0      0         0          0          0       100          0\r\n    1      3         4         10          0        50          5\r\n    2      6         8          0         10        60          5\r\n";

    [Fact]
    public void Parse_CrlfFileWithSolomonHeaders_ReadsFleetDepotAndCustomers()
    {
        var instance = SolomonFormat.Parse(new StringReader(Tiny), "tiny.txt");
        Assert.Equal("TINY", instance.Name);
        Assert.Equal(3, instance.VehicleCount);
        Assert.Equal(50, instance.Capacity);
        Assert.Equal(100, instance.Depot.DueTime);
        Assert.Equal(2, instance.Customers.Count);
        Assert.Equal(new VrptwStop(2, 6, 8, 0, 10, 60, 5), instance.Customers[1]);
        Assert.Equal(5.0, instance.Distance(0, 1));
        Assert.Equal(5.0, instance.TravelTime(1, 2));
    }

    [SharedDataFact]
    public void Parse_EveryBenchmarkFile_GivesTheCustomerCountOfItsFamily()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(TestData.VrptwDir!, "solomon")))
            Assert.Equal(100, SolomonFormat.Load(file).Customers.Count);
        var homberger = SolomonFormat.Load(TestData.Instance("RC2_2_1"));
        Assert.Equal(200, homberger.Customers.Count);
        Assert.Equal(50, homberger.VehicleCount);
    }

    [Theory]
    [InlineData("    2      6         8          0         10        60", "tiny.txt:12: expected 7 numbers per customer row, found 6")]
    [InlineData("    2      6         8          0         10        6x0     5", "tiny.txt:12: unexpected text")]
    [InlineData("    5      6         8          0         10        60     5", "tiny.txt:12: expected CUST NO. 2, found 5")]
    [InlineData("    2      6         8          0         70        60     5", "tiny.txt:12: customer 2 has a due date before its ready time")]
    public void Parse_MalformedRow_NamesTheFileAndLine(string badRow, string expected)
    {
        var text = Tiny.Replace("    2      6         8          0         10        60          5", badRow);
        var e = Assert.Throws<VrptwFormatException>(() => SolomonFormat.Parse(new StringReader(text), "tiny.txt"));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Parse_FileWithoutVehicleBlock_SaysWhatIsMissing()
    {
        var e = Assert.Throws<VrptwFormatException>(() => SolomonFormat.Parse(new StringReader("X\n 0 0 0 0 0 10 0\n"), "x.txt"));
        Assert.StartsWith("x.txt:2:", e.Message);
    }
}
