using System.Globalization;
using System.Text.Json;
using Dots.Cli;

namespace Dots.Tests.Platform;

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>
/// The library commands as outside clients call them: exact flags, exact output formats. They redirect the
/// console, so they run alone.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class LibraryCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dots-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(CultureInfo.InvariantCulture), new StringWriter(CultureInfo.InvariantCulture));
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var exit = await DotsCli.RunAsync(args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public async Task ForecastPredict_WritesOneWideRowPerSeriesInInputOrder()
    {
        var train = Path.Combine(_dir, "train.csv");
        await File.WriteAllLinesAsync(train, ["\"id\",\"v1\",\"v2\",\"v3\",\"v4\",\"v5\",\"v6\"", "\"b\",\"10\",\"12\",\"11\",\"13\",\"12\",\"14\"", "\"a\",\"0\",\"0\",\"3\",\"0\",\"0\",\"2\""]);
        var output = Path.Combine(_dir, "out.csv");
        var (exit, _, err) = await RunAsync("forecast", "predict", "--train", train, "--horizon", "3", "--season", "1", "--out", output, "--quantiles", "0.1,0.9");
        Assert.True(exit == 0, err);
        var rows = (await File.ReadAllLinesAsync(output)).Where(l => !l.StartsWith("id", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["b", "a"], rows.Select(r => r.Split(',')[0].Trim('"')).ToArray());
        Assert.All(rows, r => Assert.Equal(4, r.Split(',').Length));
        Assert.True(File.Exists(Path.Combine(_dir, "out.q0.1.csv")));
        Assert.True(File.Exists(Path.Combine(_dir, "out.q0.9.csv")));
    }

    [Fact]
    public async Task ForecastPredict_WithHorizonZero_FailsWithAClearMessage()
    {
        var train = Path.Combine(_dir, "train.csv");
        await File.WriteAllLinesAsync(train, ["a,1,2,3"]);
        var (exit, _, err) = await RunAsync("forecast", "predict", "--train", train, "--horizon", "0", "--out", Path.Combine(_dir, "o.csv"));
        Assert.NotEqual(0, exit);
        Assert.Contains("horizon", err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AMistypedCommandLine_ExitsWith2AndSaysWhatIsWrong()
    {
        var (exit, _, err) = await RunAsync("forecast", "predict", "--horizon", "soon");
        Assert.Equal(2, exit);
        Assert.Contains("--train", err, StringComparison.Ordinal);
        Assert.Contains("dots forecast predict --help", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecsRecommend_WritesRankedUserItemRowsForEveryListedUser()
    {
        var train = Path.Combine(_dir, "train.csv");
        await File.WriteAllLinesAsync(train, ["user,item", "u1,milk", "u1,bread", "u2,milk", "u2,eggs", "u3,bread", "u3,eggs", "u3,milk"]);
        var users = Path.Combine(_dir, "users.csv");
        await File.WriteAllLinesAsync(users, ["user", "u1", "u2", "newcomer"]);
        var output = Path.Combine(_dir, "recs.csv");
        var (exit, _, err) = await RunAsync("recs", "recommend", "--train", train, "--users", users, "--k", "2", "--out", output);
        Assert.True(exit == 0, err);
        var rows = (await File.ReadAllLinesAsync(output)).Where(l => !l.StartsWith("user,", StringComparison.Ordinal)).Select(l => l.Split(',')).ToArray();
        Assert.All(rows, r => Assert.Equal(3, r.Length));
        Assert.Equal(["u1", "u2", "newcomer"], rows.Select(r => r[0]).Distinct().ToArray());
        Assert.Equal(["1", "2"], rows.Where(r => r[0] == "newcomer").Select(r => r[2]).ToArray());
        Assert.Equal("eggs", rows.Single(r => r[0] == "u1" && r[2] == "1")[1]);
    }

    [Fact]
    public async Task RecsRecommend_WithAMissingFile_NamesIt()
    {
        var (exit, _, err) = await RunAsync("recs", "recommend", "--train", Path.Combine(_dir, "nope.csv"), "--users", Path.Combine(_dir, "nope2.csv"), "--out", Path.Combine(_dir, "o.csv"));
        Assert.NotEqual(0, exit);
        Assert.Contains("nope.csv", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteSolve_PrintsOnlyTheJsonSolutionOnStandardOutput()
    {
        var file = Path.Combine(_dir, "tiny.txt");
        await File.WriteAllTextAsync(file, string.Join("\r\n",
            "TINY", "", "VEHICLE", "NUMBER     CAPACITY", "  3         20", "", "CUSTOMER",
            "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME", "",
            "    0      0          0          0          0       1000          0",
            "    1      10         0          5          0       1000         10",
            "    2      20         0          5          0       1000         10",
            "    3      0          10         5          0       1000         10",
            "    4      0          20         5          0       1000         10", ""));
        var (exit, stdout, err) = await RunAsync("route", "solve", file, "--time-limit", "1", "--seed", "7", "--json");
        Assert.True(exit == 0, err);
        using var json = JsonDocument.Parse(stdout);
        var routes = json.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal([1, 2, 3, 4], routes.SelectMany(r => r).Order().ToArray());
        Assert.Equal(routes.Length, json.RootElement.GetProperty("vehicles").GetInt32());
        // One van visits both arms: out along x, across the diagonal (√800), back down y.
        Assert.Equal(40 + Math.Sqrt(800), json.RootElement.GetProperty("distance").GetDouble(), 6);
        Assert.Equal(1, json.RootElement.GetProperty("vehicles").GetInt32());
    }
}
