using System.Globalization;
using System.Threading.RateLimiting;
using Dots.Web.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.RateLimiting;

namespace Dots.Web;

/// <summary>
/// What a rate-limited request gets back: an API client (or anything that is not a page) keeps the 429 ProblemDetails;
/// a person submitting a page's form (sign-in, register) gets that page again — status 429 with <c>Retry-After</c> — and
/// the page says how long to wait (<see cref="RetryAfterSeconds"/>). The page is rendered as for a GET: the rejected
/// submission's form is neither bound nor handled, so a limited sign-in attempt never reaches the password check.
/// </summary>
public static class RateLimitedPages
{
    private const string ItemKey = "Dots.RateLimitedForSeconds";

    /// <summary>The limiter's <c>OnRejected</c>: sets <c>Retry-After</c> and writes the page or the problem.</summary>
    public static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : (int?)null;
        if (seconds is { } s)
        {
            http.Response.Headers.RetryAfter = s.ToString(CultureInfo.InvariantCulture);
        }
        if (IsPageRequest(http))
        {
            http.Items[ItemKey] = seconds ?? 60;
            http.Request.Method = HttpMethods.Get;
            // The limiter runs before the web's request localization (WebSetup): choose the page's language the same way.
            var localization = new RequestLocalizationMiddleware(
                next => new RazorComponentResult<App> { StatusCode = StatusCodes.Status429TooManyRequests }.ExecuteAsync(next),
                http.RequestServices.GetRequiredService<IOptions<RequestLocalizationOptions>>(),
                http.RequestServices.GetRequiredService<ILoggerFactory>());
            await localization.Invoke(http);
            return;
        }
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.",
                detail: "Slow down and retry after the time in the Retry-After header.")
            .ExecuteAsync(http);
    }

    /// <summary>Seconds the page's visitor must wait before submitting again, when this render answers a limited submission.</summary>
    public static int? RetryAfterSeconds(HttpContext? http) => http?.Items[ItemKey] as int?;

    /// <summary>A Blazor page (not /api) asked for by something that reads HTML.</summary>
    private static bool IsPageRequest(HttpContext http) =>
        !http.Request.Path.StartsWithSegments("/api")
        && http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
        && !http.Response.HasStarted;
}
