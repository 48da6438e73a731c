using Dots.Infrastructure;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Delivery;

/// <summary>The Delivery pages' button-sized actions: plain form posts answered with a redirect (post/redirect/get, ADR 0008).</summary>
internal static class DeliveryWebActions
{
    public static IEndpointRouteBuilder MapDeliveryWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapPost("/drive/{routeId}/start", Start);
        web.MapPost("/drive/{routeId}/stops/{orderId}/delivered", Delivered)
            .WithMetadata(new RequestSizeLimitAttribute(DriverService.MaxProofBytes + 64 * 1024));
        web.MapPost("/drive/{routeId}/stops/{orderId}/failed", Failed);
        web.MapPost("/ops/delivery/waves", RunWave);
        web.MapPost("/ops/delivery/routes/{routeId}/driver", AssignDriver);
        web.MapPost("/ops/delivery/routes/{routeId}/breakdown", Breakdown);
        web.MapPost("/ops/delivery/drivers", AddDriver);
        web.MapPost("/ops/delivery/waves/{waveId}/assign-drivers", AssignFreeDrivers);
        return app;
    }

    private static string Page(string routeId) => "/drive/" + Uri.EscapeDataString(routeId);

    private static async Task<IResult> Start(string routeId, HttpContext http, DriverService drivers, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(Page(routeId)));
        }
        await drivers.StartAsync(routeId, userId, http.User.IsInRole(Roles.Operator), ct);
        return Results.LocalRedirect(Page(routeId) + "?toast=route-started");
    }

    private static async Task<IResult> Delivered(string routeId, string orderId, HttpContext http, DriverService drivers, IFormFile? photo, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(Page(routeId)));
        }
        try
        {
            await drivers.DeliveredAsync(routeId, orderId, userId, http.User.IsInRole(Roles.Operator), photo, ct);
        }
        catch (Exception e) when (e is RequestValidationException or ConflictException)
        {
            return Results.LocalRedirect(Page(routeId) + "?toast=stop-failed");
        }
        return Results.LocalRedirect(Page(routeId) + "?toast=stop-delivered");
    }

    private static async Task<IResult> Failed(string routeId, string orderId, HttpContext http, DriverService drivers, [FromForm] string? reason, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(Page(routeId)));
        }
        try
        {
            await drivers.FailedAsync(routeId, orderId, userId, http.User.IsInRole(Roles.Operator), reason, ct);
        }
        catch (Exception e) when (e is RequestValidationException or ConflictException)
        {
            return Results.LocalRedirect(Page(routeId) + "?toast=stop-failed");
        }
        return Results.LocalRedirect(Page(routeId) + "?toast=stop-not-delivered");
    }

    private static async Task<IResult> RunWave(HttpContext http, WaveService waves, WavePlanner planner, IOptions<DeliveryOptions> options, [FromForm] string? date, CancellationToken ct)
    {
        if (!http.User.IsInRole(Roles.Operator))
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fops%2Fdelivery");
        }
        try
        {
            var (waveId, created) = await waves.CreateAsync(null, WaveService.ParseDate(date), "operator", ct);
            if (created)
            {
                planner.Enqueue(waveId);
            }
            await planner.WaitAsync(waveId, options.Value.PlanningBudget + TimeSpan.FromSeconds(30), ct);
            return Results.LocalRedirect("/ops/delivery?wave=" + Uri.EscapeDataString(waveId));
        }
        catch (Exception e) when (e is RequestValidationException or ConflictException)
        {
            return Results.LocalRedirect("/ops/delivery?toast=wave-failed");
        }
    }

    private static async Task<IResult> AssignDriver(string routeId, HttpContext http, DriverService drivers, UserManager<AppUser> users, [FromForm] string? email, [FromForm] string? wave, CancellationToken ct)
    {
        if (!http.User.IsInRole(Roles.Operator))
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fops%2Fdelivery");
        }
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            return Results.LocalRedirect("/ops/delivery?toast=driver-unknown&wave=" + Uri.EscapeDataString(wave ?? ""));
        }
        try
        {
            await drivers.AssignDriverAsync(routeId, user.Id, ct);
        }
        catch (RequestValidationException)
        {
            return Results.LocalRedirect("/ops/delivery?toast=not-a-driver&wave=" + Uri.EscapeDataString(wave ?? ""));
        }
        return Results.LocalRedirect("/ops/delivery?toast=driver-assigned&wave=" + Uri.EscapeDataString(wave ?? ""));
    }

    private static async Task<IResult> Breakdown(string routeId, HttpContext http, DriverService drivers, [FromForm] string? wave, CancellationToken ct)
    {
        if (!http.User.IsInRole(Roles.Operator))
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fops%2Fdelivery");
        }
        await drivers.BreakdownAsync(routeId, ct);
        return Results.LocalRedirect("/ops/delivery?toast=replanning&wave=" + Uri.EscapeDataString(wave ?? ""));
    }

    private static async Task<IResult> AddDriver(HttpContext http, DriverService drivers, UserManager<AppUser> users, [FromForm] string? email, [FromForm] string? name, [FromForm] string? wave, CancellationToken ct)
    {
        if (!http.User.IsInRole(Roles.Operator))
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fops%2Fdelivery");
        }
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            return Results.LocalRedirect("/ops/delivery?toast=driver-unknown&wave=" + Uri.EscapeDataString(wave ?? ""));
        }
        try
        {
            await drivers.AddDriverAsync(user.Id, user.Email!, new DriverRequest(user.Email, string.IsNullOrWhiteSpace(name) ? user.DisplayName ?? user.Email : name, null), ct);
        }
        catch (RequestValidationException)
        {
            return Results.LocalRedirect("/ops/delivery?toast=driver-invalid&wave=" + Uri.EscapeDataString(wave ?? ""));
        }
        return Results.LocalRedirect("/ops/delivery?toast=driver-added&wave=" + Uri.EscapeDataString(wave ?? ""));
    }

    private static async Task<IResult> AssignFreeDrivers(string waveId, HttpContext http, DriverService drivers, CancellationToken ct)
    {
        if (!http.User.IsInRole(Roles.Operator))
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fops%2Fdelivery");
        }
        await drivers.AssignFreeDriversAsync(waveId, ct);
        return Results.LocalRedirect("/ops/delivery?toast=driver-assigned&wave=" + Uri.EscapeDataString(waveId));
    }
}
