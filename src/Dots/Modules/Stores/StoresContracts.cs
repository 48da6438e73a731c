namespace Dots.Modules.Stores;

public sealed record OpeningHoursDto(string? Day, string? Open, string? Close);

public sealed record CreateLocationRequest(string? Name, string? Address, double? Latitude, double? Longitude, string? TimeZone, List<OpeningHoursDto>? OpeningHours, bool? Pickup);

public sealed record LocationDto(string Id, string ShopId, string Name, string Address, double? Latitude, double? Longitude, string TimeZone,
    IReadOnlyList<OpeningHoursDto> OpeningHours, bool Pickup, bool IsOnlineCentre, DateTimeOffset CreatedAt);

public sealed record SetLocationStockRequest(int? Stock, string? Note);

public sealed record LocationStockDto(string LocationId, string VariantId, int Stock, int VariantStock);

public sealed record LocationAvailabilityDto(string LocationId, string Name, double? DistanceKm, int Stock, DateTimeOffset? PickupReadyBy, bool Pickup, double? Latitude, double? Longitude);

public sealed record ProductAvailabilityDto(string ProductId, IReadOnlyList<LocationAvailabilityDto> Locations);

public sealed record PickupLineDto(string VariantId, int Quantity);

public sealed record PickupDto(string OrderId, string LocationId, string LocationName, string Status, string? Code, DateTimeOffset PlacedAt, DateTimeOffset? ReadyAt,
    DateTimeOffset? HandedOverAt, DateTimeOffset ExpiresAt, IReadOnlyList<PickupLineDto> Lines);

public sealed record HandoverRequest(string? Code);

public sealed record AddStaffRequest(string? Email);

public sealed record StaffDto(string LocationId, string UserId, string Email);

public sealed record AllocationDto(string LocationId, string LocationName, string VariantId, int Quantity, string Kind, string Reason, bool Returned);

/// <summary>A store's stock per variant and its latest movements (the audit trail).</summary>
public sealed record LocationStockListDto(IReadOnlyList<LocationStockDto> Items, IReadOnlyList<StockMovementDto> Movements);

public sealed record StockMovementDto(string VariantId, int Before, int After, string Kind, string Note, DateTimeOffset At);

/// <summary>A store where every line of a basket can be picked up: distance from the customer and when it will be ready.</summary>
public sealed record PickupChoiceDto(string LocationId, string Name, string Address, double? DistanceKm, DateTimeOffset ReadyBy, double? Latitude, double? Longitude, string TimeZone);

public sealed record PickupLineRequest(string VariantId, int Quantity);

public sealed record CreateTransferRequest(string? ToLocationId, string? VariantId, int? Quantity, string? Note);

/// <summary>A transfer between two locations of a shop; <c>status</c> is InTransit, Received or Cancelled.</summary>
public sealed record TransferDto(string Id, string ShopId, string FromLocationId, string FromName, string ToLocationId, string ToName, string VariantId, int Quantity,
    string Status, string Note, DateTimeOffset SentAt, DateTimeOffset? ClosedAt);

/// <summary>A location's transfers: what it sent and what is coming to it, the open ones first, and the units in transit each way.</summary>
public sealed record LocationTransfersDto(IReadOnlyList<TransferDto> Outgoing, IReadOnlyList<TransferDto> Incoming, int UnitsInTransitOut, int UnitsInTransitIn);
