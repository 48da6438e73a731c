using Dots.Infrastructure.Events;
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
        services.AddOptions<OrderingOptions>().BindConfiguration("Ordering").ValidateDataAnnotations().ValidateOnStart();
        services.AddDomainEvent<OrderPlaced>();
        services.AddDomainEvent<OrderPaid>();
        services.AddDomainEvent<OrderCancelled>();
        services.AddScoped<CheckoutService>();
        services.AddSingleton<ReservationCombiner>();
        services.AddScoped<OrderService>();
        services.AddScoped<CartService>();
        services.AddEventHandler<OrderCancelled, CancelledOrderSettlement>();
        services.AddScoped<SoldUnitsCounter>();
        services.AddEventHandler<OrderPaid, SoldUnitsOnOrderPaid>();
        services.AddEventHandler<OrderCancelled, SoldUnitsOnOrderCancelled>();
        services.AddSingleton<StaleOrderSweeper>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<StaleOrderSweepJob>(
            StaleOrderSweepJob.Name, "0 * * * * ?", "Returns the stock of orders whose checkout died before payment."));
        return services;
    }

    public static IEndpointRouteBuilder MapOrdering(this IEndpointRouteBuilder app)
    {
        app.MapOrderingWebActions();
        var orders = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization().RequireRateLimiting(OrdersRateLimit)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        orders.MapPost("", PlaceOrder).WithIdempotencyKey().WithName("PlaceOrder")
            .WithSummary("Place an order and pay for it")
            .WithDescription("Reserves the stock and charges the card in one step: 201 with the order `Paid` and its payment transactions; "
                + "409 when any line is out of stock and 402 when the card is declined (nothing reserved or charged then). "
                + "Lines from several shops become one order with one fulfilment per shop. Send an `Idempotency-Key` to retry safely.")
            .Produces<OrderDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status402PaymentRequired, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        orders.MapGet("", ListOrders).WithName("ListOrders")
            .WithSummary("List the caller's orders, newest first")
            .ProducesValidationProblem();
        orders.MapGet("/{id}", GetOrder).WithName("GetOrder")
            .WithSummary("Get one of the caller's orders")
            .WithDescription("404 for an order that does not exist or belongs to someone else.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        orders.MapPost("/{id}/cancel", CancelOrder).WithName("CancelOrder")
            .WithSummary("Cancel an order before it ships")
            .WithDescription("Returns the stock to the shelf and refunds the payment, exactly once however many cancels race; cancelling a "
                + "cancelled order again is 200 with the order unchanged, so retries are safe without an Idempotency-Key. 409 while the order's payment is "
                + "still being processed (retry in a moment), and 409 once any shop's part of it has shipped: a partly shipped order is not cancelled.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        var cart = app.MapGroup("/api/cart").WithTags("Cart").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        cart.MapGet("", GetCart).WithName("GetCart")
            .WithSummary("Get the caller's cart");
        cart.MapPut("/items/{variantId}", SetCartItem).WithName("SetCartItem")
            .WithSummary("Set the quantity of a variant in the cart")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        cart.MapDelete("/items/{variantId}", RemoveCartItem).WithName("RemoveCartItem")
            .WithSummary("Remove a variant from the cart")
            .WithDescription("Removing a variant that is not in the cart leaves the cart as it is.");
        cart.MapPost("/checkout", CheckoutCart).RequireRateLimiting(OrdersRateLimit).WithIdempotencyKey().WithName("CheckoutCart")
            .WithSummary("Buy what is in the cart")
            .WithDescription("Places one order for the cart's lines with the given address and payment, like `PlaceOrder`; the cart empties only "
                + "when the order succeeds. Send an `Idempotency-Key` to retry safely.")
            .Produces<OrderDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status402PaymentRequired, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status429TooManyRequests);

        var shop = app.MapGroup("/api/shops/{shopId}").WithTags("Seller").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        shop.MapGet("/orders", ShopOrders).WithName("ListShopOrders")
            .WithSummary("List the shop's orders to fulfil")
            .WithDescription("Shop owner only; filter by `status` (Paid, Packed, Shipped, Delivered, ...).")
            .ProducesValidationProblem();
        shop.MapPost("/orders/{orderId}/advance", Advance).WithName("AdvanceShopOrder")
            .WithSummary("Move a shop order to its next status")
            .WithDescription("Packed, Shipped or Delivered, in that order (shop owner only); 409 when the order cannot move there from where it is.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        shop.MapGet("/payouts", Payouts).WithName("GetShopPayouts")
            .WithSummary("Get the shop's payout ledger")
            .WithDescription("Sales, refunds and commission entries with their totals (shop owner only).");
        return app;
    }

    private static Task<IResult> PlaceOrder(PlaceOrderRequest request, CheckoutService checkout, Idempotency idempotency, HttpContext http) =>
        idempotency.RunAsync(http, "orders", request, async () =>
        {
            var order = await checkout.PlaceOrderAsync(http.User.UserId(), request, Idempotency.KeyOf(http), http.RequestAborted);
            return Created(order);
        },
        // A retry after the claim's lease ran out (the first try's process died) finishes what the first try recorded.
        async orderId => await checkout.ResumeAsync(http.User.UserId(), orderId, request.ShippingAddress, request.Payment, request.Extensions, http.RequestAborted) is { } order
            ? Created(order) : null);

    private static Task<IResult> CheckoutCart(CheckoutCartRequest request, CartService carts, Idempotency idempotency, HttpContext http) =>
        idempotency.RunAsync(http, "cart-checkout", request, async () =>
        {
            var order = await carts.CheckoutAsync(http.User.UserId(), request, Idempotency.KeyOf(http), http.RequestAborted);
            return Created(order);
        },
        async orderId => await carts.ResumeCheckoutAsync(http.User.UserId(), orderId, request, http.RequestAborted) is { } order ? Created(order) : null);

    private static (int, OrderDto, string?) Created(OrderDto order) => (StatusCodes.Status201Created, order, $"/api/orders/{order.Id}");

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
