using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Http;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Delivery;

/// <summary>Registration and HTTP surface of the Delivery module (dawn delivery: promises, slots, waves, routes, drivers, tracking).</summary>
public static class DeliveryApi
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration("Delivery").ValidateDataAnnotations().ValidateOnStart();
        services.AddDomainEvent<OutForDelivery>();
        services.AddDomainEvent<Delivered>();
        services.AddDomainEvent<DeliveryFailed>();
        services.AddScoped<DeliveryService>();
        services.AddScoped<DeliverySetup>();
        services.AddScoped<WaveService>();
        services.AddScoped<DriverService>();
        services.AddScoped<WaveRouting>();
        services.AddSingleton<ITravelMatrix, GreatCircleTravelMatrix>();
        services.AddSingleton<WavePlanner>();
        services.AddHostedService(sp => sp.GetRequiredService<WavePlanner>());
        services.AddCheckoutStep<DeliverySlotStep>();
        services.AddEventHandler<OrderCancelled, ReleaseSlotOnCancel>();
        services.AddDemoSeed<DeliveryDemoSeed>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<NightlyWaveJob>(
            NightlyWaveJob.Name, "15 * * * * ?", "Freezes each centre's night into a wave once its cut-off has passed, and queues its routes."));
        return services;
    }

    public static IEndpointRouteBuilder MapDelivery(this IEndpointRouteBuilder app)
    {
        app.MapDeliveryWebActions();
        app.MapGet("/api/delivery/promise", Promise).WithTags("Delivery").AllowAnonymous()
            .WithName("DeliveryPromise").WithSummary("When an order to these coordinates made now arrives")
            .WithDescription("Times are in the zone's local time with its offset. An address outside every zone is 200 with `available: false` and a reason; "
                + "coordinates that are not numbers or out of range are 400. A full night offers the next one (`nextNight: true`).")
            .Produces<PromiseDto>().ProducesValidationProblem();
        app.MapGet("/api/delivery/geocode", Geocode).WithTags("Delivery").AllowAnonymous()
            .WithName("DeliveryGeocode").WithSummary("Where an address is, from the offline gazetteer of Seoul's 구/동 (a neighbourhood's centroid)")
            .WithDescription("`q` is the address as typed, in Korean or English (\"강남구 역삼1동 123\", \"152 Teheran-ro\"). `matchedOn` says what was found: "
                + "`dong` (a neighbourhood), `road` (a main road's neighbourhood) or `gu` (only the district: its centroid). 404 when nothing in it is known.")
            .Produces<GeocodeDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/orders/{id}/tracking", Tracking).WithTags("Delivery").RequireAuthorization()
            .WithName("TrackOrder").WithSummary("Where an order's delivery is: status, live ETA, stops before it, proof once delivered (its buyer only; 404 for anyone else)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        var ops = app.MapGroup("/api/ops").WithTags("Delivery operations").RequireAuthorization(p => p.RequireRole(Roles.Operator))
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        ops.MapPost("/waves", CreateWave).WithName("CreateWave")
            .WithSummary("Freeze a night's orders into a wave and plan its routes (operators only)")
            .WithDescription("`date` is the centre-local date of the cut-off. 201 with the wave (pick lists, routes) once planning finishes within the "
                + "configured budget (the solver runs on the background planner, the request waits for it); 200 with the same wave when it already exists.")
            .Produces<WaveDto>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        ops.MapGet("/waves", RecentWaves).WithName("RecentWaves").WithSummary("The latest waves, newest night first");
        ops.MapGet("/waves/{id}", GetWave).WithName("GetWave").WithSummary("A wave with its pick lists, routes and unservable orders").ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapGet("/waves/{id}/packing-lists", PackingLists).WithName("WavePackingLists").WithSummary("Per order: which boxes (ambient, chilled, frozen) hold what");
        ops.MapPost("/waves/{id}/replan", Replan).WithName("ReplanWave").WithSummary("Re-plan a wave now, keeping the stops already driven").ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapPost("/routes/{id}/breakdown", Breakdown).WithName("RouteBreakdown").WithSummary("A van broke down: close its route and re-plan the rest").ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapPost("/routes/{id}/driver", AssignDriver).WithName("AssignDriver").WithSummary("Give a route to a driver's account (by email)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapGet("/delivery/centres", (DeliverySetup s, CancellationToken ct) => s.CentresAsync(ct)).WithName("DeliveryCentres").WithSummary("List fulfilment centres (operator)");
        ops.MapPost("/delivery/centres", CreateCentre).WithName("CreateDeliveryCentre").WithSummary("Add a fulfilment centre with its cut-off and deliver-by times (operator)").ProducesValidationProblem();
        ops.MapPut("/delivery/centres/{id}/times", UpdateCentreTimes).WithName("UpdateDeliveryCentreTimes")
            .WithSummary("Change a centre's cut-off and deliver-by local times (operator)").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapGet("/delivery/zones", (DeliverySetup s, CancellationToken ct) => s.ZonesAsync(ct)).WithName("DeliveryZones").WithSummary("List delivery zones with their polygons and nightly capacity (operator)");
        ops.MapPost("/delivery/zones", CreateZone).WithName("CreateDeliveryZone").WithSummary("Add a delivery zone: a polygon served by a centre, with a nightly capacity (operator)").ProducesValidationProblem();
        ops.MapPut("/delivery/zones/{id}", UpdateZone).WithName("UpdateDeliveryZone").WithSummary("Change a delivery zone's polygon or capacity (operator)").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapGet("/delivery/drivers", (DriverService d, CancellationToken ct) => d.DriversAsync(ct)).WithName("DeliveryDrivers").WithSummary("List the drivers' accounts (operator)");
        ops.MapPost("/delivery/drivers", AddDriver).WithName("AddDeliveryDriver")
            .WithSummary("Make an account (by email) a driver: only drivers are given routes (operator)")
            .WithDescription("201 when the account becomes a driver, 200 when it already was (name and phone updated). An unknown email is 400.")
            .Produces<DriverDto>(StatusCodes.Status201Created).ProducesValidationProblem();
        ops.MapPost("/waves/{id}/assign-drivers", AssignFreeDrivers).WithName("AssignFreeDrivers")
            .WithSummary("Give the wave's routes without a driver to the drivers free in it, in route order").ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapGet("/delivery/vehicles", (DeliverySetup s, CancellationToken ct) => s.VehiclesAsync(ct)).WithName("DeliveryVehicles").WithSummary("List the fleet (operator)");
        ops.MapPost("/delivery/vehicles", AddVehicle).WithName("AddDeliveryVehicle").WithSummary("Add a vehicle to a centre's fleet (operator)").ProducesValidationProblem();
        ops.MapPut("/delivery/packaging/{productId}", SetPackaging).WithName("SetProductPackaging").WithSummary("Set a product's packaging class: ambient, chilled or frozen (operator)").ProducesValidationProblem();
        ops.MapGet("/delivery/slots", SlotFill).WithName("DeliverySlotFill").WithSummary("Slot fill per zone for a night (default: the night being taken now)");

        app.MapGet("/api/drive/routes", MyRoutes).WithTags("Drivers").RequireAuthorization()
            .WithName("MyRoutes").WithSummary("The signed-in driver's own routes, newest night first (404 for an account that is not a driver)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        var drive = app.MapGroup("/api/drive/routes/{id}").WithTags("Drivers").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        drive.MapGet("", DriverRoute).WithName("DriverRoute").WithSummary("The route's stops in order (its driver or an operator; 404 for anyone else)");
        drive.MapPost("/start", StartRoute).WithName("StartRoute").WithSummary("Leave the depot: every stop goes out for delivery");
        drive.MapPost("/stops/{orderId}/delivered", MarkDelivered).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(DriverService.MaxProofBytes + 64 * 1024))
            .WithName("MarkDelivered").WithSummary("Delivered, with an optional photo proof (multipart field `photo`)").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        drive.MapPost("/stops/{orderId}/failed", MarkFailed).WithName("MarkFailed").WithSummary("Not delivered, with the reason")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Ok<PromiseDto>> Promise(string? latitude, string? longitude, string? address, DeliveryService delivery, CancellationToken ct)
    {
        if (latitude is null && longitude is null && !string.IsNullOrWhiteSpace(address))
        {
            return TypedResults.Ok(SeoulGazetteer.Geocode(address) is { } found
                ? await delivery.PromiseAsync(found.Place.Latitude, found.Place.Longitude, ct)
                : new PromiseDto(false, Reason: "The address names no Seoul district or neighbourhood the gazetteer knows."));
        }
        var (lat, lon) = ParseCoordinates(latitude, longitude);
        return TypedResults.Ok(await delivery.PromiseAsync(lat, lon, ct));
    }

    private static Ok<GeocodeDto> Geocode(string? q)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > 300)
        {
            throw new RequestValidationException("q", "Give the address to look up (at most 300 characters).");
        }
        var found = SeoulGazetteer.Geocode(q) ?? throw new NotFoundException("No Seoul district or neighbourhood the gazetteer knows is named in that address.");
        var p = found.Place;
        return TypedResults.Ok(new GeocodeDto(p.Id, p.Label(false), p.Label(true), p.Latitude, p.Longitude, found.MatchedOn));
    }

    internal static (double Latitude, double Longitude) ParseCoordinates(string? latitude, string? longitude)
    {
        var v = new Validation();
        var okLat = double.TryParse(latitude, NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) && double.IsFinite(lat) && lat is >= -90 and <= 90;
        var okLon = double.TryParse(longitude, NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) && double.IsFinite(lon) && lon is >= -180 and <= 180;
        v.Require(okLat, "latitude", "The latitude must be a number between -90 and 90.")
            .Require(okLon, "longitude", "The longitude must be a number between -180 and 180.");
        v.ThrowIfInvalid();
        return (lat, lon);
    }

    private static async Task<Ok<TrackingDto>> Tracking(string id, DriverService drivers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await drivers.TrackingAsync(id, http.User.UserId(), ct));

    private static async Task<Results<Created<WaveDto>, Ok<WaveDto>>> CreateWave(
        CreateWaveRequest? request, WaveService waves, WavePlanner planner, IOptions<DeliveryOptions> options, CancellationToken ct)
    {
        var night = WaveService.ParseDate(request?.Date);
        var (waveId, created) = await waves.CreateAsync(request?.CentreId, night, "operator", ct);
        if (created)
        {
            planner.Enqueue(waveId);
        }
        await planner.WaitAsync(waveId, options.Value.PlanningBudget + TimeSpan.FromSeconds(30), ct);
        var wave = (await waves.GetAsync(waveId, ct))!;
        return created ? TypedResults.Created($"/api/ops/waves/{waveId}", wave) : TypedResults.Ok(wave);
    }

    private static async Task<Ok<IReadOnlyList<WaveSummaryDto>>> RecentWaves(WaveService waves, CancellationToken ct) =>
        TypedResults.Ok(await waves.RecentAsync(30, ct));

    private static async Task<Results<Ok<WaveDto>, NotFound>> GetWave(string id, WaveService waves, CancellationToken ct) =>
        await waves.GetAsync(id, ct) is { } wave ? TypedResults.Ok(wave) : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<PackingListDto>>> PackingLists(string id, WaveService waves, CancellationToken ct) =>
        TypedResults.Ok(await waves.PackingListsAsync(id, ct));

    private static async Task<Results<Ok<WaveDto>, NotFound>> Replan(string id, WaveService waves, WavePlanner planner, IOptions<DeliveryOptions> options, CancellationToken ct)
    {
        if (await waves.GetAsync(id, ct, withPickLists: false) is null)
        {
            return TypedResults.NotFound();
        }
        await planner.RequestReplanAsync(id, ct);
        await planner.WaitAsync(id, options.Value.ReplanBudget + TimeSpan.FromSeconds(30), ct);
        return TypedResults.Ok((await waves.GetAsync(id, ct))!);
    }

    private static async Task<NoContent> Breakdown(string id, DriverService drivers, CancellationToken ct)
    {
        await drivers.BreakdownAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> AssignDriver(string id, AssignDriverRequest? request, DriverService drivers, UserManager<AppUser> users, CancellationToken ct)
    {
        var user = string.IsNullOrWhiteSpace(request?.Email) ? null : await users.FindByEmailAsync(request.Email.Trim());
        if (user is null)
        {
            throw new RequestValidationException("email", "No account with that email.");
        }
        await drivers.AssignDriverAsync(id, user.Id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<DriverRouteDto>>> MyRoutes(DriverService drivers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await drivers.MyRoutesAsync(http.User.UserId(), ct));

    private static async Task<Results<Created<DriverDto>, Ok<DriverDto>>> AddDriver(DriverRequest? request, DriverService drivers, UserManager<AppUser> users, CancellationToken ct)
    {
        var user = string.IsNullOrWhiteSpace(request?.Email) ? null : await users.FindByEmailAsync(request.Email.Trim());
        if (user is null)
        {
            throw new RequestValidationException("email", "No account with that email.");
        }
        var (driver, created) = await drivers.AddDriverAsync(user.Id, user.Email!, request!, ct);
        return created ? TypedResults.Created($"/api/ops/delivery/drivers/{driver.UserId}", driver) : TypedResults.Ok(driver);
    }

    private static async Task<Ok<AssignedDto>> AssignFreeDrivers(string id, DriverService drivers, CancellationToken ct) =>
        TypedResults.Ok(new AssignedDto(await drivers.AssignFreeDriversAsync(id, ct)));

    private static async Task<Created<CentreDto>> CreateCentre(CentreRequest request, DeliverySetup setup, CancellationToken ct)
    {
        var centre = await setup.CreateCentreAsync(request, ct);
        return TypedResults.Created($"/api/ops/delivery/centres/{centre.Id}", centre);
    }

    private static async Task<Ok<CentreDto>> UpdateCentreTimes(string id, CentreRequest request, DeliverySetup setup, CancellationToken ct) =>
        TypedResults.Ok(await setup.UpdateCentreTimesAsync(id, request.Cutoff, request.DeliverBy, ct));

    private static async Task<Created<ZoneDto>> CreateZone(ZoneRequest request, DeliverySetup setup, CancellationToken ct)
    {
        var zone = await setup.SaveZoneAsync(null, request, ct);
        return TypedResults.Created($"/api/ops/delivery/zones/{zone.Id}", zone);
    }

    private static async Task<Ok<ZoneDto>> UpdateZone(string id, ZoneRequest request, DeliverySetup setup, CancellationToken ct) =>
        TypedResults.Ok(await setup.SaveZoneAsync(id, request, ct));

    private static async Task<Created<VehicleDto>> AddVehicle(VehicleRequest request, DeliverySetup setup, CancellationToken ct)
    {
        var vehicle = await setup.AddVehicleAsync(request, ct);
        return TypedResults.Created($"/api/ops/delivery/vehicles/{vehicle.Id}", vehicle);
    }

    private static async Task<NoContent> SetPackaging(string productId, PackagingRequest request, DeliverySetup setup, CancellationToken ct)
    {
        await setup.SetPackagingAsync(productId, request, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<ZoneFillDto>>> SlotFill(string? date, WaveService waves, CancellationToken ct)
    {
        var night = date is null ? (await waves.CurrentNightAsync(ct)).Night : WaveService.ParseDate(date);
        return TypedResults.Ok(await waves.ZoneFillAsync(night, ct));
    }

    private static bool IsOperator(HttpContext http) => http.User.IsInRole(Roles.Operator);

    private static async Task<Ok<RouteDto>> DriverRoute(string id, DriverService drivers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await drivers.GetRouteAsync(id, http.User.UserId(), IsOperator(http), ct));

    private static async Task<Ok<RouteDto>> StartRoute(string id, DriverService drivers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await drivers.StartAsync(id, http.User.UserId(), IsOperator(http), ct));

    private static async Task<Ok<RouteDto>> MarkDelivered(string id, string orderId, IFormFile? photo, DriverService drivers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await drivers.DeliveredAsync(id, orderId, http.User.UserId(), IsOperator(http), photo, ct));

    private static async Task<Ok<RouteDto>> MarkFailed(string id, string orderId, FailStopRequest? request, DriverService drivers, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await drivers.FailedAsync(id, orderId, http.User.UserId(), IsOperator(http), request?.Reason, ct));
}
