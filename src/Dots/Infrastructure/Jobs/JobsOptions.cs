namespace Dots.Infrastructure.Jobs;

/// <summary>The `Jobs` section.</summary>
public sealed class JobsOptions
{
    /// <summary>Whether this instance runs jobs. Off = it can still list and trigger them; another instance runs them.</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>How long an idle scheduler waits before looking at the store again (triggers added by other instances).</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a clustered instance checks in; peers take over its jobs when it misses check-ins (PostgreSQL only).</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Retries after the first failure of a firing.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The wait before the first retry; doubles per retry up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Jobs one instance runs side by side.</summary>
    public int MaxConcurrency { get; set; } = 4;
}
