using Dots.Infrastructure;
using Dots.Infrastructure.Http;
using Dots.Infrastructure.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dots.Modules.Ordering;

public static class OrderingApi
{
    public const string OrdersRateLimit = "orders";

    public static IServiceCollection AddOrdering(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OrderingOptions>(configuration.GetSection("Ordering"));
        services.AddSingleton<IPaymentGateway, SandboxPaymentGateway>();
        services.AddScoped<CheckoutService>();
        services.AddScoped<OrderService>();
        services.AddScoped<CartService>();
        services.AddSingleton<StaleOrderSweeper>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<StaleOrderSweepJob>(
            StaleOrderSweepJob.Name, "0 * * * * ?", "Returns the stock of orders whose checkout died before payment."));
        return services;
    }

    public static IEndpointRouteBuilder MapOrderingApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization().RequireRateLimiting(OrdersRateLimit);
        orders.MapPost("", PlaceOrder);
        orders.MapGet("", ListOrders);
        orders.MapGet("/{id}", GetOrder);
        orders.MapPost("/{id}/cancel", CancelOrder);

        var cart = app.MapGroup("/api/cart").WithTags("Cart").RequireAuthorization();
        cart.MapGet("", GetCart);
        cart.MapPut("/items/{variantId}", SetCartItem);
        cart.MapDelete("/items/{variantId}", RemoveCartItem);
        cart.MapPost("/checkout", CheckoutCart).RequireRateLimiting(OrdersRateLimit);

        var shop = app.MapGroup("/api/shops/{shopId}").WithTags("Seller").RequireAuthorization();
        shop.MapGet("/orders", ShopOrders);
        shop.MapPost("/orders/{orderId}/advance", Advance);
        shop.MapGet("/payouts", Payouts);
        return app;
    }

    private static Task<IResult> PlaceOrder(PlaceOrderRequest request, CheckoutService checkout, Idempotency idempotency, HttpContext http) =>
        idempotency.RunAsync(http, "orders", request, async () =>
        {
            var order = await checkout.PlaceOrderAsync(http.User.UserId(), request, Idempotency.KeyOf(http), http.RequestAborted);
            return (StatusCodes.Status201Created, order, $"/api/orders/{order.Id}");
        });

    private static Task<IResult> CheckoutCart(CheckoutCartRequest request, CartService carts, Idempotency idempotency, HttpContext http) =>
        idempotency.RunAsync(http, "cart-checkout", request, async () =>
        {
            var order = await carts.CheckoutAsync(http.User.UserId(), request, Idempotency.KeyOf(http), http.RequestAborted);
            return (StatusCodes.Status201Created, order, $"/api/orders/{order.Id}");
        });

    private static async Task<Ok<Paged<OrderSummaryDto>>> ListOrders(OrderService orders, HttpContext http, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await orders.ListAsync(http.User.UserId(), page, pageSize, ct));

    private static async Task<Ok<OrderDto>> GetOrder(string id, OrderService orders, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await orders.GetAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<OrderDto>> CancelOrder(string id, OrderService orders, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await orders.CancelAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<CartDto>> GetCart(CartService carts, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await carts.GetAsync(http.User.UserId(), ct));

    private static async Task<Ok<CartDto>> SetCartItem(string variantId, SetCartItemRequest request, CartService carts, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await carts.SetQuantityAsync(http.User.UserId(), variantId, request, ct));

    private static async Task<Ok<CartDto>> RemoveCartItem(string variantId, CartService carts, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await carts.RemoveAsync(http.User.UserId(), variantId, ct));

    private static async Task<Ok<Paged<ShopOrderDto>>> ShopOrders(string shopId, OrderService orders, HttpContext http, string? status, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await orders.ShopOrdersAsync(shopId, http.User.UserId(), status, page, pageSize, ct));

    private static async Task<Ok<ShopOrderDto>> Advance(string shopId, string orderId, AdvanceRequest request, OrderService orders, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await orders.AdvanceAsync(shopId, orderId, http.User.UserId(), request, ct));

    private static async Task<Ok<PayoutsDto>> Payouts(string shopId, OrderService orders, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await orders.PayoutsAsync(shopId, http.User.UserId(), ct));
}
