using System.CommandLine;
using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Jobs;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Cli;

/// <summary>`dots jobs list` and `dots jobs run NAME`: the scheduler's jobs for operators, through the same store the servers use.</summary>
internal static class JobsCommands
{
    public static Command Create()
    {
        var jobs = new Command("jobs", "Scheduled jobs: list them with their last runs, or run one now.");

        var list = new Command("list", "List the jobs: schedule, next run, last run and its status.") { TreatUnmatchedTokensAsErrors = false };
        list.SetAction(async (parse, ct) =>
        {
            await using var app = DotsApp.Build(DotsCli.HostArgs(parse));
            await using var scope = app.Services.CreateAsyncScope();
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
            var scheduler = scope.ServiceProvider.GetRequiredService<JobScheduler>();
            await JobRegistrar.RegisterAllAsync(await scheduler.SchedulerAsync(ct), app.Services.GetServices<JobRegistration>(), app.Services.GetRequiredService<IOptions<JobsOptions>>().Value, ct);
            PrintTable(await scheduler.ListAsync(ct));
            return 0;
        });
        jobs.Subcommands.Add(list);

        var run = new Command("run", "Run a job now and wait for its result (exit 0 when it succeeded, 1 when it failed, 2 for an unknown name).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var name = new Argument<string>("name") { Description = "The job's name, as `dots jobs list` shows it." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the run to finish.", DefaultValueFactory = _ => 300 };
        run.Arguments.Add(name);
        run.Options.Add(timeout);
        run.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(name)!, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct));
        jobs.Subcommands.Add(run);
        return jobs;
    }

    private static async Task<int> RunAsync(ParseResult parse, string name, TimeSpan timeout, CancellationToken ct)
    {
        await using var app = DotsApp.Build(DotsCli.HostArgs(parse));
        await using var scope = app.Services.CreateAsyncScope();
        await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
        var jobs = scope.ServiceProvider.GetRequiredService<JobScheduler>();
        if (!jobs.Names.Contains(name))
        {
            await Console.Error.WriteLineAsync($"error: no job is named '{name}'. Jobs: {string.Join(", ", jobs.Names.Order(StringComparer.Ordinal))}.");
            return 2;
        }
        // This process joins the scheduler (a cluster node on PostgreSQL) for the length of the run, so the job runs even
        // when no server is up; whichever node acquires the trigger runs it, once.
        var scheduler = await jobs.SchedulerAsync(ct);
        var options = app.Services.GetRequiredService<IOptions<JobsOptions>>().Value;
        await JobRegistrar.RegisterAllAsync(scheduler, app.Services.GetServices<JobRegistration>(), options, ct);
        await scheduler.Start(ct);
        try
        {
            var id = await jobs.RunNowAsync(name, ct);
            Console.Error.WriteLine($"Running {name} (trigger {id})…");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(timeout);
            JobRunInfo? last = null;
            while (true)
            {
                var runs = await jobs.RunsOfAsync(id, ct);
                last = runs.LastOrDefault(r => r.Status != JobRunState.Running);
                if (last is { Status: JobRunState.Succeeded } || last is not null && last.Attempt > options.MaxRetries)
                {
                    break;
                }
                try
                {
                    await Task.Delay(200, deadline.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    break;
                }
            }
            if (last is null)
            {
                Console.WriteLine($"{name}: not finished within {timeout.TotalSeconds:0} s; see `dots jobs list` or /ops/jobs for its result.");
                return 1;
            }
            var took = last.FinishedAt is { } end ? $" in {(end - last.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "";
            Console.WriteLine($"{name}: {last.Status} on {last.Instance}{took} (attempt {last.Attempt}){(last.Error is null ? "" : ": " + last.Error)}");
            return last.Status == JobRunState.Succeeded ? 0 : 1;
        }
        finally
        {
            await scheduler.Shutdown(true, CancellationToken.None);
        }
    }

    private static void PrintTable(IReadOnlyList<JobSummary> jobs)
    {
        static string When(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
        var rows = jobs.Select(j => new[] { j.Name, j.Schedule, When(j.NextRun), When(j.LastRun), j.LastStatus?.ToString() ?? "-" }).ToList();
        string[] header = ["NAME", "SCHEDULE", "NEXT RUN", "LAST RUN", "LAST STATUS"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
        foreach (var failed in jobs.Where(j => j.LastStatus == JobRunState.Failed))
        {
            Console.WriteLine($"{failed.Name} last failed: {failed.LastError}");
        }
    }
}
