using System.Text.Json.Serialization;

namespace Dots.Modules.Delivery;

/// <summary>The promise for an address: tonight's cut-off and tomorrow morning's arrival in the zone's local time.</summary>
public sealed record PromiseDto(
    bool Available,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? Cutoff = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? DeliverBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SlotId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Zone = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ZoneId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ZoneKo = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Remaining = null,
    bool NextNight = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MinutesLeft = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>What the <c>delivery</c> field of an order request may carry.</summary>
public sealed record DeliveryRequest(string? SlotId, string? DoorCode, bool? LeaveAtDoor, string? Instructions, string? NotBefore);

public sealed record CreateWaveRequest(string? Date, string? CentreId);

public sealed record RouteStopDto(string OrderId, DateTimeOffset? Eta, int Sequence, string Status, double Latitude, double Longitude,
    string Recipient, string Address, string Phone, string Packaging, string? DoorCode, bool LeaveAtDoor, string? Instructions,
    DateTimeOffset? DeliveredAt, string? ProofUrl, string? FailReason);

public sealed record RouteDto(string Id, string Vehicle, string VehicleId, string Status, IReadOnlyList<RouteStopDto> Stops, double Distance,
    int Load, double LoadKg, double DurationMinutes, double LatenessMinutes, DateTimeOffset? DepartAt, string? DriverUserId);

public sealed record PickItemDto(string ProductId, string VariantId, string Title, string Sku, int Quantity, int Aisle);

public sealed record PickListDto(string Zone, string Packaging, int Orders, IReadOnlyList<PickItemDto> Items);

public sealed record PackingBoxDto(string Packaging, IReadOnlyList<PickItemDto> Items);

public sealed record PackingListDto(string OrderId, IReadOnlyList<PackingBoxDto> Boxes);

public sealed record UnservableDto(string OrderId, string Reason, string Detail);

public sealed record WaveDto(string Id, string CentreId, string Date, string Status, int Orders, IReadOnlyList<PickListDto> PickLists,
    IReadOnlyList<RouteDto> Routes, IReadOnlyList<UnservableDto> Unservable, double PlanningSeconds, double Distance, int Revision,
    DateTimeOffset CreatedAt, DateTimeOffset? PlannedAt, string? Error);

public sealed record WaveSummaryDto(string Id, string CentreId, string Date, string Status, int Orders, int Routes, double Distance,
    double PlanningSeconds, DateTimeOffset CreatedAt);

public sealed record TrackingDto(string OrderId, string Status, DateTimeOffset? DeliverBy, DateTimeOffset? Eta, int? StopsBefore,
    int? Sequence, string? RouteId, DateTimeOffset? DeliveredAt, string? ProofUrl, string? FailReason, double Latitude, double Longitude,
    double? DepotLatitude, double? DepotLongitude);

public sealed record ZoneFillDto(string ZoneId, string Name, string? NameKo, string Date, int Capacity, int Booked, IReadOnlyList<GeoPointDto> Polygon);

public sealed record GeoPointDto(double Latitude, double Longitude);

public sealed record ZoneRequest(string? Name, string? NameKo, string? CentreId, List<double[]>? Polygon, int? NightlyCapacity);

public sealed record PackagingRequest(string? Class, double? WeightKg, int? Aisle);

public sealed record AssignDriverRequest(string? Email);

public sealed record FailStopRequest(string? Reason);

/// <summary>An address placed by the gazetteer: the neighbourhood (or district) and its centroid.</summary>
public sealed record GeocodeDto(string Id, string Label, string LabelKo, double Latitude, double Longitude, string MatchedOn);

/// <summary>A route on the driver's own list.</summary>
public sealed record DriverRouteDto(string Id, string Vehicle, string Date, string Status, int Stops, int ToGo, double Distance, DateTimeOffset? FirstEta);

public sealed record DriverDto(string UserId, string Email, string Name, string? Phone, bool Active);

public sealed record DriverRequest(string? Email, string? Name, string? Phone);

public sealed record AssignedDto(int Assigned);
