using Dots.Infrastructure;
using Dots.Infrastructure.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Modules.Identity;

/// <summary>
/// The Identity module's web actions (sign out): plain HTML form posts that answer with a redirect (post/redirect/get), so they work without JavaScript
/// and a reload never repeats them (ADR 0008).
/// </summary>
internal static class IdentityWebActions
{
    public static IEndpointRouteBuilder MapIdentityWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapPost("/account/logout", SignOut).RequireAntiforgeryToken();
        return app;
    }

    private static async Task<IResult> SignOut(SignInManager<AppUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/?toast=signed-out");
    }
}
