using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Dots.Infrastructure.Jobs;

/// <summary>Writes a <see cref="JobRun"/> row when a job starts and completes it when the job ends, on whichever instance ran it.</summary>
internal sealed class JobHistoryListener(IServiceScopeFactory scopes, TimeProvider clock, ILogger<JobHistoryListener> logger) : IJobListener
{
    public string Name => "dots-history";

    public async ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var jobName = context.JobDetail.Key.Name;
        if (context.Recovering && context.RecoveringTriggerKey is { } original)
        {
            // The firing this one recovers never finished: say so instead of leaving it Running for ever.
            await db.Set<JobRun>().Where(r => r.JobName == jobName && r.Trigger == original.Name && r.Status == JobRunState.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, JobRunState.Interrupted).SetProperty(r => r.Error, "The instance running it stopped; recovered by a later run."), CancellationToken.None);
        }
        db.Add(new JobRun
        {
            Id = context.FireInstanceId,
            JobName = jobName,
            // A recovery run is filed under the trigger it recovers, so a run-now's caller finds it.
            Trigger = (context.Recovering ? context.RecoveringTriggerKey?.Name : null) ?? context.Trigger.Key.Name,
            Instance = context.Scheduler.SchedulerInstanceId,
            StartedAt = clock.GetUtcNow(),
            Status = JobRunState.Running,
            Attempt = context.RetryAttempt + 1,
            Recovering = context.Recovering,
        });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        // Cancelled by a stopping instance: the firing is handed back for recovery (ADR 0012), so it did not fail.
        var status = context.Outcome == ExecutionOutcome.Cancelled || context.CancellationToken.IsCancellationRequested && (jobException is null || Cause(jobException) is OperationCanceledException)
            ? JobRunState.Interrupted
            : jobException is null ? JobRunState.Succeeded : JobRunState.Failed;
        var error = status == JobRunState.Interrupted ? "Stopped with its instance; handed back for recovery."
            : jobException is null ? null : Cause(jobException) is var e ? $"{e.GetType().Name}: {e.Message}" : null;
        if (error is { Length: > 4000 })
        {
            error = error[..4000];
        }
        var now = clock.GetUtcNow();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            await db.Set<JobRun>().Where(r => r.Id == context.FireInstanceId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Error, error), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the end of job {Job} run {Run}", context.JobDetail.Key.Name, context.FireInstanceId);
        }
    }

    /// <summary>The job's own exception, under Quartz's wrappers.</summary>
    private static Exception Cause(Exception e)
    {
        while (e is SchedulerException && e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }
}
