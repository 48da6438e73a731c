using Dots.Infrastructure;
using Dots.Infrastructure.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Modules.Ordering;

/// <summary>
/// The Ordering module's button-sized web actions (add to cart, change a quantity, cancel, advance): plain HTML form posts that answer with a redirect (post/redirect/get), so they work without JavaScript
/// and a reload never repeats them (ADR 0008).
/// </summary>
internal static class OrderingWebActions
{
    public static IEndpointRouteBuilder MapOrderingWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapPost("/cart/add", AddToCart);
        web.MapPost("/cart/set", SetCartQuantity);
        web.MapPost("/orders/{id}/cancel", CancelOrder).RequireAntiforgeryToken();
        web.MapPost("/sell/{shopId}/orders/{orderId}/advance", AdvanceOrder);
        return app;
    }

    private static async Task<IResult> AddToCart(
        HttpContext http, CartService carts, [FromForm] string? productId, [FromForm] string? variantId, [FromForm] int? quantity, [FromForm] string? next, CancellationToken ct)
    {
        var product = "/products/" + Uri.EscapeDataString(productId ?? "");
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(product));
        }
        if (string.IsNullOrEmpty(variantId))
        {
            return Results.LocalRedirect(product + "?toast=pick-option");
        }
        var wanted = Math.Clamp(quantity ?? 1, 1, 99);
        if (next == "checkout")
        {
            // "Buy now" buys exactly what was picked, on its own: the cart is left as it is.
            return Results.LocalRedirect($"/checkout?buy={Uri.EscapeDataString(variantId)}&qty={wanted}");
        }
        try
        {
            var cart = await carts.GetAsync(userId, ct);
            var already = cart.Lines.FirstOrDefault(l => l.VariantId == variantId)?.Quantity ?? 0;
            await carts.SetQuantityAsync(userId, variantId, new SetCartItemRequest(already + wanted), ct);
        }
        catch (ConflictException e) when (e.Extensions.ContainsKey("cartCurrency"))
        {
            return Results.LocalRedirect(product + "?toast=cart-currency");
        }
        catch (Exception e) when (e is RequestValidationException or NotFoundException or ConflictException)
        {
            return Results.LocalRedirect(product + "?toast=cart-failed");
        }
        return Results.LocalRedirect(product + "?toast=added");
    }

    private static async Task<IResult> SetCartQuantity(
        HttpContext http, CartService carts, [FromForm] string? variantId, [FromForm] int? quantity, [FromForm] int? set, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fcart");
        }
        var value = Math.Clamp(set ?? quantity ?? 1, 0, 99);
        try
        {
            await carts.SetQuantityAsync(userId, variantId ?? "", new SetCartItemRequest(value), ct);
        }
        catch (Exception e) when (e is RequestValidationException or NotFoundException or ConflictException)
        {
            return Results.LocalRedirect("/cart?toast=cart-failed");
        }
        return Results.LocalRedirect(value == 0 ? "/cart?toast=removed" : "/cart");
    }

    private static async Task<IResult> CancelOrder(string id, HttpContext http, OrderService orders, CancellationToken ct)
    {
        var page = "/orders/" + Uri.EscapeDataString(id);
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(page));
        }
        try
        {
            await orders.CancelAsync(id, userId, ct);
        }
        catch (ConflictException)
        {
            return Results.LocalRedirect(page + "?toast=cancel-failed");
        }
        catch (NotFoundException)
        {
            return Results.LocalRedirect("/orders");
        }
        return Results.LocalRedirect(page + "?toast=cancelled");
    }

    private static async Task<IResult> AdvanceOrder(string shopId, string orderId, HttpContext http, OrderService orders, [FromForm] string? status, CancellationToken ct)
    {
        var page = "/sell/" + Uri.EscapeDataString(shopId) + "/orders";
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(page));
        }
        try
        {
            await orders.AdvanceAsync(shopId, orderId, userId, new AdvanceRequest(status), ct);
        }
        catch (Exception e) when (e is RequestValidationException or NotFoundException or ConflictException or ForbiddenException)
        {
            return Results.LocalRedirect(page + "?toast=advance-failed");
        }
        return Results.LocalRedirect(page + "?toast=advanced");
    }
}
