using Dots.Infrastructure.Database;
using Dots.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Dots.Infrastructure.Events;

public static class EventsSetup
{
    /// <summary>The outbox, its dispatcher and the `Events` options (ADR 0012). Register event types and handlers beside it.</summary>
    public static IServiceCollection AddDomainEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventsOptions>()
            // Tests run many short-lived instances; they must not wait seconds for a poll or a retry.
            .Configure<IHostEnvironment>((o, env) =>
            {
                if (env.IsEnvironment("Testing"))
                {
                    o.PollInterval = TimeSpan.FromMilliseconds(100);
                    o.Backoff = TimeSpan.FromMilliseconds(50);
                    o.MaxBackoff = TimeSpan.FromSeconds(1);
                    o.Lease = TimeSpan.FromSeconds(10);
                }
            })
            .Bind(configuration.GetSection("Events"))
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.Lease > TimeSpan.Zero && o.Backoff >= TimeSpan.Zero && o.MaxBackoff >= o.Backoff,
                "Events: PollInterval and Lease must be positive, Backoff not negative and MaxBackoff at least Backoff.")
            .Validate(o => o.MaxAttempts >= 1 && o.BatchSize >= 1 && o.RetainDelivered >= TimeSpan.Zero, "Events: MaxAttempts and BatchSize must be at least 1, RetainDelivered not negative.")
            .Validate(o => o.Concurrency is >= 1 and <= 64, "Events: Concurrency must be between 1 and 64.")
            .Validate(o => o.BusyRequests >= 1 && o.BusyConcurrency >= 1 && o.BusyConcurrency <= o.Concurrency,
                "Events: BusyRequests must be at least 1 and BusyConcurrency between 1 and Concurrency.")
            .Validate(o => o.BusyDeferral >= TimeSpan.Zero && o.BusyDeferral <= TimeSpan.FromMinutes(10),
                "Events: BusyDeferral must be between 00:00:00 and 00:10:00.")
            .ValidateOnStart();
        services.AddSingleton<EventRegistry>();
        services.AddSingleton<IEventPublisher, Outbox>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Http.RequestPressure>();
        services.AddSingleton<OutboxSaveInterceptor>();
        services.AddSingleton<OutboxCommitInterceptor>();
        services.ConfigureDbContext<SqliteDotsDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<OutboxSaveInterceptor>(), sp.GetRequiredService<OutboxCommitInterceptor>()));
        services.ConfigureDbContext<PostgresDotsDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<OutboxSaveInterceptor>(), sp.GetRequiredService<OutboxCommitInterceptor>()));
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<OutboxTrimJob>(
            OutboxTrimJob.Name, "0 15 3 * * ?", "Deletes delivered events older than Events:RetainDelivered (7 days)."));
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    /// <summary>Registers an event type under a stable name (default: the type's name), so the outbox can store and read it.</summary>
    public static IServiceCollection AddDomainEvent<TEvent>(this IServiceCollection services, string? name = null)
        where TEvent : class, IDomainEvent
    {
        services.AddSingleton(new EventTypeRegistration(typeof(TEvent), name ?? typeof(TEvent).Name));
        return services;
    }

    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> (resolved in its own scope per delivery) to <typeparamref name="TEvent"/>.
    /// Events published from now on get one delivery for it; the handler must be idempotent (ADR 0012).
    /// </summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services, string? eventName = null)
        where TEvent : class, IDomainEvent
        where THandler : class, IEventHandler<TEvent>
    {
        services.AddDomainEvent<TEvent>(eventName);
        services.AddScoped<THandler>();
        services.AddSingleton(new EventHandlerRegistration(typeof(TEvent), typeof(THandler).FullName!,
            (sp, e, ct) => sp.GetRequiredService<THandler>().HandleAsync((TEvent)e, ct)));
        return services;
    }
}
