using Dots.Recommend.Data;

namespace Dots.Recommend.Tests;

public sealed class InteractionCsvTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recs-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string text)
    {
        var path = Path.Combine(_dir, $"f{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Read_SkipsTheHeader_AndTakesTheBasketColumnAsOrder()
    {
        var rows = InteractionCsv.Read(Write("user,item,basket\n7,100,2\n7,101,1\n"));

        Assert.Equal([new Interaction("7", "100", 2), new Interaction("7", "101", 1)], rows);
    }

    [Fact]
    public void Read_AcceptsTabsAndFilesWithoutHeaderOrOrder()
    {
        var rows = InteractionCsv.Read(Write("a\tx\nb\ty\n"));

        Assert.Equal(["x", "y"], rows.Select(r => r.Item));
        Assert.True(rows[0].Order < rows[1].Order);
    }

    [Fact]
    public void Read_NamesFileAndLine_WhenARowHasNoItem()
    {
        var path = Write("user,item\nu1,i1\nu2\n");

        var e = Assert.Throws<RecsDataException>(() => InteractionCsv.Read(path));

        Assert.Equal(3, e.Line);
        Assert.Contains(path, e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Read_NamesFileAndLine_WhenTheOrderColumnIsNotANumber()
    {
        var e = Assert.Throws<RecsDataException>(() => InteractionCsv.Read(Write("user,item,pos\nu1,i1,0\nu1,i2,later\n")));

        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Read_ReportsAMissingFileAsDataError()
    {
        var e = Assert.Throws<RecsDataException>(() => InteractionCsv.Read(Path.Combine(_dir, "nope.csv")));

        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void ReadUsers_DropsHeaderAndDuplicates()
    {
        Assert.Equal(["3", "1"], InteractionCsv.ReadUsers(Write("user\n3\n1\n3\n")));
    }

    [Fact]
    public void TrainingData_CountsDuplicateRowsOnce_AndGroupsBasketsInOrder()
    {
        var data = TrainingData.Build([
            new("u", "b", 2), new("u", "a", 1), new("u", "a", 1), new("u", "c", 2), new("v", "a", 5),
        ]);

        var h = data.HistoryOf("u");
        Assert.Equal(2, h.GroupCount);
        Assert.Equal(3, h.EventCount);
        Assert.True(data.TryGetItem("a", out var a));
        Assert.Equal(0, a); // most popular item gets index 0
        Assert.Equal(2, data.EventCount[a]);
        Assert.Equal(2, data.UserCount[a]);
    }
}
