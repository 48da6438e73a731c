using Dots.Infrastructure.Database;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using Quartz.Impl.AdoJobStore;
using Quartz.Impl.AdoJobStore.Common;

namespace Dots.Infrastructure.Jobs;

/// <summary>A job the application declares: recurring when it has a cron schedule, otherwise run on demand or at a given time.</summary>
public sealed record JobRegistration(string Name, Type JobType, string? Cron, string Description);

/// <summary>Declares the application's jobs (<c>services.AddDotsJobs(configuration, jobs => jobs.Recurring&lt;T&gt;(...))</c>).</summary>
public sealed class DotsJobsBuilder(IServiceCollection services)
{
    /// <summary>A job that fires on a cron schedule (Quartz syntax, seconds first, UTC), e.g. "0 * * * * ?" for every minute.</summary>
    public DotsJobsBuilder Recurring<TJob>(string name, string cron, string description) where TJob : class, IJob
    {
        if (!CronExpression.TryParse(cron, out _))
        {
            throw new ArgumentException($"'{cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week).", nameof(cron));
        }
        return Add<TJob>(name, cron, description);
    }

    /// <summary>A job with no schedule of its own: it runs when asked (`dots jobs run`, <see cref="IJobScheduler.RunNowAsync"/>) or at a time given later.</summary>
    public DotsJobsBuilder OnDemand<TJob>(string name, string description) where TJob : class, IJob => Add<TJob>(name, null, description);

    private DotsJobsBuilder Add<TJob>(string name, string? cron, string description) where TJob : class, IJob
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(new JobRegistration(name, typeof(TJob), cron, description));
        services.TryAddScoped<TJob>();
        return this;
    }
}

public static class JobsSetup
{
    public const string SchedulerName = "dots";
    public const string Group = "dots";

    /// <summary>
    /// The Quartz scheduler on the app's database (clustered on PostgreSQL, single-instance on SQLite), the job history
    /// and the jobs <paramref name="configure"/> declares (ADR 0012). Safe to call more than once: later calls only add jobs.
    /// </summary>
    public static IServiceCollection AddDotsJobs(this IServiceCollection services, IConfiguration configuration, Action<DotsJobsBuilder>? configure = null)
    {
        configure?.Invoke(new DotsJobsBuilder(services));
        if (services.Any(d => d.ServiceType == typeof(JobsMarker)))
        {
            return services;
        }
        services.AddSingleton<JobsMarker>();
        services.AddOptions<JobsOptions>()
            .Configure<IHostEnvironment>((o, env) =>
            {
                if (env.IsEnvironment("Testing"))
                {
                    o.IdleWaitTime = TimeSpan.FromSeconds(1);
                    o.ClusterCheckinInterval = TimeSpan.FromSeconds(1);
                    o.RetryDelay = TimeSpan.FromMilliseconds(200);
                    o.MaxRetryDelay = TimeSpan.FromSeconds(1);
                }
            })
            .Bind(configuration.GetSection("Jobs"))
            .Validate(o => o.IdleWaitTime >= TimeSpan.FromSeconds(1) && o.ClusterCheckinInterval > TimeSpan.Zero, "Jobs: IdleWaitTime must be at least 1 s (Quartz's floor) and ClusterCheckinInterval positive.")
            .Validate(o => o.MaxRetries >= 0 && o.RetryDelay >= TimeSpan.Zero && o.MaxRetryDelay >= o.RetryDelay && o.MaxConcurrency >= 1,
                "Jobs: MaxRetries not negative, RetryDelay not negative, MaxRetryDelay at least RetryDelay, MaxConcurrency at least 1.")
            .ValidateOnStart();

        // Every node needs its own id in a cluster; one per app instance (tests run several in one process).
        var instanceId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        services.AddQuartz(q =>
        {
            q.AddJobListener<JobHistoryListener>();
            q.UsePersistentStore(store =>
            {
                // The database is only known once configuration is complete (tests set it late), so the connection and
                // dialect are chosen when the store is built, from the same settings the DbContext uses.
                store.UseConnectionProvider(sp => QuartzDatabase.Provider(sp.GetRequiredService<DatabaseSettings>()));
                store.UseDriverDelegate(sp => QuartzDatabase.Delegate(sp.GetRequiredService<DatabaseSettings>()));
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = "qrtz_";
                    o.StoreJobDataAsStrings = true;
                    // A job cut off by a shutdown that does not wait is handed back for recovery, like a crashed node's.
                    o.RecoverFiringsCancelledByShutdown = true;
                });
            });
        });
        services.AddSingleton<IPostConfigureOptions<ClusteringOptions>, ClusterOnPostgres>();
        services.AddSingleton<IPostConfigureOptions<AdoJobStoreOptions>, LockOnPostgres>();
        services.AddSingleton<IPostConfigureOptions<QuartzSchedulerOptions>>(sp => new SchedulerTimings(sp.GetRequiredService<IOptions<JobsOptions>>(), instanceId));
        services.AddSingleton<IPostConfigureOptions<ThreadPoolOptions>, SchedulerConcurrency>();
        services.AddSingleton<IPostConfigureOptions<QuartzHostedServiceOptions>, HostedSchedulerOptions>();
        services.AddQuartzHostedService();
        services.AddSingleton<JobHistoryListener>();
        services.AddScoped<JobScheduler>();
        services.AddScoped<IJobScheduler>(sp => sp.GetRequiredService<JobScheduler>());
        services.AddHostedService<JobRegistrar>();
        return services;
    }

    private sealed class JobsMarker;

    private sealed class ClusterOnPostgres(DatabaseSettings settings, IOptions<JobsOptions> jobs) : IPostConfigureOptions<ClusteringOptions>
    {
        public void PostConfigure(string? name, ClusteringOptions options)
        {
            options.Enabled = settings.Provider == DatabaseProvider.Postgres;
            options.CheckinInterval = jobs.Value.ClusterCheckinInterval;
            options.CheckinMisfireThreshold = jobs.Value.ClusterCheckinInterval;
        }
    }

    private sealed class LockOnPostgres(DatabaseSettings settings) : IPostConfigureOptions<AdoJobStoreOptions>
    {
        public void PostConfigure(string? name, AdoJobStoreOptions options) => options.UseDbLocks = settings.Provider == DatabaseProvider.Postgres;
    }

    private sealed class SchedulerTimings(IOptions<JobsOptions> jobs, string instanceId) : IPostConfigureOptions<QuartzSchedulerOptions>
    {
        public void PostConfigure(string? name, QuartzSchedulerOptions options)
        {
            options.InstanceName = SchedulerName;
            options.InstanceId = instanceId;
            options.IdleWaitTime = jobs.Value.IdleWaitTime;
            options.ShutdownJobInterruption = ShutdownJobInterruption.WhenNotWaitingForJobs;
        }
    }

    private sealed class SchedulerConcurrency(IOptions<JobsOptions> jobs) : IPostConfigureOptions<ThreadPoolOptions>
    {
        public void PostConfigure(string? name, ThreadPoolOptions options) => options.MaxConcurrency = jobs.Value.MaxConcurrency;
    }

    private sealed class HostedSchedulerOptions(IOptions<JobsOptions> jobs) : IPostConfigureOptions<QuartzHostedServiceOptions>
    {
        public void PostConfigure(string? name, QuartzHostedServiceOptions options)
        {
            options.AutoStart = jobs.Value.RunJobs;
            // A stopping instance does not hold up a deploy: running jobs are cancelled and handed back for recovery.
            options.WaitForJobsToComplete = false;
        }
    }
}

/// <summary>Quartz's connection and SQL dialect for the app's database.</summary>
internal static class QuartzDatabase
{
    public static IDbProvider Provider(DatabaseSettings settings) => settings.Provider == DatabaseProvider.Postgres
        ? new DbProvider(DataSourceOptions.Providers.Npgsql, PostgresConnectionString(settings.ConnectionString))
        : new DbProvider(DataSourceOptions.Providers.Sqlite, settings.ConnectionString);

    /// <summary>
    /// Quartz gets a pool of its own, without the automatic statement preparation the app's own connections use: the
    /// store's lock and firing statements must not wait behind (or share prepared state with) request traffic.
    /// </summary>
    internal static string PostgresConnectionString(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0, ApplicationName = "dots-quartz" }.ToString();

    public static IDriverDelegate Delegate(DatabaseSettings settings) => settings.Provider == DatabaseProvider.Postgres
        ? new PostgreSQLDelegate()
        : new SQLiteDelegate();
}
