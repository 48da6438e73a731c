using Dots.Infrastructure;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Http;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dots.Modules.Stores;

/// <summary>Registration and HTTP surface of the Stores module (ADR 0020).</summary>
public static class StoresModule
{
    public static IServiceCollection AddStores(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoresOptions>().BindConfiguration("Stores").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<StoreService>();
        services.AddScoped<TransferService>();
        services.AddCheckoutStep<StoreCheckoutStep>();
        services.AddSingleton<PickupExpirySweeper>();
        services.AddEventHandler<OrderCancelled, RestoreStoreStockOnCancel>();
        services.AddDomainEvent<PickupReady>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<PickupExpiryJob>(
            PickupExpiryJob.Name, "15 * * * * ?", "Expires uncollected pickup orders: stock back to the store, payment refunded, once."));
        services.AddDemoSeed<StoresDemoSeed>();
        return services;
    }

    public static IEndpointRouteBuilder MapStores(this IEndpointRouteBuilder app)
    {
        app.MapStoresWebActions();
        var api = app.MapGroup("/api").WithTags("Stores");
        api.MapPost("/shops/{shopId}/locations", CreateLocation).RequireAuthorization().WithName("CreateLocation")
            .WithSummary("Add a store (shop owner only)")
            .WithDescription("Address, coordinates, time zone, opening hours and whether it has a pickup desk. The shop's online centre is a location too (its id is the shop's id).")
            .Produces<LocationDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/shops/{shopId}/locations", ListLocations).WithName("ListLocations")
            .WithSummary("The shop's locations, the online centre first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/locations/{id}", GetLocation).WithName("GetLocation")
            .WithSummary("A location").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/locations/{id}/stock/{variantId}", SetStock).RequireAuthorization().WithName("SetLocationStock")
            .WithSummary("Set a location's stock of a variant (owner or that store's staff)")
            .WithDescription("A product's `variants[].stock` is the sum over its locations: the variant's total moves by the same amount, and the change is kept in the store's audit trail.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/locations/{id}/stock", LocationStock).RequireAuthorization().WithName("GetLocationStock")
            .WithSummary("A store's stock and its latest movements (owner or that store's staff)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapGet("/products/{id}/availability", ProductAvailability).WithName("GetProductAvailability")
            .WithSummary("Where a product is in stock, nearest first")
            .WithDescription("`latitude`/`longitude` of the customer (optional); each location with `distanceKm`, `stock` and `pickupReadyBy` (opening hours respected).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/locations/{id}/staff", AddStaff).RequireAuthorization().WithName("AddStoreStaff")
            .WithSummary("Attach an account to a store as staff (shop owner only)")
            .WithDescription("Staff manage that store's pickup queue and stock counts, nothing else.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapGet("/locations/{id}/pickups", PickupQueue).RequireAuthorization().WithName("ListStorePickups")
            .WithSummary("The store's pickup queue (owner or staff)")
            .WithDescription("Waiting and Ready orders by default; `status` filters (Waiting, Ready, HandedOver, Expired, Cancelled).")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPost("/locations/{id}/pickups/{orderId}/ready", MarkReady).RequireAuthorization().WithName("MarkPickupReady")
            .WithSummary("Mark a pickup order ready (owner or staff); it then waits `Stores:PickupHoldFor` before it expires")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPost("/locations/{id}/pickups/{orderId}/handover", HandOver).RequireAuthorization().WithName("HandOverPickup")
            .WithSummary("Hand a pickup order over against the customer's code (409 on a wrong code)")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/orders/{id}/pickup", BuyerPickup).RequireAuthorization().WithName("GetOrderPickup")
            .WithSummary("The pickup status and code of the caller's pickup order (404 for anyone else)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        api.MapGet("/orders/{id}/allocations", Allocations).RequireAuthorization().WithName("GetOrderAllocations")
            .WithSummary("Which location fills each line of an order, and why (the shop's owner or an operator)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        api.MapPost("/locations/{id}/transfers", SendTransfer).RequireAuthorization().WithName("SendStockTransfer")
            .WithSummary("Send units of a variant to another location of the shop (owner or this store's staff)")
            .WithDescription("`{ \"toLocationId\", \"variantId\", \"quantity\", \"note\" }`. The units leave this location at once and are in transit (in no location's stock and not for sale: the variant's `stock` drops) until the destination receives them; 409 when this location holds too few.")
            .Produces<TransferDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/locations/{id}/transfers", LocationTransfers).RequireAuthorization().WithName("ListStockTransfers")
            .WithSummary("A location's transfers out and in, those in transit first, with the units in transit each way (owner or staff)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapGet("/transfers/{id}", GetTransfer).RequireAuthorization().WithName("GetStockTransfer")
            .WithSummary("A transfer (owner or staff of either end; 404 for anyone else)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        api.MapPost("/transfers/{id}/receive", ReceiveTransfer).RequireAuthorization().WithName("ReceiveStockTransfer")
            .WithSummary("The destination receives the units in transit (owner or the destination's staff); once")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPost("/transfers/{id}/cancel", CancelTransfer).RequireAuthorization().WithName("CancelStockTransfer")
            .WithSummary("Cancel a transfer in transit: the units go back to the source (owner or the source's staff); once")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Created<TransferDto>> SendTransfer(string id, CreateTransferRequest request, TransferService transfers, HttpContext http, CancellationToken ct)
    {
        var transfer = await transfers.SendAsync(id, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/transfers/{transfer.Id}", transfer);
    }

    private static async Task<Ok<LocationTransfersDto>> LocationTransfers(string id, TransferService transfers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await transfers.OfLocationAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<TransferDto>> GetTransfer(string id, TransferService transfers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await transfers.GetForAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<TransferDto>> ReceiveTransfer(string id, TransferService transfers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await transfers.ReceiveAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<TransferDto>> CancelTransfer(string id, TransferService transfers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await transfers.CancelAsync(id, http.User.UserId(), ct));

    private static async Task<Created<LocationDto>> CreateLocation(string shopId, CreateLocationRequest request, StoreService stores, HttpContext http, CancellationToken ct)
    {
        var location = await stores.CreateLocationAsync(shopId, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/locations/{location.Id}", location);
    }

    private static async Task<Ok<IReadOnlyList<LocationDto>>> ListLocations(string shopId, StoreService stores, CancellationToken ct) =>
        TypedResults.Ok(await stores.ListLocationsAsync(shopId, ct));

    private static async Task<Ok<LocationDto>> GetLocation(string id, StoreService stores, CancellationToken ct) =>
        TypedResults.Ok(await stores.GetLocationAsync(id, ct));

    private static async Task<Ok<LocationStockDto>> SetStock(string id, string variantId, SetLocationStockRequest request, StoreService stores, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await stores.SetStockAsync(id, variantId, http.User.UserId(), request, ct));

    private static async Task<Ok<LocationStockListDto>> LocationStock(string id, StoreService stores, HttpContext http, CancellationToken ct)
    {
        var (stock, movements) = await stores.StockOfAsync(id, http.User.UserId(), ct);
        return TypedResults.Ok(new LocationStockListDto(stock, movements));
    }

    private static async Task<Ok<ProductAvailabilityDto>> ProductAvailability(string id, StoreService stores, double? latitude, double? longitude, CancellationToken ct) =>
        TypedResults.Ok(await stores.ProductAvailabilityAsync(id, latitude, longitude, ct));

    private static async Task<Created<StaffDto>> AddStaff(string id, AddStaffRequest request, StoreService stores, HttpContext http, CancellationToken ct)
    {
        var staff = await stores.AddStaffAsync(id, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/locations/{id}/staff/{staff.UserId}", staff);
    }

    private static async Task<Ok<IReadOnlyList<PickupDto>>> PickupQueue(string id, StoreService stores, HttpContext http, string? status, CancellationToken ct) =>
        TypedResults.Ok(await stores.PickupQueueAsync(id, http.User.UserId(), status, ct));

    private static async Task<Ok<PickupDto>> MarkReady(string id, string orderId, StoreService stores, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await stores.MarkReadyAsync(id, orderId, http.User.UserId(), ct));

    private static async Task<Ok<PickupDto>> HandOver(string id, string orderId, HandoverRequest request, StoreService stores, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await stores.HandOverAsync(id, orderId, http.User.UserId(), request, ct));

    private static async Task<Ok<PickupDto>> BuyerPickup(string id, StoreService stores, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await stores.PickupForBuyerAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<IReadOnlyList<AllocationDto>>> Allocations(string id, StoreService stores, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await stores.AllocationsAsync(id, http.User.UserId(), http.User.IsInRole(Roles.Operator), ct));
}
