using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Infrastructure.Jobs;

/// <summary>
/// Puts the declared jobs and their recurring triggers into the store once the app has started (and migrated).
/// A cron trigger is left alone when it already has the declared schedule, so instances starting together do not
/// reset each other's next firing.
/// </summary>
internal sealed class JobRegistrar(
    ISchedulerFactory schedulers, IEnumerable<JobRegistration> registrations, IOptions<JobsOptions> options,
    IHostApplicationLifetime lifetime, ILogger<JobRegistrar> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await Started(lifetime, stoppingToken))
        {
            return;
        }
        try
        {
            await RegisterAllAsync(await schedulers.GetScheduler(stoppingToken), registrations, options.Value, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Registering the declared jobs failed; recurring jobs will not fire until the next start");
        }
    }

    internal static async Task<bool> Started(IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (ct.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    public static async Task RegisterAllAsync(IScheduler scheduler, IEnumerable<JobRegistration> registrations, JobsOptions options, CancellationToken ct)
    {
        foreach (var job in registrations.GroupBy(r => r.Name).Select(g => g.Last()))
        {
            await EnsureJobAsync(scheduler, job, options, ct);
            var key = new TriggerKey(job.Name, JobsSetup.Group);
            var existing = await scheduler.GetTrigger(key, ct);
            if (job.Cron is null)
            {
                if (existing is not null)
                {
                    await scheduler.UnscheduleJob(key, ct);
                }
                continue;
            }
            if (existing is ICronTrigger cron && cron.CronExpressionString == job.Cron)
            {
                continue;
            }
            var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(new JobKey(job.Name, JobsSetup.Group))
                .WithDescription(job.Description)
                .WithSchedule(CronScheduleBuilder.Create(job.Cron).InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .WithRetryPolicy(RetryPolicyOf(options))
                .Build();
            // Instances start together: when the trigger is new, the first one stored wins (replacing it would reset an
            // occurrence another instance has just fired, and it would fire again). Only a changed schedule replaces it.
            await scheduler.ScheduleTrigger(trigger, existing is null ? TriggerConflict.Keep : TriggerConflict.Replace, ct);
        }
    }

    /// <summary>Stores (or updates) the durable job; it asks for recovery, so a firing cut off by a crash runs again.</summary>
    public static async Task EnsureJobAsync(IScheduler scheduler, JobRegistration job, JobsOptions options, CancellationToken ct)
    {
        var detail = JobBuilder.Create().OfType(job.JobType).WithIdentity(job.Name, JobsSetup.Group).WithDescription(job.Description)
            .StoreDurably(true).RequestRecovery(true)
            .DisallowConcurrentExecution(job.JobType.IsDefined(typeof(DisallowConcurrentExecutionAttribute), inherit: true))
            .Build();
        var stored = await scheduler.GetJobDetail(detail.Key, ct);
        if (stored is not null && stored.JobType.Equals(detail.JobType) && stored.Description == detail.Description && stored.RequestsRecovery
            && stored.ConcurrentExecutionDisallowed == detail.ConcurrentExecutionDisallowed)
        {
            return;
        }
        await scheduler.AddJob(detail, AddJobOptions.Replacing, ct);
    }

    public static RetryPolicy RetryPolicyOf(JobsOptions options) => options.MaxRetries == 0
        ? RetryPolicy.None
        : RetryPolicy.Exponential(options.MaxRetries, options.RetryDelay, 2, options.MaxRetryDelay);
}
