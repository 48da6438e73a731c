using Dots.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Modules.Rentals;

/// <summary>Staff buttons as plain form posts answering with a redirect (ADR 0008): hand-over, unit status, cancel.</summary>
internal static class RentalsWebActions
{
    public static IEndpointRouteBuilder MapRentalsWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapPost("/rentals/bookings/{id}/pickup", PickUp);
        web.MapPost("/rentals/bookings/{id}/cancel", Cancel);
        web.MapPost("/sell/{shopId}/rentals/{id}/units/{unitId}/status", UnitStatus);
        return app;
    }

    private static async Task<IResult> PickUp(string id, HttpContext http, BookingService bookings, [FromForm] string? back, CancellationToken ct)
    {
        var next = SafeBack(back, "/");
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(next));
        }
        try
        {
            await bookings.PickUpAsync(id, userId, ct);
            return Results.LocalRedirect(next + (next.Contains('?') ? "&" : "?") + "notice=handed-over");
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or ForbiddenException)
        {
            return Results.LocalRedirect(next + (next.Contains('?') ? "&" : "?") + "notice=failed");
        }
    }

    private static async Task<IResult> Cancel(string id, HttpContext http, BookingService bookings, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Frentals%2Fme");
        }
        try
        {
            await bookings.CancelAsync(id, userId, ct);
            return Results.LocalRedirect("/rentals/me?notice=cancelled");
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or ForbiddenException)
        {
            return Results.LocalRedirect("/rentals/me?notice=failed");
        }
    }

    private static async Task<IResult> UnitStatus(string shopId, string id, string unitId, HttpContext http, RentalService rentals, [FromForm] string? status, [FromForm] string? note, CancellationToken ct)
    {
        var page = $"/sell/{Uri.EscapeDataString(shopId)}/rentals/{Uri.EscapeDataString(id)}/units/{Uri.EscapeDataString(unitId)}";
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(page));
        }
        try
        {
            await rentals.SetUnitStatusAsync(id, unitId, userId, new UnitStatusRequest(status, note, null), ct);
            return Results.LocalRedirect(page + "?notice=saved");
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or ForbiddenException or RequestValidationException)
        {
            return Results.LocalRedirect(page + "?notice=failed");
        }
    }

    private static string SafeBack(string? back, string fallback) =>
        !string.IsNullOrEmpty(back) && back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) ? back : fallback;
}
