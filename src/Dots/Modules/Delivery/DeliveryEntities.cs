namespace Dots.Modules.Delivery;

/// <summary>A fulfilment centre (the depot): where the night's vans load, with its own cut-off, deliver-by time and time zone.</summary>
internal sealed class FulfilmentCentre
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? NameKo { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    /// <summary>Local time of the cut-off, minutes after midnight (23:00 = 1380).</summary>
    public int CutoffMinutes { get; set; } = 23 * 60;
    /// <summary>Local time by which the next morning's deliveries arrive, minutes after midnight (07:00 = 420).</summary>
    public int DeliverByMinutes { get; set; } = 7 * 60;
    public string TimeZone { get; set; } = "Asia/Seoul";
}

/// <summary>A delivery zone: a polygon over latitude/longitude served by one centre, with a nightly capacity in orders.</summary>
internal sealed class DeliveryZone
{
    public required string Id { get; init; }
    public required string CentreId { get; set; }
    public required string Name { get; set; }
    public string? NameKo { get; set; }
    /// <summary>The polygon as JSON <c>[[lat, lon], ...]</c> (closed implicitly).</summary>
    public required string PolygonJson { get; set; }
    public int NightlyCapacity { get; set; }
}

/// <summary>One zone's capacity for one night (the centre-local date of the cut-off). Booked is taken by a conditional update.</summary>
internal sealed class DeliverySlot
{
    public required string Id { get; init; }
    public required string ZoneId { get; init; }
    /// <summary>yyyy-MM-dd, the centre-local date of the cut-off.</summary>
    public required string Date { get; init; }
    public int Capacity { get; set; }
    public int Booked { get; set; }
}

internal enum BookingStatus { Booked, Released, Waved, OutForDelivery, Delivered, Failed }

/// <summary>An order's place in a night: its slot, where it goes, what it carries, and (once planned) its route, ETA and proof.</summary>
internal sealed class DeliveryBooking
{
    public required string OrderId { get; init; }
    public required string BuyerId { get; init; }
    public required string SlotId { get; init; }
    public required string ZoneId { get; init; }
    public required string CentreId { get; init; }
    public required string Date { get; init; }
    public BookingStatus Status { get; set; } = BookingStatus.Booked;
    public double Latitude { get; init; }
    public double Longitude { get; init; }
    public string Recipient { get; init; } = "";
    public string AddressText { get; init; } = "";
    public string Phone { get; init; } = "";
    public string? DoorCode { get; init; }
    public bool LeaveAtDoor { get; init; }
    public string? Instructions { get; init; }
    /// <summary>Earliest delivery the customer asked for, minutes after local midnight of the delivery morning (null: any time).</summary>
    public int? NotBeforeMinutes { get; init; }
    public int Units { get; init; }
    public double WeightKg { get; init; }
    public bool HasChilled { get; init; }
    public bool HasFrozen { get; init; }
    public DateTimeOffset BookedAt { get; init; }
    public string? WaveId { get; set; }
    public string? RouteId { get; set; }
    public int Sequence { get; set; }
    public DateTimeOffset? Eta { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? ProofFile { get; set; }
    public string? FailReason { get; set; }
    public string? Unservable { get; set; }
    public List<DeliveryBookingLine> Lines { get; init; } = [];
}

internal sealed class DeliveryBookingLine
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required string ProductId { get; init; }
    public required string VariantId { get; init; }
    public int Quantity { get; init; }
    public PackagingClass Packaging { get; init; }
}

public enum PackagingClass { Ambient, Chilled, Frozen }

/// <summary>How a product travels (ambient, chilled, frozen), its weight and aisle in the centre. Kept here, keyed by product id.</summary>
internal sealed class ProductPackaging
{
    public required string ProductId { get; init; }
    public PackagingClass Class { get; set; }
    public double WeightKg { get; set; } = 1;
    public int Aisle { get; set; }
}

/// <summary>A van of a centre's fleet.</summary>
internal sealed class DeliveryVehicle
{
    public required string Id { get; init; }
    public required string CentreId { get; init; }
    public required string Name { get; set; }
    public int CapacityUnits { get; set; }
    public double CapacityKg { get; set; }
    public bool Active { get; set; } = true;
}

internal enum WaveStatus { Planning, Planned, Failed }

/// <summary>A night's wave: the orders frozen at the cut-off of one centre and date (unique), then picked and routed.</summary>
internal sealed class DeliveryWave
{
    public required string Id { get; init; }
    public required string CentreId { get; init; }
    public required string Date { get; init; }
    public WaveStatus Status { get; set; }
    public string Trigger { get; init; } = "job";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PlannedAt { get; set; }
    /// <summary>Compare-and-set lease of the planner that works on the wave (an instance that died leaves it to expire).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LeasedBy { get; set; }
    public int Orders { get; set; }
    public double PlanningSeconds { get; set; }
    public double Distance { get; set; }
    public int Revision { get; set; }
    public string? Error { get; set; }
}

internal enum RouteStatus { Planned, OutForDelivery, Done, BrokenDown }

internal sealed class DeliveryRoute
{
    public required string Id { get; init; }
    public required string WaveId { get; init; }
    public required string VehicleId { get; init; }
    public required string VehicleName { get; init; }
    public int Index { get; init; }
    public RouteStatus Status { get; set; }
    public double DistanceKm { get; set; }
    public int LoadUnits { get; set; }
    public double LoadKg { get; set; }
    public double DurationMinutes { get; set; }
    public double LatenessMinutes { get; set; }
    public DateTimeOffset? DepartAt { get; set; }
    public string? DriverUserId { get; set; }
}

/// <summary>A driver's account: only drivers are given routes, and a driver's phone page lists only their own routes.</summary>
internal sealed class DeliveryDriver
{
    public required string UserId { get; init; }
    public required string Email { get; set; }
    public required string Name { get; set; }
    public string? Phone { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; }
}
