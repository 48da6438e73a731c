using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Http;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Dots.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
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
        services.AddSingleton(sp => new DataPaths(sp.GetRequiredService<IConfiguration>()["DataDir"] ?? "data"));
        services.AddDotsDatabase();
        services.AddScoped<Idempotency>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Instance ??= c.HttpContext.Request.Path);
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // Identity: bearer tokens for the API, cookies for the web UI; both protected by keys kept in the
        // database so every instance can read every other instance's tokens.
        services.AddDataProtection().SetApplicationName("Dots").PersistKeysToDbContext<DotsDbContext>();
        services.AddIdentityApiEndpoints<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DotsDbContext>();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/login";
            o.Events.OnRedirectToLogin = ApiAware(o.Events.OnRedirectToLogin, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ApiAware(o.Events.OnRedirectToAccessDenied, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorization();
        services.AddScoped<UserAdministration>();
        services.AddRateLimiter(o => ConfigureRateLimits(o, builder.Configuration));

        services.AddDomainEvents(builder.Configuration);
        services.AddDotsJobs(builder.Configuration);
        services.AddCatalog();
        services.AddOrdering(builder.Configuration);
        services.AddDotsWeb();
        services.AddTransient<IStartupFilter, DatabaseStartupFilter>();

        var app = builder.Build();
        Configure(app);
        return app;
    }

    private static void Configure(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<RequestSizeGuard>();
        app.UseStaticFiles();
        var paths = app.Services.GetRequiredService<DataPaths>();
        app.UseStaticFiles(new StaticFileOptions { RequestPath = "/media", FileProvider = new PhysicalFileProvider(paths.MediaDir) });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapHealthChecks("/health");
        app.MapOpenApi();
        app.MapScalarApiReference("/api-docs", o => o.WithTitle("Dots API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapIdentityEndpoints();
        app.MapCatalogApi();
        app.MapOrderingApi();
        app.MapJobsOperatorActions();
        app.MapDotsWeb();
    }

    private static Func<Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>, Task> ApiAware(
        Func<Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>, Task> web, int status) =>
        context =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.StatusCode = status;
                return Task.CompletedTask;
            }
            return web(context);
        };

    private static void ConfigureRateLimits(RateLimiterOptions o, IConfiguration configuration)
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
                PermitLimit = configuration.GetValue("RateLimits:AuthPerMinute", 30),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
        o.AddPolicy(OrderingApi.OrdersRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
            http.User.UserIdOrNull() is { } user ? "user:" + user : "ip:" + http.Connection.RemoteIpAddress,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = configuration.GetValue("RateLimits:OrdersBurst", 60),
                TokensPerPeriod = configuration.GetValue("RateLimits:OrdersPerMinute", 120),
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
    }
}

/// <summary>Migrates (and on a fresh database seeds) before the server takes its first request.</summary>
internal sealed class DatabaseStartupFilter(IServiceProvider services, IConfiguration configuration) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            DatabaseSetup.MigrateAsync(db, CancellationToken.None).GetAwaiter().GetResult();
            var seeder = ActivatorUtilities.CreateInstance<Dots.Infrastructure.Seeding.DemoSeeder>(scope.ServiceProvider);
            seeder.EnsureReferenceDataAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (configuration.GetValue("Seed:Demo", true))
            {
                seeder.SeedIfEmptyAsync(null, CancellationToken.None).GetAwaiter().GetResult();
            }
        }
        return next;
    }
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
