using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Infrastructure.Jobs;

/// <summary>A declared job with its schedule, next firing and last run.</summary>
public sealed record JobSummary(
    string Name, string Description, string Schedule, DateTimeOffset? NextRun,
    DateTimeOffset? LastRun, JobRunState? LastStatus, string? LastError);

public sealed record JobRunInfo(
    string Id, string JobName, string Trigger, string Instance, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    JobRunState Status, string? Error, int Attempt, bool Recovering);

/// <summary>The jobs API modules and operators use; Quartz stays behind it (ADR 0012).</summary>
public interface IJobScheduler
{
    /// <summary>Every declared job with its schedule, next firing and last run.</summary>
    Task<IReadOnlyList<JobSummary>> ListAsync(CancellationToken ct);

    /// <summary>Fires a declared job now (on whichever instance picks it up); returns the run's trigger id. Unknown name: <see cref="NotFoundException"/>.</summary>
    Task<string> RunNowAsync(string name, CancellationToken ct);

    /// <summary>Fires a declared job once at <paramref name="at"/>, with <paramref name="data"/> in its merged job data; returns the trigger id.</summary>
    Task<string> ScheduleOnceAsync(string name, DateTimeOffset at, IReadOnlyDictionary<string, string>? data, CancellationToken ct);

    /// <summary>The latest runs, newest first; of one job when <paramref name="name"/> is given.</summary>
    Task<IReadOnlyList<JobRunInfo>> RecentRunsAsync(string? name, int take, CancellationToken ct);

    /// <summary>The runs a trigger (from <see cref="RunNowAsync"/> or <see cref="ScheduleOnceAsync"/>) has caused so far, first first.</summary>
    Task<IReadOnlyList<JobRunInfo>> RunsOfAsync(string triggerId, CancellationToken ct);
}

internal sealed class JobScheduler(
    ISchedulerFactory schedulers, IEnumerable<JobRegistration> registrations, DotsDbContext db, IOptions<JobsOptions> options) : IJobScheduler
{
    private readonly Dictionary<string, JobRegistration> _jobs = registrations.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _jobs.Keys;

    public async Task<IScheduler> SchedulerAsync(CancellationToken ct) => await schedulers.GetScheduler(ct);

    public async Task<IReadOnlyList<JobSummary>> ListAsync(CancellationToken ct)
    {
        var scheduler = await SchedulerAsync(ct);
        var names = _jobs.Keys.ToList();
        var runs = await db.Set<JobRun>().AsNoTracking().Where(r => names.Contains(r.JobName))
            .GroupBy(r => r.JobName).Select(g => g.OrderByDescending(r => r.StartedAt).First()).ToListAsync(ct);
        var last = runs.ToDictionary(r => r.JobName);
        var list = new List<JobSummary>();
        foreach (var job in _jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal))
        {
            var triggers = await scheduler.QueryTriggers(new TriggerQuery { Job = new JobKey(job.Name, JobsSetup.Group) }, ct);
            DateTimeOffset? next = null;
            foreach (var trigger in triggers.Items)
            {
                if (trigger.NextFireTimeUtc is { } at && (next is null || at < next))
                {
                    next = at;
                }
            }
            last.TryGetValue(job.Name, out var run);
            list.Add(new JobSummary(job.Name, job.Description, job.Cron ?? "on demand", next, run?.StartedAt, run?.Status, run?.Error));
        }
        return list;
    }

    public Task<string> RunNowAsync(string name, CancellationToken ct) => FireAsync(name, null, null, ct);

    public Task<string> ScheduleOnceAsync(string name, DateTimeOffset at, IReadOnlyDictionary<string, string>? data, CancellationToken ct) => FireAsync(name, at, data, ct);

    private async Task<string> FireAsync(string name, DateTimeOffset? at, IReadOnlyDictionary<string, string>? data, CancellationToken ct)
    {
        if (!_jobs.TryGetValue(name, out var job))
        {
            throw new NotFoundException($"No job is named '{name}'. Jobs: {string.Join(", ", _jobs.Keys.Order(StringComparer.Ordinal))}.");
        }
        var scheduler = await SchedulerAsync(ct);
        await JobRegistrar.EnsureJobAsync(scheduler, job, options.Value, ct);
        var id = (at is null ? "run-" : "once-") + Ids.New();
        var builder = TriggerBuilder.Create().WithIdentity(id, JobsSetup.Group).ForJob(new JobKey(name, JobsSetup.Group))
            .WithRetryPolicy(JobRegistrar.RetryPolicyOf(options.Value));
        builder = at is { } when ? builder.StartAt(when) : builder.StartNow();
        foreach (var (key, value) in data ?? new Dictionary<string, string>())
        {
            builder = builder.UsingJobData(key, value);
        }
        await scheduler.ScheduleJob(builder.Build(), cancellationToken: ct);
        return id;
    }

    public async Task<IReadOnlyList<JobRunInfo>> RecentRunsAsync(string? name, int take, CancellationToken ct)
    {
        var runs = db.Set<JobRun>().AsNoTracking();
        if (name is not null)
        {
            runs = runs.Where(r => r.JobName == name);
        }
        return (await runs.OrderByDescending(r => r.StartedAt).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct)).Select(Info).ToList();
    }

    public async Task<IReadOnlyList<JobRunInfo>> RunsOfAsync(string triggerId, CancellationToken ct) =>
        (await db.Set<JobRun>().AsNoTracking().Where(r => r.Trigger == triggerId).OrderBy(r => r.StartedAt).ToListAsync(ct)).Select(Info).ToList();

    private static JobRunInfo Info(JobRun r) => new(r.Id, r.JobName, r.Trigger, r.Instance, r.StartedAt, r.FinishedAt, r.Status, r.Error, r.Attempt, r.Recovering);
}
