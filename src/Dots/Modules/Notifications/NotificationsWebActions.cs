using Dots.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;

namespace Dots.Modules.Notifications;

/// <summary>
/// Button-sized web actions of the notification centre: plain form posts answered with a redirect (post/redirect/get),
/// so they work without JavaScript and a reload never repeats them (ADR 0008).
/// </summary>
internal static class NotificationsWebActions
{
    public static IEndpointRouteBuilder MapNotificationsWebActions(this IEndpointRouteBuilder app)
    {
        // The forms carry an antiforgery token; requiring it keeps another site from marking a user's notifications read.
        var web = app.MapGroup("").ExcludeFromDescription().WithMetadata(new RequireAntiforgeryTokenAttribute());
        web.MapPost("/notifications/{id}/open", Open);
        web.MapPost("/notifications/read-all", ReadAll);
        return app;
    }

    /// <summary>Marks the notification read and goes where it points.</summary>
    private static async Task<IResult> Open(string id, HttpContext http, NotificationService notifications, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fnotifications");
        }
        try
        {
            return Results.LocalRedirect(await notifications.OpenAsync(userId, id, ct));
        }
        catch (NotFoundException)
        {
            return Results.LocalRedirect("/notifications");
        }
    }

    private static async Task<IResult> ReadAll(HttpContext http, NotificationService notifications, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fnotifications");
        }
        await notifications.MarkAllReadAsync(userId, ct);
        return Results.LocalRedirect("/notifications?toast=all-read");
    }
}
