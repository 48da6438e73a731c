using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Infrastructure.Jobs;

public enum JobRunState
{
    Running,
    Succeeded,
    Failed,
    /// <summary>The instance running it stopped or died mid-run; the job's recovery run (if any) is a later row.</summary>
    Interrupted,
}

/// <summary>One firing of a job on one instance: the history operators read (`dots jobs list`, /ops/jobs).</summary>
public sealed class JobRun
{
    /// <summary>Quartz's fire instance id: unique per firing, retries and recoveries included.</summary>
    public required string Id { get; init; }
    public required string JobName { get; init; }
    /// <summary>The trigger that fired it: the recurring schedule, or the one-off trigger of a run-now or run-at.</summary>
    public required string Trigger { get; init; }
    public required string Instance { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public JobRunState Status { get; set; }
    public string? Error { get; set; }
    /// <summary>1 for the first firing of an occurrence, n+1 for its n-th retry.</summary>
    public int Attempt { get; init; }
    public bool Recovering { get; init; }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> e)
    {
        e.ToTable("JobRuns");
        e.HasKey(r => r.Id);
        e.Property(r => r.Id).HasMaxLength(200);
        e.Property(r => r.JobName).HasMaxLength(200);
        e.Property(r => r.Trigger).HasMaxLength(200);
        e.Property(r => r.Instance).HasMaxLength(200);
        e.Property(r => r.Error).HasMaxLength(4000);
        e.HasIndex(r => new { r.JobName, r.StartedAt });
        e.HasIndex(r => r.Trigger);
    }
}
