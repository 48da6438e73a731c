using Dots.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Modules.Stores;

/// <summary>The store console's buttons as plain form posts answering with a redirect (ADR 0008).</summary>
internal static class StoresWebActions
{
    public static IEndpointRouteBuilder MapStoresWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapPost("/stores/{id}/pickups/{orderId}/ready", Ready);
        web.MapPost("/stores/{id}/pickups/{orderId}/handover", HandOver);
        web.MapPost("/stores/{id}/stock/{variantId}", SetStock);
        return app;
    }

    private static Task<IResult> Ready(string id, string orderId, HttpContext http, StoreService stores, CancellationToken ct) =>
        Run(http, id, userId => stores.MarkReadyAsync(id, orderId, userId, ct), "ready");

    private static Task<IResult> HandOver(string id, string orderId, HttpContext http, StoreService stores, [FromForm] string? code, CancellationToken ct) =>
        Run(http, id, userId => stores.HandOverAsync(id, orderId, userId, new HandoverRequest(code), ct), "handed-over");

    private static Task<IResult> SetStock(string id, string variantId, HttpContext http, StoreService stores, [FromForm] int? stock, CancellationToken ct) =>
        Run(http, id, userId => stores.SetStockAsync(id, variantId, userId, new SetLocationStockRequest(stock, "counted in store"), ct), "counted");

    private static async Task<IResult> Run<T>(HttpContext http, string id, Func<string, Task<T>> action, string notice)
    {
        var page = "/stores/" + Uri.EscapeDataString(id);
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(page));
        }
        try
        {
            await action(userId);
            return Results.LocalRedirect(page + "?notice=" + notice);
        }
        catch (ConflictException)
        {
            return Results.LocalRedirect(page + "?notice=conflict");
        }
        catch (Exception e) when (e is NotFoundException or ForbiddenException or RequestValidationException)
        {
            return Results.LocalRedirect(page + "?notice=failed");
        }
    }
}
