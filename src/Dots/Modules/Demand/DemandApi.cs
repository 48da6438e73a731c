using System.Text.Json;
using System.Threading.RateLimiting;
using Dots.Infrastructure;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Demand;

public static class DemandApi
{
    public const string EventsRateLimit = "demand-events";

    public static IServiceCollection AddDemand(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemandOptions>().BindConfiguration("Demand").ValidateDataAnnotations()
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Demand:TimeZone must be a known time zone id (e.g. Asia/Seoul).")
            .ValidateOnStart();
        var options = configuration.GetSection("Demand").Get<DemandOptions>() ?? new DemandOptions();
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(EventsRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
            http.User.UserIdOrNull() is { } user ? "user:" + user : "ip:" + http.Connection.RemoteIpAddress,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RequestBurst,
                TokensPerPeriod = options.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            })));
        services.AddSingleton<ProductDirectory>();
        services.AddSingleton<DemandLiveFeed>();
        services.AddSingleton<DemandWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DemandWriter>());
        services.AddHostedService<DemandNotifyBridge>();
        services.AddScoped<DemandIngestion>();
        services.AddScoped<DemandStore>();
        services.AddScoped<DemandPartitions>();
        services.AddHostedService<DemandPartitionStartup>();
        services.AddScoped<DemandService>();
        services.AddScoped<DemandForecasting>();
        services.AddScoped(sp => new ServerSignals(sp.GetRequiredService<DemandWriter>(), sp.GetRequiredService<ProductDirectory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddEventHandler<OrderPaid, OrderPaidSignal>();
        services.AddEventHandler<OrderCancelled, OrderCancelledSignal>();
        services.AddEventHandler<StockDepleted, StockDepletedSignal>();
        services.AddEventHandler<Dots.Modules.CoCreation.IdeaVoted, IdeaVotedSignal>();
        services.AddEventHandler<Dots.Modules.CoCreation.PledgePlaced, PledgePlacedSignal>();
        services.AddEventHandler<Dots.Modules.CoCreation.CampaignSettled, CampaignSettledSignal>();
        services.AddDemoSeed<DemandDemoSeed>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<DemandForecastJob>(
            DemandForecastJob.Name, options.ForecastCron, "Forecasts every active variant's daily demand for the next weeks (one batch, one core).")
            .Recurring<DemandPartitionJob>(DemandPartitionJob.Name, options.PartitionCron,
                "PostgreSQL: creates the raw event table's day partitions ahead, moves days that reached DEFAULT into their own, drops days past the retention (if set)."));
        return services;
    }

    public static IEndpointRouteBuilder MapDemand(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", IngestEvents).WithTags("Demand").AllowAnonymous().RequireRateLimiting(EventsRateLimit)
            .WithName("IngestEvents")
            .WithSummary("Record a batch of demand signals from the browser")
            .WithDescription("`{ \"events\": [ { \"type\": \"view|search|cart_add|cart_remove|rec_impression|rec_click\", \"productId\", \"variantId\", \"query\", "
                + "\"resultCount\", \"quantity\", \"sessionId\", \"at\" } ] }` → 202 with how many were accepted and, per bad event, its index and reason; "
                + "the good ones are kept. A body that is not a batch is 400. 429 with Retry-After when the writer is behind (nothing of that batch was kept). "
                + "No personal data: the user id only when signed in, otherwise the anonymous session id (field or `X-Session-Id`).")
            .Accepts<JsonElement>("application/json")
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var shop = app.MapGroup("/api/shops/{shopId}/demand").WithTags("Demand").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        shop.MapGet("", ShopDemand).WithName("GetShopDemand")
            .WithSummary("A shop's demand per product: totals, time series and forecast")
            .WithDescription("Owner only (404 for anyone else). `granularity` is `hour` or `day` (default); `from`/`to` default to the last 28 days (2 days hourly). "
                + "`forecast` holds the newest stored daily forecast (mean and 10–90% band), daily granularity only.")
            .Produces<ShopDemandDto>()
            .ProducesValidationProblem();
        shop.MapGet("/suggestions", Suggestions).WithName("GetDemandSuggestions")
            .WithSummary("The shop's ranked \"make next\" list")
            .Produces<IReadOnlyList<SuggestionDto>>();
        shop.MapPut("/settings", SaveSettings).WithName("SaveDemandSettings")
            .WithSummary("Set the lead time (days) and service level (0.5–0.999) suggestions aim at")
            .Produces<DemandSettingsDto>()
            .ProducesValidationProblem();
        shop.MapPost("/forecast", RefreshForecast).WithName("RefreshDemandForecast")
            .WithSummary("Forecast the shop's variants (or one, with ?variantId=) now")
            .Produces(StatusCodes.Status200OK);
        return app;
    }

    internal static async Task<IResult> IngestEvents(HttpContext http, DemandIngestion ingestion, DemandWriter writer, IOptions<DemandOptions> options, CancellationToken ct)
    {
        var reader = http.Request.BodyReader;
        System.IO.Pipelines.ReadResult read;
        while (true)
        {
            // The whole body (at most MaxEventsPerRequest events), parsed in place from the pipe's buffers.
            read = await reader.ReadAsync(ct);
            if (read.IsCompleted || read.IsCanceled) break;
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        List<DemandEvent> accepted;
        List<EventRejection> rejected;
        try
        {
            var parsing = ingestion.ParseAsync(read.Buffer, http.User.UserIdOrNull(), http.Request.Headers["X-Session-Id"].FirstOrDefault(), ct);
            reader.AdvanceTo(read.Buffer.End);
            (accepted, rejected) = await parsing;
        }
        catch (JsonException)
        {
            throw new RequestValidationException("events", "The body must be JSON: { \"events\": [ … ] }.");
        }
        if (writer.TryEnqueue(accepted, out var durable) == EnqueueResult.Full)
        {
            http.Response.Headers.RetryAfter = "1";
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many events right now.",
                detail: "The event writer is behind; nothing of this batch was kept. Retry after the time in the Retry-After header.");
        }
        // Wait (briefly) for the batch to be durable; past the wait it is queued in memory and written as soon as the database allows.
        await Task.WhenAny(durable, Task.Delay(options.Value.AckWaitMilliseconds, ct));
        return Results.Json(new IngestResponse(accepted.Count, rejected), statusCode: StatusCodes.Status202Accepted);
    }

    internal static async Task<IResult> ShopDemand(string shopId, DateTimeOffset? from, DateTimeOffset? to, string? granularity, HttpContext http, DemandService demand, CancellationToken ct) =>
        Results.Ok(await demand.ShopDemandAsync(shopId, http.User.UserId(), from, to, granularity, ct));

    internal static async Task<IResult> Suggestions(string shopId, HttpContext http, DemandService demand, CancellationToken ct)
    {
        await demand.OwnedShopAsync(shopId, http.User.UserId(), ct);
        return Results.Ok(await demand.SuggestionsAsync(shopId, ct));
    }

    internal static async Task<IResult> SaveSettings(string shopId, DemandSettingsDto settings, HttpContext http, DemandService demand, CancellationToken ct) =>
        Results.Ok(await demand.SaveSettingsAsync(shopId, http.User.UserId(), settings, ct));

    internal static async Task<IResult> RefreshForecast(string shopId, string? variantId, HttpContext http, DemandService demand, DemandForecasting forecasting, CancellationToken ct)
    {
        await demand.OwnedShopAsync(shopId, http.User.UserId(), ct);
        var count = await forecasting.RunAsync(shopId, variantId, ct);
        return Results.Ok(new { forecasted = count });
    }
}
