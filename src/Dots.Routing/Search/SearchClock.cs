using System.Diagnostics;

namespace Dots.Routing.Search;

/// <summary>
/// The clock a time limit is measured on: wall time (the default), or the CPU time of the process,
/// which makes budgets comparable on a shared machine where the solver gets only part of a core.
/// </summary>
internal sealed class SearchClock
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart;
    private readonly bool _cpu;

    private SearchClock(bool cpu)
    {
        _cpu = cpu;
        if (cpu) _cpuAtStart = Environment.CpuUsage.TotalTime;
    }

    public static SearchClock Wall() => new(false);

    public static SearchClock Cpu() => new(true);

    /// <summary>Time spent on the clock's own terms (wall or CPU).</summary>
    public TimeSpan Elapsed => _cpu ? Environment.CpuUsage.TotalTime - _cpuAtStart : _wall.Elapsed;

    /// <summary>Wall time, whatever the clock measures.</summary>
    public TimeSpan WallElapsed => _wall.Elapsed;
}
