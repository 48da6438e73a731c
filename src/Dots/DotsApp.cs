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
        services.AddSharedRateLimits(builder.Configuration);
        services.AddProxyTrust(builder.Configuration);

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
        services.AddStores(builder.Configuration);
        services.AddRentals();
        services.AddDelivery(builder.Configuration);
        services.AddDotsWeb();

        var app = builder.Build();
        Configure(app);
        return app;
    }

    private static void Configure(WebApplication app)
    {
        // First: everything after it (HSTS, rate limits, logs) sees the client's real address and scheme behind a trusted proxy.
        app.UseProxyTrust();
        app.UseMiddleware<RequestPressure.Counter>();
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<RequestSizeGuard>();
        app.UseStaticFiles();
        var paths = app.Services.GetRequiredService<DataPaths>();
        // Uploaded media never change under a name (each upload gets a new id), so browsers may keep them for a year (ADR 0025).
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/media",
            FileProvider = new PhysicalFileProvider(paths.MediaDir),
            OnPrepareResponse = f => f.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
        });
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
        // API clients get a 429 ProblemDetails; a person submitting a page's form gets the page again, saying how long to wait.
        o.OnRejected = RateLimitedPages.OnRejectedAsync;
        // Partitioned per signed-in user, else per client address — the real one behind a trusted proxy (ForwardedHeaders,
        // ADR 0022). On PostgreSQL every instance counts in one shared store; on SQLite each counts in memory (ADR 0004).
        // Only submissions count: reading the sign-in page is free, posting it (web form or API) is an attempt.
        o.AddPolicy(IdentityApi.AuthRateLimit, http => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            ? RateLimitPartition.GetNoLimiter("read")
            : SharedRateLimits.FixedWindow(http, "auth:" + http.ClientAddressKey(), limits.AuthPerMinute, TimeSpan.FromMinutes(1)));
        o.AddPolicy(OrderingApi.OrdersRateLimit, http =>
        {
            var key = http.User.UserIdOrNull() is { } user ? "user:" + user : http.ClientAddressKey();
            // Shared: a one-minute window of what the in-memory bucket lets through in a minute (its burst, refilled up to the burst).
            return http.RequestServices.GetRequiredService<SharedRateLimits>().Enabled
                ? SharedRateLimits.FixedWindow(http, "orders:" + key, Math.Min(limits.OrdersBurst, limits.OrdersPerMinute), TimeSpan.FromMinutes(1))
                : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.OrdersBurst,
                    TokensPerPeriod = limits.OrdersPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
        });
    }
}

/// <summary>Migrates (and on a fresh database seeds) before any other hosted service starts or the server takes a request.</summary>
internal sealed class DatabaseInitializer(IServiceProvider services, Microsoft.Extensions.Options.IOptions<SeedOptions> seed, IHostEnvironment environment) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        // Instances started together on one PostgreSQL take turns (ADR 0022): the first migrates, seeds and creates the
        // data-protection key every instance will share; the others find all of it done.
        await DatabaseSetup.UnderStartupLockAsync(db, async () =>
        {
            await DatabaseSetup.MigrateAsync(db, cancellationToken);
            var seeder = ActivatorUtilities.CreateInstance<Dots.Infrastructure.Seeding.DemoSeeder>(scope.ServiceProvider);
            await seeder.EnsureReferenceDataAsync(cancellationToken);
            if (seed.Value.Demo ?? environment.IsDevelopment())
            {
                await seeder.SeedIfEmptyAsync(null, cancellationToken);
                await services.RunDemoSeedContributorsAsync(null, cancellationToken);
            }
            EnsureSharedDataProtectionKey(scope.ServiceProvider);
        }, cancellationToken);
    }

    /// <summary>
    /// Creates the first data-protection key under the startup lock, so instances started at once share one key
    /// instead of each making its own (a cookie or bearer token from one would not open on the other until the key
    /// rings refresh).
    /// </summary>
    private static void EnsureSharedDataProtectionKey(IServiceProvider provider)
    {
        var keys = provider.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>();
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(7)))
        {
            keys.CreateNewKey(now, now.AddDays(90));
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
