namespace Dots.Modules.Rentals;

/// <summary>A rentable product of a shop: prices per day (and week), a refundable deposit and the rules of a rental.</summary>
internal sealed class RentalItem
{
    public required string Id { get; init; }
    public required string ShopId { get; init; }
    public required string Title { get; set; }
    public string Description { get; set; } = "";
    public required string Category { get; set; }
    public required string Currency { get; init; }
    public decimal PricePerDay { get; set; }
    public decimal? PricePerWeek { get; set; }
    public decimal Deposit { get; set; }
    public int MinDays { get; set; }
    public int MaxDays { get; set; }
    public int BufferDays { get; set; }
    /// <summary>The shop's time zone when the item was listed: booking dates are local dates there.</summary>
    public required string TimeZone { get; init; }
    /// <summary>The store whose desk hands the units out and takes them back (its staff work this rental's bookings); null: the shop itself.</summary>
    public string? LocationId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public List<RentalUnit> Units { get; set; } = [];
}

internal enum RentalUnitStatus
{
    Available = 0,
    InRepair = 1,
    Retired = 2,
    Sold = 3,
}

/// <summary>One physical thing that is rented out (a bike with its frame number), with its condition.</summary>
internal sealed class RentalUnit
{
    public required string Id { get; init; }
    public required string ItemId { get; init; }
    public required string Label { get; set; }
    public string Condition { get; set; } = "good";
    public RentalUnitStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal enum BookingStatus
{
    /// <summary>The unit's days are claimed; the holds are being placed.</summary>
    Pending = 0,
    /// <summary>Rent and deposit are held; waiting for pick-up.</summary>
    Confirmed = 1,
    /// <summary>Handed over; the rent is captured, the deposit still held.</summary>
    PickedUp = 2,
    /// <summary>Return recorded (charges fixed); the deposit is being settled.</summary>
    Returning = 3,
    Returned = 4,
    Cancelled = 5,
    /// <summary>The card was declined: the claim was released, nothing is held.</summary>
    Failed = 6,
}

internal sealed class RentalBooking
{
    public required string Id { get; init; }
    public required string ItemId { get; init; }
    public required string ShopId { get; init; }
    public required string UnitId { get; init; }
    public required string CustomerId { get; init; }
    public DateOnly From { get; init; }
    public DateOnly To { get; init; }
    public required string Currency { get; init; }
    public decimal Rent { get; init; }
    public decimal Deposit { get; init; }
    public BookingStatus Status { get; set; }
    public string AddressName { get; set; } = "";
    public string AddressLine1 { get; set; } = "";
    public string? AddressLine2 { get; set; }
    public string AddressCity { get; set; } = "";
    public string AddressPostalCode { get; set; } = "";
    public string AddressPhone { get; set; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PickedUpAt { get; set; }
    public DateTimeOffset? ReturnedAt { get; set; }
    public DateOnly? ReturnedOn { get; set; }
    public int LateDays { get; set; }
    public decimal LateFee { get; set; }
    public decimal DamageCharge { get; set; }
    /// <summary>The part of the deposit kept (captured): damage plus late fee, at most the deposit.</summary>
    public decimal DepositCharged { get; set; }
    /// <summary>Charges beyond the deposit, owed by the customer and settled outside the hold.</summary>
    public decimal Outstanding { get; set; }
    public decimal DepositRefunded { get; set; }
    public string? ReturnCondition { get; set; }
    public string? ReturnNotes { get; set; }
}

/// <summary>
/// One day a unit is taken by a booking (its rental days and the buffer after them). The primary key (unit, day)
/// is the no-double-booking guarantee on both databases: two bookings cannot claim the same unit on the same day.
/// </summary>
internal sealed class RentalUnitDay
{
    public required string UnitId { get; init; }
    public DateOnly Day { get; init; }
    public required string BookingId { get; init; }
}

/// <summary>The unit's history: bookings, hand-overs, inspections, repairs, retirement or sale.</summary>
internal sealed class RentalUnitEvent
{
    public required string Id { get; init; }
    public required string UnitId { get; init; }
    public required string Kind { get; init; }
    public string? BookingId { get; init; }
    public string? Condition { get; init; }
    public string Note { get; init; } = "";
    public decimal? Amount { get; init; }
    public string? ActorId { get; init; }
    public DateTimeOffset At { get; init; }
}
