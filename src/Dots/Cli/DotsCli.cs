using System.CommandLine;

namespace Dots.Cli;

internal static class DotsCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Dots: the open-source platform that connects the people who buy with the people who make.");
        root.Subcommands.Add(RouteCommands.Create());
        root.Subcommands.Add(ForecastCommands.Create());
        root.Subcommands.Add(RecsCommands.Create());
        var bench = new Command("bench", "Benchmarks that report ratios against a baseline measured in the same run.");
        bench.Subcommands.Add(RouteCommands.CreateBench());
        root.Subcommands.Add(bench);
        return await root.Parse(args).InvokeAsync();
    }
}
