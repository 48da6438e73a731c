namespace Dots.Modules.Stores;

/// <summary>A place a shop keeps stock: a physical store, or the shop's online centre (its warehouse).</summary>
internal sealed class StoreLocation
{
    public required string Id { get; init; }
    public required string ShopId { get; init; }
    public required string Name { get; set; }
    public string Address { get; set; } = "";
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public required string TimeZone { get; set; }
    /// <summary>Opening hours as JSON: <c>[{"day":"mon","open":"10:00","close":"21:00"}]</c>.</summary>
    public string OpeningHours { get; set; } = "[]";
    public bool Pickup { get; set; }
    /// <summary>The shop's online centre: its stock is the variant's stock minus what the stores hold.</summary>
    public bool IsOnlineCentre { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Units of one variant at one store (the online centre has no rows: it holds the rest).</summary>
internal sealed class LocationStock
{
    public required string LocationId { get; init; }
    public required string VariantId { get; init; }
    public required string ShopId { get; init; }
    public int Stock { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An account attached to a store: manages its pickup queue and stock counts, nothing else.</summary>
internal sealed class StoreStaffMember
{
    public required string LocationId { get; init; }
    public required string UserId { get; init; }
    public DateTimeOffset AddedAt { get; init; }
}

internal enum PickupStatus
{
    Waiting = 0,
    Ready = 1,
    HandedOver = 2,
    Expired = 3,
    Cancelled = 4,
}

/// <summary>A click-and-collect order waiting at a store.</summary>
internal sealed class PickupOrder
{
    public required string OrderId { get; init; }
    public required string LocationId { get; init; }
    public required string ShopId { get; init; }
    public required string BuyerId { get; init; }
    public required string Code { get; init; }
    public PickupStatus Status { get; set; }
    public DateTimeOffset PlacedAt { get; init; }
    public DateTimeOffset? ReadyAt { get; set; }
    public DateTimeOffset? HandedOverAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>
    /// Set when the expiry sweep has finished an Expired pickup (store units back, order cancelled and refunded). An
    /// Expired pickup without it is an expiry a crash interrupted: the next sweep resumes it (each step is once-only).
    /// </summary>
    public DateTimeOffset? ExpirySettledAt { get; set; }
}

/// <summary>Where an order's units come from: a store (or the online centre), with the routing rule's reason.</summary>
internal sealed class StockAllocation
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required string LocationId { get; init; }
    public required string VariantId { get; init; }
    public int Quantity { get; init; }
    public required string Kind { get; init; }
    public string Reason { get; init; } = "";
    /// <summary>Set once when the units went back to the location (cancel, expiry, decline): never twice.</summary>
    public DateTimeOffset? ReturnedAt { get; set; }
    public DateTimeOffset At { get; init; }
}

/// <summary>The audit trail of a location's stock: counts, corrections, sales and returns.</summary>
internal sealed class StockMovement
{
    public required string Id { get; init; }
    public required string LocationId { get; init; }
    public required string VariantId { get; init; }
    public int Before { get; init; }
    public int After { get; init; }
    public required string Kind { get; init; }
    public string? ActorId { get; init; }
    public string Note { get; init; } = "";
    public DateTimeOffset At { get; init; }
}

internal enum TransferStatus
{
    InTransit = 0,
    Received = 1,
    Cancelled = 2,
}

/// <summary>
/// Units of one variant moving between two locations of a shop. Sent: they left the source and are in transit (in no
/// location's stock, not for sale); received: they are at the destination; cancelled: back at the source. Each
/// transition is a conditional update committed with its stock moves, so it happens once.
/// </summary>
internal sealed class StockTransfer
{
    public required string Id { get; init; }
    public required string ShopId { get; init; }
    public required string FromLocationId { get; init; }
    public required string ToLocationId { get; init; }
    public required string VariantId { get; init; }
    public int Quantity { get; init; }
    public TransferStatus Status { get; set; }
    public string Note { get; init; } = "";
    public required string SentBy { get; init; }
    public DateTimeOffset SentAt { get; init; }
    public string? ClosedBy { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}
