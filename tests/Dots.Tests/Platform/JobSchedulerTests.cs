using System.Collections.Concurrent;
using Bunit;
using Dots.Infrastructure.Jobs;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Dots.Tests.Platform;

/// <summary>Counts its firings per trigger and per scheduled fire time, and who ran them.</summary>
internal sealed class CountingJob : IJob
{
    public static readonly ConcurrentDictionary<string, int> ByTrigger = new();
    public static readonly ConcurrentQueue<(string Trigger, DateTimeOffset Scheduled, string Instance)> Fired = new();

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ByTrigger.AddOrUpdate(context.Trigger.Key.Name, 1, (_, n) => n + 1);
        Fired.Enqueue((context.Trigger.Key.Name, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.Scheduler.SchedulerInstanceId));
        return ValueTask.CompletedTask;
    }
}

/// <summary>Fails its first two firings of each trigger, then succeeds.</summary>
internal sealed class FlakyJob : IJob
{
    public static readonly ConcurrentDictionary<string, int> Attempts = new();

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var attempt = Attempts.AddOrUpdate(context.Trigger.Key.Name, 1, (_, n) => n + 1);
        return attempt <= 2 ? throw new InvalidOperationException($"flaky failure {attempt}") : ValueTask.CompletedTask;
    }
}

/// <summary>Hangs until cancelled the first time it runs for a run id; completes when it runs again as a recovery.</summary>
internal sealed class InterruptibleJob : IJob
{
    public static readonly ConcurrentDictionary<string, bool> Started = new();
    public static readonly ConcurrentDictionary<string, bool> Recovered = new();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var run = context.MergedJobDataMap.GetString("run")!;
        if (context.Recovering)
        {
            Recovered[run] = true;
            return;
        }
        Started[run] = true;
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}

/// <summary>
/// An instance that declares the test jobs but runs none (it only schedules and reads history); the tests start
/// instances that run jobs with <see cref="Running"/>, on the same database.
/// </summary>
public sealed class JobsPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Jobs:RunJobs"] = "false" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddDotsJobs(new ConfigurationBuilder().Build(), jobs => jobs
            .OnDemand<CountingJob>("test.count", "Counts")
            .OnDemand<FlakyJob>("test.flaky", "Fails twice")
            .OnDemand<InterruptibleJob>("test.interruptible", "Hangs until stopped")));
    }

    public WebApplicationFactory<Program> Running(Action<IServiceCollection>? services = null) => WithWebHostBuilder(b =>
    {
        b.UseSetting("Jobs:RunJobs", "true");
        if (services is not null)
        {
            b.ConfigureServices(services);
        }
    });

    public async Task<T> JobsAsync<T>(Func<IJobScheduler, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<IJobScheduler>());
    }

    public async Task<IReadOnlyList<JobRunInfo>> WaitForRunsAsync(string triggerId, Func<IReadOnlyList<JobRunInfo>, bool> done, string what)
    {
        IReadOnlyList<JobRunInfo> runs = [];
        await Eventually.UntilAsync(async () => done(runs = await JobsAsync(j => j.RunsOfAsync(triggerId, CancellationToken.None))), what);
        return runs;
    }
}

public sealed class JobSchedulerTests(JobsPlatform platform) : IClassFixture<JobsPlatform>
{
    private static bool Finished(JobRunInfo r) => r.Status != JobRunState.Running;

    [Fact]
    public async Task RunNow_RunsTheJobOnAnInstanceThatRunsJobs_AndRecordsTheRun()
    {
        await using var runner = platform.Running();
        _ = runner.Services;

        var id = await platform.JobsAsync(j => j.RunNowAsync("test.count", CancellationToken.None));

        var runs = await platform.WaitForRunsAsync(id, r => r.Count == 1 && Finished(r[0]), "the run finished");
        Assert.Equal(JobRunState.Succeeded, runs[0].Status);
        Assert.Equal("test.count", runs[0].JobName);
        Assert.Equal(1, runs[0].Attempt);
        Assert.Equal(1, CountingJob.ByTrigger[id]);
        var listed = (await platform.JobsAsync(j => j.ListAsync(CancellationToken.None))).Single(s => s.Name == "test.count");
        Assert.Equal(JobRunState.Succeeded, listed.LastStatus);
        Assert.Equal("on demand", listed.Schedule);
    }

    [Fact]
    public async Task RunNow_OfAnUnknownJob_FailsNamingTheJobsThereAre()
    {
        var e = await Assert.ThrowsAsync<Dots.Infrastructure.NotFoundException>(() => platform.JobsAsync(j => j.RunNowAsync("no.such.job", CancellationToken.None)));
        Assert.Contains("test.count", e.Message);
    }

    [Fact]
    public async Task ScheduleOnce_RunsTheJobAtTheGivenTime_WithItsData()
    {
        await using var runner = platform.Running();
        _ = runner.Services;
        var at = DateTimeOffset.UtcNow.AddSeconds(1);

        var id = await platform.JobsAsync(j => j.ScheduleOnceAsync("test.interruptible", at, new Dictionary<string, string> { ["run"] = "unused" }, CancellationToken.None));
        var listed = (await platform.JobsAsync(j => j.ListAsync(CancellationToken.None))).Single(s => s.Name == "test.interruptible");

        await Eventually.UntilAsync(() => InterruptibleJob.Started.ContainsKey("unused"), "the one-off job started");
        var runs = await platform.JobsAsync(j => j.RunsOfAsync(id, CancellationToken.None));
        Assert.Single(runs);
        Assert.True(runs[0].StartedAt >= at.AddSeconds(-1), "a one-off job does not start before its time");
        Assert.NotNull(listed.NextRun);
    }

    [Fact]
    public async Task AFailingJob_IsRetriedWithBackoff_UntilItSucceeds()
    {
        await using var runner = platform.Running();
        _ = runner.Services;

        var id = await platform.JobsAsync(j => j.RunNowAsync("test.flaky", CancellationToken.None));

        var runs = await platform.WaitForRunsAsync(id, r => r.Any(x => x.Status == JobRunState.Succeeded), "a successful attempt");
        Assert.Equal([1, 2, 3], runs.Select(r => r.Attempt));
        Assert.Equal([JobRunState.Failed, JobRunState.Failed, JobRunState.Succeeded], runs.Select(r => r.Status));
        Assert.Contains("flaky failure 1", runs[0].Error);
        var failures = (await platform.JobsAsync(j => j.RecentRunsAsync("test.flaky", 50, CancellationToken.None))).Where(r => r.Trigger == id && r.Status == JobRunState.Failed);
        Assert.Equal(2, failures.Count());
    }

    [Fact]
    public async Task AJobCutOffByAStoppingInstance_IsRecoveredByTheNextInstance()
    {
        var run = Guid.NewGuid().ToString("N");
        string id;
        await using (var first = platform.Running())
        {
            _ = first.Services;
            id = await platform.JobsAsync(j => j.ScheduleOnceAsync("test.interruptible", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["run"] = run }, CancellationToken.None));
            await Eventually.UntilAsync(() => InterruptibleJob.Started.ContainsKey(run), "the job started on the first instance");
            // Disposing stops the instance without waiting for its jobs, as a crash or a hurried deploy would.
        }
        Assert.False(InterruptibleJob.Recovered.ContainsKey(run));

        await using var second = platform.Running();
        _ = second.Services;

        await Eventually.UntilAsync(() => InterruptibleJob.Recovered.ContainsKey(run), "the job recovered on the next instance");
        var runs = await platform.WaitForRunsAsync(id, r => r.Count == 2 && r.All(Finished), "both runs recorded");
        Assert.Equal([JobRunState.Interrupted, JobRunState.Succeeded], runs.Select(r => r.Status));
        Assert.True(runs[1].Recovering);
        Assert.NotEqual(runs[0].Instance, runs[1].Instance);
    }

    [PostgresFact]
    public async Task TwoInstancesOnOnePostgres_RunEachOneOffJobOnce()
    {
        await using var first = platform.Running();
        await using var second = platform.Running();
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));
        var at = DateTimeOffset.UtcNow.AddSeconds(2);

        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await platform.JobsAsync(j => j.ScheduleOnceAsync("test.count", at, null, CancellationToken.None)));
        }

        foreach (var id in ids)
        {
            await platform.WaitForRunsAsync(id, r => r.Count >= 1 && r.All(Finished), "the run finished");
        }
        foreach (var id in ids)
        {
            Assert.Equal(1, CountingJob.ByTrigger[id]);
            Assert.Single(await platform.JobsAsync(j => j.RunsOfAsync(id, CancellationToken.None)));
        }
    }

    [PostgresFact]
    public async Task TwoInstancesOnOnePostgres_FireEachOccurrenceOfARecurringJobOnce()
    {
        const string name = "test.every-second";
        void EverySecond(IServiceCollection s) => s.AddDotsJobs(new ConfigurationBuilder().Build(), jobs => jobs.Recurring<CountingJob>(name, "* * * * * ?", "Every second"));
        await using var first = platform.Running(EverySecond);
        await using var second = platform.Running(EverySecond);
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));

        await Eventually.UntilAsync(() => CountingJob.Fired.Count(f => f.Trigger == name) >= 6, "six occurrences");

        var fired = CountingJob.Fired.Where(f => f.Trigger == name).ToList();
        Assert.Equal(fired.Count, fired.Select(f => f.Scheduled).Distinct().Count());
    }
}

public sealed class JobSchedulerCliAndPageTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private string[] Args(params string[] command) => [.. command, .. platform.CliDatabaseArgs, "--Seed:Demo=false", "--Logging:LogLevel:Default=Warning"];

    [Fact]
    public async Task JobsRun_RunsTheJobThroughTheStore_AndExitsZeroWhenItSucceeded()
    {
        _ = platform.Services;

        var exit = await Dots.Cli.DotsCli.RunAsync(Args("jobs", "run", "ordering.sweep-stale-orders"));

        Assert.Equal(0, exit);
        await using var scope = platform.Services.CreateAsyncScope();
        var runs = await scope.ServiceProvider.GetRequiredService<IJobScheduler>().RecentRunsAsync("ordering.sweep-stale-orders", 50, CancellationToken.None);
        Assert.Contains(runs, r => r.Trigger.StartsWith("run-", StringComparison.Ordinal) && r.Status == JobRunState.Succeeded);
    }

    [Fact]
    public async Task JobsRun_ForAnUnknownName_ExitsWith2()
    {
        _ = platform.Services;
        Assert.Equal(2, await Dots.Cli.DotsCli.RunAsync(Args("jobs", "run", "no.such.job")));
    }

    [Fact]
    public async Task JobsList_ExitsZero()
    {
        _ = platform.Services;
        Assert.Equal(0, await Dots.Cli.DotsCli.RunAsync(Args("jobs", "list")));
    }

    [Fact]
    public async Task TheOperatorJobsPage_SendsAnAnonymousVisitorToSignIn()
    {
        var client = platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/ops/jobs");

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/login", response.Headers.Location!.ToString());
    }
}

public sealed class JobSchedulerPageTests : Dots.Tests.Web.WebTestContext
{
    private sealed class FakeJobs : IJobScheduler
    {
        private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);

        public Task<IReadOnlyList<JobSummary>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<JobSummary>>(
        [
            new("ordering.sweep-stale-orders", "Returns stock", "0 * * * * ?", At.AddMinutes(1), At, JobRunState.Failed, "TimeoutException: the database did not answer"),
            new("reports.nightly", "Builds reports", "on demand", null, null, null, null),
        ]);

        public Task<IReadOnlyList<JobRunInfo>> RecentRunsAsync(string? name, int take, CancellationToken ct) => Task.FromResult<IReadOnlyList<JobRunInfo>>(
        [
            new("f2", "ordering.sweep-stale-orders", "ordering.sweep-stale-orders", "node-b", At, At.AddSeconds(1), JobRunState.Failed, "TimeoutException: the database did not answer", 2, false),
            new("f1", "ordering.sweep-stale-orders", "ordering.sweep-stale-orders", "node-a", At.AddMinutes(-1), At.AddMinutes(-1), JobRunState.Succeeded, null, 1, false),
        ]);

        public Task<string> RunNowAsync(string name, CancellationToken ct) => throw new NotSupportedException();
        public Task<string> ScheduleOnceAsync(string name, DateTimeOffset at, IReadOnlyDictionary<string, string>? data, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<JobRunInfo>> RunsOfAsync(string triggerId, CancellationToken ct) => throw new NotSupportedException();
    }

    [Fact]
    public void TheOperatorJobsPage_ListsJobsTheirLastRunsAndFailuresWithTheirErrors_AndOffersRunNow()
    {
        Services.AddScoped<IJobScheduler, FakeJobs>();
        Static();

        var page = Render<Dots.Web.Components.Pages.Ops.JobsPage>();

        var jobs = page.Find("[data-testid=jobs]").TextContent;
        Assert.Contains("ordering.sweep-stale-orders", jobs);
        Assert.Contains("0 * * * * ?", jobs);
        Assert.Contains("never run", jobs);
        var failures = page.Find("[data-testid=failures]").TextContent;
        Assert.Contains("TimeoutException: the database did not answer", failures);
        Assert.Contains("node-b", failures);
        Assert.Equal(2, page.FindAll("[data-testid=runs] tbody tr").Count);
        var forms = page.FindAll("form[action='/ops/jobs/run'][method=post]");
        Assert.Equal(["ordering.sweep-stale-orders", "reports.nightly"], forms.Select(f => f.QuerySelector("input[name=name]")!.GetAttribute("value")));
    }
}
