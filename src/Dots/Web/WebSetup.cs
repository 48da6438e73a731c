using System.Globalization;
using Dots.Web.Components;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Localization;

namespace Dots.Web;

public static class WebSetup
{
    public const string CultureCookie = ".Dots.Culture";

    public static readonly CultureInfo[] Cultures = [new("en"), new("ko")];

    public static IServiceCollection AddDotsWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddLocalization();
        // Pages' HTML is compressed (static assets come precompressed from MapStaticAssets). Safe over HTTPS here: the only
        // secret in a page, the antiforgery token, is freshly encrypted on every render, so it cannot be guessed by
        // compression length (BREACH); the API's JSON is left alone (ADR 0025).
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = ["text/html"];
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
        });
        services.Configure<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            // The user's switch (a cookie) wins over the browser's Accept-Language; no query-string override.
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = CultureCookie },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    public static IEndpointRouteBuilder MapDotsWeb(this WebApplication app)
    {
        // Added after the platform's middleware and before endpoints run; the API stays culture-neutral.
        app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api"), web => web.UseRequestLocalization().UseResponseCompression());
        // Static web assets (the Blazor script, fingerprinted and compressed app.css). A published app has them all in
        // wwwroot; a built one (dotnet run, tests) finds the framework's in their packages through the build's runtime
        // manifest, which the host only reads by itself in Development.
        if (!app.Environment.IsDevelopment())
        {
            StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, app.Configuration);
        }
        app.MapStaticAssets();
        app.MapWebActions();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // Any other page address gets the shop's own "not found" page (404) instead of a bare status text; /api stays ProblemDetails.
        app.MapFallback("{*path:nonfile}", (HttpContext http) => http.Request.Path.StartsWithSegments("/api")
                ? Results.NotFound()
                : new RazorComponentResult<App> { StatusCode = StatusCodes.Status404NotFound })
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        return app;
    }
}
