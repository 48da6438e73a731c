using Dots.Infrastructure;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Seeding;
using Dots.Infrastructure.Signals;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Dots.Modules.Personalization;

/// <summary>Registration and HTTP surface of the Personalization module (ADR 0018).</summary>
public static class PersonalizationModule
{
    public static IServiceCollection AddPersonalization(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersonalizationOptions>().BindConfiguration("Personalization").ValidateDataAnnotations()
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.CatalogRefresh > TimeSpan.Zero, "Personalization:PollInterval and CatalogRefresh must be positive.")
            .Validate(o => o.ProfileCacheLife >= TimeSpan.Zero, "Personalization:ProfileCacheLife must not be negative.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TrainCron), "Personalization:TrainCron must be a Quartz cron expression.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ViewPruneCron), "Personalization:ViewPruneCron must be a Quartz cron expression.")
            .ValidateOnStart();
        services.AddMemoryCache();
        services.AddSingleton<CatalogView>();
        services.AddSingleton<ModelHost>();
        services.AddHostedService<ModelPoller>();
        services.AddScoped<ProfileStore>();
        services.AddScoped<RecommendationService>();
        services.AddScoped<ModelTrainer>();
        services.AddRecommendableItemSource<ProductItemSource>();
        services.AddDemoSeed<PersonalizationDemo>();
        services.AddClientSignalListener<ViewSignalListener>();
        services.AddScoped<ISearchPersonalizer, ModelSearchPersonalizer>();
        services.AddEventHandler<OrderPaid, OrderPaidForgetsProfile>();
        var cron = configuration["Personalization:TrainCron"] ?? new PersonalizationOptions().TrainCron;
        var pruneCron = configuration["Personalization:ViewPruneCron"] ?? new PersonalizationOptions().ViewPruneCron;
        services.AddDotsJobs(configuration, jobs => jobs
            .Recurring<RetrainJob>(RetrainJob.Name, cron,
                "Trains a new recommendation model version, validates it on recent orders and promotes it when it is not worse.")
            .Recurring<ViewPruneJob>(ViewPruneJob.Name, pruneCron,
                "Deletes product views older than Personalization:ViewRetentionDays."));
        // Signing in (the storefront's cookie) merges the anonymous session's views into the customer's.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            var previous = o.Events.OnSignedIn;
            o.Events.OnSignedIn = async context =>
            {
                await previous(context);
                if (context.Principal?.UserIdOrNull() is { } userId && SessionIds.From(context.HttpContext) is { } sessionId)
                {
                    await context.HttpContext.RequestServices.GetRequiredService<IServiceScopeFactory>()
                        .RunAsync((RecommendationService s) => s.MergeSessionAsync(sessionId, userId, context.HttpContext.RequestAborted));
                }
            };
        });
        return services;
    }

    public static WebApplication MapPersonalization(this WebApplication app)
    {
        // Pages: an anonymous visitor gets a session id cookie (random, no personal data, gone when the browser closes),
        // readable by demand's client script, which sends it as X-Session-Id with its signals.
        app.UseWhen(http => HttpMethods.IsGet(http.Request.Method) && !http.Request.Path.StartsWithSegments("/api")
                && http.Request.Cookies[SessionIds.Cookie] is null && http.User.Identity?.IsAuthenticated != true,
            web => web.Use((http, next) =>
            {
                http.Response.Cookies.Append(SessionIds.Cookie, Guid.NewGuid().ToString("N"),
                    new CookieOptions { HttpOnly = false, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/", IsEssential = true });
                return next(http);
            }));
        app.MapGroup("").ExcludeFromDescription().MapPost("/account/personalization", SwitchFromForm).RequireAuthorization();
        var recs = app.MapGroup("/api").WithTags("Personalization");
        recs.MapGet("/recommendations/for-you", ForYou).WithName("RecommendationsForYou")
            .WithSummary("Recommendations for the caller (signed in, or anonymous with X-Session-Id)")
            .WithDescription("Each item says why in the request's language (Accept-Language or the language cookie). Never an unpublished or "
                + "sold-out product nor one of the caller's own shop; no shop fills more than a third of the list. The non-personal list when "
                + "the caller is unknown or switched personalization off.")
            .ProducesValidationProblem();
        recs.MapGet("/recommendations/recently-viewed", RecentlyViewed).WithName("RecentlyViewed")
            .WithSummary("Products the caller (or the X-Session-Id session) viewed, newest first").ProducesValidationProblem();
        recs.MapGet("/products/{id}/similar", Similar).WithName("SimilarProducts")
            .WithSummary("Products like this one (same category), for its page").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        recs.MapGet("/products/{id}/bought-together", BoughtTogether).WithName("BoughtTogether")
            .WithSummary("Products often bought with this one (other categories)").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        var me = app.MapGroup("/api/me").WithTags("Personalization").RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);
        me.MapGet("/buy-again", BuyAgain).WithName("BuyAgain")
            .WithSummary("Products the caller buys repeatedly, most due first").ProducesValidationProblem();
        me.MapGet("/personalization", GetSetting).WithName("GetPersonalization").WithSummary("Whether personalization is on for the caller");
        me.MapPut("/personalization", SetSetting).WithName("SetPersonalization")
            .WithSummary("Turn personalization on or off; off = every list is the non-personal one and the caller's signals are not used")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> SwitchFromForm(HttpContext http, RecommendationService s, [Microsoft.AspNetCore.Mvc.FromForm] bool? enabled, CancellationToken ct)
    {
        await s.SetEnabledAsync(http.User.UserId(), enabled ?? true, ct);
        return Results.LocalRedirect("/account");
    }

    private static Task<RecommendationListDto> ForYou(int? limit, HttpContext http, RecommendationService s, CancellationToken ct) =>
        InRequestLanguage(http, () => s.ForYouAsync(http.User.UserIdOrNull(), SessionIds.From(http), limit, ct));

    private static Task<RecommendationListDto> RecentlyViewed(int? limit, HttpContext http, RecommendationService s, CancellationToken ct) =>
        InRequestLanguage(http, () => s.RecentlyViewedAsync(http.User.UserIdOrNull(), SessionIds.From(http), limit, ct));

    private static Task<RecommendationListDto> Similar(string id, int? limit, HttpContext http, RecommendationService s, CancellationToken ct) =>
        InRequestLanguage(http, () => s.SimilarAsync(id, http.User.UserIdOrNull(), limit, ct));

    private static Task<RecommendationListDto> BoughtTogether(string id, int? limit, HttpContext http, RecommendationService s, CancellationToken ct) =>
        InRequestLanguage(http, () => s.BoughtTogetherAsync(id, http.User.UserIdOrNull(), limit, ct));

    private static Task<RecommendationListDto> BuyAgain(int? limit, HttpContext http, RecommendationService s, CancellationToken ct) =>
        InRequestLanguage(http, () => s.BuyAgainAsync(http.User.UserId(), limit, ct));

    private static Task<PersonalizationSettingDto> GetSetting(HttpContext http, RecommendationService s, CancellationToken ct) =>
        s.GetSettingAsync(http.User.UserId(), ct);

    private static Task<PersonalizationSettingDto> SetSetting(PersonalizationSettingRequest request, HttpContext http, RecommendationService s, CancellationToken ct) =>
        request.Enabled is bool enabled
            ? s.SetEnabledAsync(http.User.UserId(), enabled, ct)
            : throw new RequestValidationException("enabled", "enabled is required (true or false).");

    /// <summary>
    /// The API is culture-neutral, except that reasons are sentences: they follow the language cookie, else
    /// Accept-Language (Korean or English).
    /// </summary>
    private static async Task<T> InRequestLanguage<T>(HttpContext http, Func<Task<T>> work)
    {
        var previous = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = Language(http);
        try
        {
            return await work();
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = previous;
        }
    }

    public static System.Globalization.CultureInfo Language(HttpContext http)
    {
        if (http.Request.Cookies[Dots.Web.WebSetup.CultureCookie] is { } cookie
            && Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.ParseCookieValue(cookie) is { } parsed
            && parsed.UICultures.Count > 0)
        {
            return Pick(parsed.UICultures[0].Value);
        }
        var languages = http.Request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1).Select(l => l.Value.Value ?? "");
        foreach (var l in languages)
        {
            if (l.StartsWith("ko", StringComparison.OrdinalIgnoreCase))
            {
                return Dots.Web.WebSetup.Cultures[1];
            }
            if (l.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return Dots.Web.WebSetup.Cultures[0];
            }
        }
        return Dots.Web.WebSetup.Cultures[0];
    }

    private static System.Globalization.CultureInfo Pick(string? name) =>
        name is not null && name.StartsWith("ko", StringComparison.OrdinalIgnoreCase) ? Dots.Web.WebSetup.Cultures[1] : Dots.Web.WebSetup.Cultures[0];
}
