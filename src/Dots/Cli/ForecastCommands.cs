using System.CommandLine;

namespace Dots.Cli;

/// <summary>`dots forecast ...`: the front of Dots.Forecast.</summary>
internal static class ForecastCommands
{
    public static Command Create() => new("forecast", "Demand forecasting on wide CSV series files.");
}
