using Dots.Infrastructure;
using Dots.Infrastructure.Http;
using Dots.Infrastructure.Seeding;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dots.Modules.Rentals;

/// <summary>Registration and HTTP surface of the Rentals module (ADR 0020).</summary>
public static class RentalsModule
{
    public static IServiceCollection AddRentals(this IServiceCollection services)
    {
        services.AddOptions<RentalsOptions>().BindConfiguration("Rentals").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<RentalService>();
        services.AddScoped<BookingService>();
        services.AddDemoSeed<RentalsDemoSeed>();
        return services;
    }

    public static IEndpointRouteBuilder MapRentals(this IEndpointRouteBuilder app)
    {
        app.MapRentalsWebActions();
        var api = app.MapGroup("/api").WithTags("Rentals");
        api.MapPost("/shops/{shopId}/rentals", CreateRental).RequireAuthorization().WithName("CreateRental")
            .WithSummary("List a rentable product with its units")
            .WithDescription("Shop owner only. Prices per day (and optionally per week), a refundable deposit, min/max days, buffer days after each rental, and the physical units.")
            .Produces<RentalDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/shops/{shopId}/bookings", ShopBookings).RequireAuthorization().WithName("ListShopRentalBookings")
            .WithSummary("The shop's rental bookings by start date (owner or staff)")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapGet("/locations/{locationId}/rental-bookings", LocationBookings).RequireAuthorization().WithName("ListStoreRentalBookings")
            .WithSummary("A store's rentals desk: bookings of the rentals handed out from that store (the shop's owner or that store's staff)")
            .WithDescription("Store staff work this desk (hand-over, return with inspection) and nothing else of the rentals; `status` filters.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPut("/rentals/{id}/location", SetRentalLocation).RequireAuthorization().WithName("SetRentalLocation")
            .WithSummary("Hand a rental out from one of the shop's stores (owner only); `locationId: null` moves it back to the shop")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapGet("/rentals", ListRentals).WithName("ListRentals")
            .WithSummary("List rentable products")
            .WithDescription("Filter by `category` (a category slug) or `shopId`; paged.")
            .ProducesValidationProblem();
        api.MapGet("/rentals/{id}", GetRental).WithName("GetRental")
            .WithSummary("Get a rentable product with its units")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/rentals/{id}/availability", Availability).WithName("GetRentalAvailability")
            .WithSummary("Units bookable per day")
            .WithDescription("`from`/`to` are the shop's local dates (YYYY-MM-DD, inclusive, at most 120 days); `free` counts the units in service not held by a booking or its buffer days.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/rentals/{id}/quote", Quote).WithName("QuoteRental")
            .WithSummary("The price of a stay: rent (weeks and days) and deposit")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/rentals/{id}/bookings", Book).RequireAuthorization().RequireRateLimiting(Ordering.OrderingApi.OrdersRateLimit).WithIdempotencyKey().WithName("BookRental")
            .WithSummary("Book a unit for a date range")
            .WithDescription("`from`/`to` are local dates of the shop, `to` inclusive. Assigns a unit free on every day (and its buffer days) without double-booking, "
                + "then holds the rent and the deposit on the card. 409 when no unit is free for the whole range (nothing charged), 400 for a range outside min/max days, "
                + "402 when the card is declined. Send an `Idempotency-Key` to retry safely.")
            .Produces<BookingDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status402PaymentRequired, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests);
        api.MapGet("/rentals/{id}/units/{unitId}/history", UnitHistory).RequireAuthorization().WithName("GetRentalUnitHistory")
            .WithSummary("A unit's bookings, inspections and repairs (owner or staff)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPost("/rentals/{id}/units/{unitId}/status", SetUnitStatus).RequireAuthorization().WithName("SetRentalUnitStatus")
            .WithSummary("Send a unit to repair, back into service, retire it or sell it off as used (owner or staff)")
            .WithDescription("`status` is available, repair, retired or sold. A unit in repair is out of the calendar; retiring or selling a unit with bookings ahead is 409.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        var bookings = app.MapGroup("/api/bookings").WithTags("Rentals").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        bookings.MapGet("/{id}", GetBooking).WithName("GetRentalBooking")
            .WithSummary("A booking, for its customer or the shop's staff (404 for anyone else)");
        bookings.MapPost("/{id}/pickup", PickUp).WithName("PickUpRentalBooking")
            .WithSummary("Hand the unit over (owner or staff): captures the rent, once")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        bookings.MapPost("/{id}/return", Return).WithName("ReturnRentalBooking")
            .WithSummary("Record the return with its inspection (owner or staff)")
            .WithDescription("`condition`, `damageCharge`, `notes` (and `sendToRepair`). Charges late days by rule and the damage, keeps that part of the deposit "
                + "and releases the rest, exactly once: answers with `depositRefunded` and the itemised `charges`. A repeated return is 200 with the booking unchanged.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        bookings.MapPost("/{id}/cancel", Cancel).WithName("CancelRentalBooking")
            .WithSummary("Cancel a booking before hand-over: both holds released")
            .ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/api/me/rentals", MyRentals).RequireAuthorization().WithTags("Rentals").WithName("ListMyRentals")
            .WithSummary("The caller's rental bookings, newest first")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Created<RentalDto>> CreateRental(string shopId, CreateRentalRequest request, RentalService rentals, HttpContext http, CancellationToken ct)
    {
        var rental = await rentals.CreateAsync(shopId, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/rentals/{rental.Id}", rental);
    }

    private static async Task<Ok<Paged<BookingDto>>> LocationBookings(string locationId, BookingService bookings, HttpContext http, string? status, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await bookings.LocationBookingsAsync(locationId, http.User.UserId(), status, page, pageSize, ct));

    private static async Task<Ok<RentalDto>> SetRentalLocation(string id, SetRentalLocationRequest request, RentalService rentals, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await rentals.SetLocationAsync(id, http.User.UserId(), request, ct));

    private static async Task<Ok<Paged<BookingDto>>> ShopBookings(string shopId, BookingService bookings, HttpContext http, string? status, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await bookings.ShopBookingsAsync(shopId, http.User.UserId(), status, page, pageSize, ct));

    private static async Task<Ok<Paged<RentalSummaryDto>>> ListRentals(RentalService rentals, string? category, string? shopId, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await rentals.ListAsync(category, shopId, page, pageSize, ct));

    private static async Task<Ok<RentalDto>> GetRental(string id, RentalService rentals, CancellationToken ct) =>
        TypedResults.Ok(await rentals.GetAsync(id, ct));

    private static async Task<Ok<AvailabilityDto>> Availability(string id, RentalService rentals, string? from, string? to, CancellationToken ct) =>
        TypedResults.Ok(await rentals.AvailabilityAsync(id, from, to, ct));

    private static async Task<Ok<QuoteDto>> Quote(string id, RentalService rentals, string? from, string? to, CancellationToken ct) =>
        TypedResults.Ok(await rentals.QuoteAsync(id, from, to, ct));

    private static Task<IResult> Book(string id, CreateBookingRequest request, BookingService bookings, Idempotency idempotency, HttpContext http) =>
        idempotency.RunAsync(http, BookingService.IdempotencyScope(id), request, async () =>
        {
            var booking = await bookings.BookAsync(id, http.User.UserId(), request, http.RequestAborted);
            return (StatusCodes.Status201Created, booking, $"/api/bookings/{booking.Id}");
        },
        // A retry that takes over an expired lease finishes the booking the first try claimed, never a second one.
        async bookingId => await bookings.ResumeAsync(bookingId, http.User.UserId(), request) is { } booking
            ? (StatusCodes.Status201Created, booking, $"/api/bookings/{booking.Id}") : null);

    private static async Task<Ok<UnitHistoryDto>> UnitHistory(string id, string unitId, BookingService bookings, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await bookings.UnitHistoryAsync(id, unitId, http.User.UserId(), ct));

    private static async Task<Ok<RentalUnitDto>> SetUnitStatus(string id, string unitId, UnitStatusRequest request, RentalService rentals, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await rentals.SetUnitStatusAsync(id, unitId, http.User.UserId(), request, ct));

    private static async Task<Ok<BookingDto>> GetBooking(string id, BookingService bookings, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await bookings.GetAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<BookingDto>> PickUp(string id, BookingService bookings, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await bookings.PickUpAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<BookingDto>> Return(string id, ReturnBookingRequest request, BookingService bookings, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await bookings.ReturnAsync(id, http.User.UserId(), request, ct));

    private static async Task<Ok<BookingDto>> Cancel(string id, BookingService bookings, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await bookings.CancelAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<Paged<BookingDto>>> MyRentals(BookingService bookings, HttpContext http, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await bookings.MineAsync(http.User.UserId(), page, pageSize, ct));
}
