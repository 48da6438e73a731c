using Microsoft.AspNetCore.Antiforgery;

namespace Dots.Infrastructure.Http;

/// <summary>
/// Antiforgery for web actions that read no form field (cancel, sign out): ASP.NET Core checks the token only when an
/// endpoint binds a form, so these would accept a cross-site POST. The filter validates it and answers 400 without it.
/// </summary>
public static class AntiforgeryCheck
{
    public static RouteHandlerBuilder RequireAntiforgeryToken(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var antiforgery = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form expired or did not come from this site.",
                    detail: "Reload the page and try again.");
            }
            return await next(context);
        });
}
