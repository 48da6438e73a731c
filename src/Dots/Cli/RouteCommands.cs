using System.CommandLine;

namespace Dots.Cli;

/// <summary>`dots route ...` and `dots bench route`: the front of Dots.Routing.</summary>
internal static class RouteCommands
{
    public static Command Create() => new("route", "Vehicle routing with time windows (Solomon / Gehring-Homberger files).");

    public static Command CreateBench() => new("route", "Benchmark the route solver against best-known solutions.");
}
