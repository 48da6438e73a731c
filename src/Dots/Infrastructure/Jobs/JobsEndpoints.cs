using Dots.Modules.Identity;
using Dots.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Infrastructure.Jobs;

/// <summary>The operator page's "Run now" button: a plain form post answered with a redirect back to /ops/jobs.</summary>
internal static class JobsEndpoints
{
    public static IEndpointRouteBuilder MapJobsOperatorActions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/ops/jobs/run", RunNow)
            .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.Operator, AuthenticationSchemes = WebAuth.Scheme })
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RunNow(IJobScheduler jobs, [FromForm] string? name, CancellationToken ct)
    {
        try
        {
            await jobs.RunNowAsync(name ?? "", ct);
            return Results.LocalRedirect("/ops/jobs?ran=" + Uri.EscapeDataString(name!));
        }
        catch (NotFoundException)
        {
            return Results.LocalRedirect("/ops/jobs?unknown=" + Uri.EscapeDataString(name ?? ""));
        }
    }
}
