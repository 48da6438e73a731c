using System.CommandLine;

namespace Dots.Cli;

/// <summary>`dots recs ...`: the front of Dots.Recommend.</summary>
internal static class RecsCommands
{
    public static Command Create() => new("recs", "Recommendations from implicit feedback (user,item rows).");
}
