using Dots.Infrastructure.Database;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Dots.Modules.Identity;

/// <summary>The Identity module's registration pair: accounts, roles, tokens for the API and cookies for the web UI.</summary>
public static class IdentityModule
{
    public static IServiceCollection AddIdentityModule(this IServiceCollection services)
    {
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
        return services;
    }

    public static IEndpointRouteBuilder MapIdentityModule(this IEndpointRouteBuilder app)
    {
        app.MapIdentityEndpoints();
        app.MapIdentityWebActions();
        return app;
    }

    private static Func<RedirectContext<CookieAuthenticationOptions>, Task> ApiAware(
        Func<RedirectContext<CookieAuthenticationOptions>, Task> web, int status) =>
        context =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.StatusCode = status;
                return Task.CompletedTask;
            }
            return web(context);
        };

}
