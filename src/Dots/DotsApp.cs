using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Seeding;
using Dots.Infrastructure.Http;
using Dots.Modules.Catalog;
using Dots.Modules.CoCreation;
using Dots.Modules.Demand;
using Dots.Modules.Delivery;
using Dots.Modules.Identity;
using Dots.Modules.Notifications;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Modules.Personalization;
using Dots.Modules.Rentals;
using Dots.Modules.Stores;
using Dots.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Scalar.AspNetCore;

namespace Dots;

/// <summary>Composition: every module registered and mapped in one visible place.</summary>
public static class DotsApp
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplication Build(string[] args)
    {
        // The application name is fixed so static web assets resolve even when another program (a test, the CLI bench) hosts us.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(DotsApp).Assembly.GetName().Name });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:5080");
        }
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DataPaths(sp.GetRequiredService<IConfiguration>()["DataDir"] ?? DataPaths.DefaultDir()));
        services.AddDotsDatabase();
        // Registered first, so the database is migrated (and seeded) before any other hosted service — the job
        // scheduler, the outbox dispatcher — starts, and before the server takes its first request.
        services.AddHostedService<DatabaseInitializer>();
        services.AddIdempotency(builder.Configuration);

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Instance ??= c.HttpContext.Request.Path);
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddDotsOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddOptions<SeedOptions>().BindConfiguration("Seed").ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration("RateLimits").ValidateDataAnnotations().ValidateOnStart();
        var limits = builder.Configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o => ConfigureRateLimits(o, limits));

        // Platform engines: domain events (transactional outbox) and the job scheduler (Quartz).
        services.AddDomainEvents(builder.Configuration);
        services.AddDotsJobs(builder.Configuration);
        // The modules: adding one is a folder under Modules/ and two lines, here and in Configure.
        services.AddIdentityModule();
        services.AddCatalog();
        services.AddOrdering(builder.Configuration);
        services.AddPayments(builder.Configuration);
        services.AddNotifications(builder.Configuration);
        services.AddCoCreation(builder.Configuration);
        services.AddPersonalization(builder.Configuration);
        services.AddDemand(builder.Configuration);
        services.AddRentals();
        services.AddStores(builder.Configuration);
        services.AddDelivery(builder.Configuration);
        services.AddDotsWeb();

        var app = builder.Build();
        Configure(app);
        return app;
    }

    private static void Configure(WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<RequestSizeGuard>();
        app.UseStaticFiles();
        var paths = app.Services.GetRequiredService<DataPaths>();
        app.UseStaticFiles(new StaticFileOptions { RequestPath = "/media", FileProvider = new PhysicalFileProvider(paths.MediaDir) });
        app.UseAuthentication();
        app.UseMiddleware<ApiCookieForgeryGuard>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapHealthChecks("/health");
        app.MapOpenApi();
        app.MapScalarApiReference("/api-docs", o => o.WithTitle("Dots API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapIdentityModule();
        app.MapCatalog();
        app.MapOrdering();
        app.MapPayments();
        app.MapNotifications();
        app.MapCoCreation();
        app.MapPersonalization();
        app.MapDemand();
        app.MapRentals();
        app.MapStores();
        app.MapDelivery();
        app.MapJobsOperatorActions();
        app.MapDotsWeb();
    }

    private static void ConfigureRateLimits(RateLimiterOptions o, RateLimitOptions limits)
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = async (context, ct) =>
        {
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await Results.Problem(statusCode: 429, title: "Too many requests.", detail: "Slow down and retry after the time in the Retry-After header.")
                .ExecuteAsync(context.HttpContext);
        };
        // Partitioned per signed-in user, else per client address. Limits are per instance (see ADR 0004).
        o.AddPolicy(IdentityApi.AuthRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
            "ip:" + http.Connection.RemoteIpAddress,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.AuthPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
        o.AddPolicy(OrderingApi.OrdersRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
            http.User.UserIdOrNull() is { } user ? "user:" + user : "ip:" + http.Connection.RemoteIpAddress,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.OrdersBurst,
                TokensPerPeriod = limits.OrdersPerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
    }
}

/// <summary>Migrates (and on a fresh database seeds) before any other hosted service starts or the server takes a request.</summary>
internal sealed class DatabaseInitializer(IServiceProvider services, Microsoft.Extensions.Options.IOptions<SeedOptions> seed, IHostEnvironment environment) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        await DatabaseSetup.MigrateAsync(db, cancellationToken);
        var seeder = ActivatorUtilities.CreateInstance<Dots.Infrastructure.Seeding.DemoSeeder>(scope.ServiceProvider);
        await seeder.EnsureReferenceDataAsync(cancellationToken);
        if (seed.Value.Demo ?? environment.IsDevelopment())
        {
            await seeder.SeedIfEmptyAsync(null, cancellationToken);
            await services.RunDemoSeedContributorsAsync(null, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Rejects bodies over the endpoint's limit with a 413 problem from the declared Content-Length, before reading them
/// (Kestrel enforces the same limit on the stream for bodies without a length).
/// </summary>
internal sealed class RequestSizeGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? DotsApp.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await Results.Problem(statusCode: 413, title: "The request body is too large.", detail: $"The limit for this endpoint is {limit} bytes.").ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        await next(context);
    }
}
