using Dots.Infrastructure;
using Microsoft.AspNetCore.Localization;

namespace Dots.Web;

/// <summary>
/// The shell's own web actions (switch language). Each module maps its own button-sized actions
/// (Modules/*/&lt;Module&gt;WebActions.cs); forms with fields to validate are Blazor SSR forms on their pages.
/// </summary>
internal static class WebActions
{
    public static IEndpointRouteBuilder MapWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapGet("/culture", SwitchCulture);
        return app;
    }

    /// <summary>The language switch: remembers the choice for a year and returns to the page the user was on.</summary>
    private static IResult SwitchCulture(HttpContext http, string? c, string? returnUrl)
    {
        var culture = WebSetup.Cultures.FirstOrDefault(x => x.Name == c)?.Name ?? "en";
        http.Response.Cookies.Append(WebSetup.CultureCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        return Results.LocalRedirect(Formatting.LocalUrl(returnUrl));
    }
}
