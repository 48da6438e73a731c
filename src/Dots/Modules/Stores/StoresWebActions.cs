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
        web.MapPost("/stores/{id}/transfers", SendTransfer);
        web.MapPost("/stores/{id}/transfers/{transferId}/receive", ReceiveTransfer);
        web.MapPost("/stores/{id}/transfers/{transferId}/cancel", CancelTransfer);
        return app;
    }

    private static Task<IResult> Ready(string id, string orderId, HttpContext http, StoreService stores, CancellationToken ct) =>
        Run(http, id, userId => stores.MarkReadyAsync(id, orderId, userId, ct), "ready");

    private static Task<IResult> HandOver(string id, string orderId, HttpContext http, StoreService stores, [FromForm] string? code, CancellationToken ct) =>
        Run(http, id, userId => stores.HandOverAsync(id, orderId, userId, new HandoverRequest(code), ct), "handed-over");

    private static Task<IResult> SetStock(string id, string variantId, HttpContext http, StoreService stores, [FromForm] int? stock, CancellationToken ct) =>
        Run(http, id, userId => stores.SetStockAsync(id, variantId, userId, new SetLocationStockRequest(stock, "counted in store"), ct), "counted");

    private static Task<IResult> SendTransfer(string id, HttpContext http, TransferService transfers, [FromForm] string? toLocationId, [FromForm] string? variantId,
        [FromForm] int? quantity, [FromForm] string? note, CancellationToken ct) =>
        Run(http, id, userId => transfers.SendAsync(id, userId, new CreateTransferRequest(toLocationId, variantId, quantity, note), ct), "sent", "transfers");

    private static Task<IResult> ReceiveTransfer(string id, string transferId, HttpContext http, TransferService transfers, CancellationToken ct) =>
        Run(http, id, userId => transfers.ReceiveAsync(transferId, userId, ct), "received", "transfers");

    private static Task<IResult> CancelTransfer(string id, string transferId, HttpContext http, TransferService transfers, CancellationToken ct) =>
        Run(http, id, userId => transfers.CancelAsync(transferId, userId, ct), "transfer-cancelled", "transfers");

    private static async Task<IResult> Run<T>(HttpContext http, string id, Func<string, Task<T>> action, string notice, string? tab = null)
    {
        var page = "/stores/" + Uri.EscapeDataString(id) + (tab is null ? "" : "?tab=" + tab);
        var sep = tab is null ? "?" : "&";
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(page));
        }
        try
        {
            await action(userId);
            return Results.LocalRedirect(page + sep + "notice=" + notice);
        }
        catch (ConflictException)
        {
            return Results.LocalRedirect(page + sep + "notice=conflict");
        }
        catch (Exception e) when (e is NotFoundException or ForbiddenException or RequestValidationException)
        {
            return Results.LocalRedirect(page + sep + "notice=failed");
        }
    }
}
