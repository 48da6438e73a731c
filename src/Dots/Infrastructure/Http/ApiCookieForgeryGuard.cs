using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Dots.Infrastructure.Http;

/// <summary>
/// Cross-site request forgery on the API (issue 15): the API's default scheme accepts the bearer token and, failing
/// that, the web's sign-in cookie, which a browser attaches to a cross-site POST too. ASP.NET Core checks antiforgery
/// only on endpoints that bind a form, so a body-less or JSON <c>POST /api/...</c> from another site ran as the signed-in
/// user. Rule: an unsafe API request (POST, PUT, PATCH, DELETE) counts the sign-in cookie only when it also carries a
/// valid antiforgery token (header <c>RequestVerificationToken</c>, which the site's pages publish in
/// <c>&lt;meta name="request-verification-token"&gt;</c>); without it the request runs as anonymous, so an endpoint that
/// needs a user answers 401 and an anonymous one (demand events) records no user. A bearer token needs no antiforgery
/// token (a browser never attaches it by itself). Safe methods are unchanged.
/// </summary>
public sealed class ApiCookieForgeryGuard(RequestDelegate next)
{
    public const string MetaName = "request-verification-token";

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/api")
            && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && !HttpMethods.IsOptions(http.Request.Method) && !HttpMethods.IsTrace(http.Request.Method)
            && http.User.Identity?.IsAuthenticated == true
            && !await ByBearerAsync(http))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                http.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
        }
        await next(http);
    }

    private static async Task<bool> ByBearerAsync(HttpContext http)
    {
        if (!http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var bearer = await http.AuthenticateAsync(IdentityConstants.BearerScheme);
        return bearer.Succeeded;
    }
}
