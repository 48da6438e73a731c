using Dots.Infrastructure;

namespace Dots.Modules.Rentals;

public sealed record RentalUnitRequest(string? Label, string? Condition);

public sealed record CreateRentalRequest(
    string? Title, string? Description, string? Category, MoneyDto? PricePerDay, MoneyDto? PricePerWeek, MoneyDto? Deposit,
    int? MinDays, int? MaxDays, int? BufferDays, List<RentalUnitRequest>? Units)
{
    /// <summary>The store whose desk hands the units out and takes them back (optional; a store of the same shop).</summary>
    public string? LocationId { get; init; }
}

public sealed record RentalUnitDto(string Id, string Label, string Condition, string Status);

public sealed record RentalDto(
    string Id, string ShopId, string Title, string Description, string Category, MoneyDto PricePerDay, MoneyDto? PricePerWeek, MoneyDto Deposit,
    int MinDays, int MaxDays, int BufferDays, string TimeZone, IReadOnlyList<RentalUnitDto> Units, DateTimeOffset CreatedAt)
{
    /// <summary>The store whose desk hands the units out and takes them back; null when the shop does it itself.</summary>
    public string? LocationId { get; init; }
}

public sealed record RentalSummaryDto(string Id, string ShopId, string Title, string Category, MoneyDto PricePerDay, MoneyDto? PricePerWeek, MoneyDto Deposit, int Units);

public sealed record AvailabilityDayDto(DateOnly Date, int Free);

public sealed record AvailabilityDto(string RentalId, DateOnly From, DateOnly To, IReadOnlyList<AvailabilityDayDto> Days);

public sealed record BookingAddressDto(string? Name, string? Line1, string? Line2, string? City, string? PostalCode, string? Phone, double? Latitude, double? Longitude);

public sealed record BookingPaymentDto(string? Method, string? CardNumber);

public sealed record CreateBookingRequest(string? From, string? To, BookingAddressDto? ShippingAddress, BookingPaymentDto? Payment);

public sealed record QuoteDto(int Days, int Weeks, int ExtraDays, MoneyDto Rent, MoneyDto Deposit, MoneyDto Total);

/// <summary>One itemised charge on a return: <c>kind</c> is <c>damage</c> or <c>late</c>.</summary>
public sealed record ChargeDto(string Kind, string Description, MoneyDto Amount);

public sealed record BookingDto(
    string Id, string RentalId, string ShopId, string Title, string UnitId, string UnitLabel, DateOnly From, DateOnly To, int Days,
    MoneyDto Rent, MoneyDto Deposit, string Status, DateTimeOffset CreatedAt, DateTimeOffset? PickedUpAt, DateTimeOffset? ReturnedAt,
    DateOnly? ReturnedOn, IReadOnlyList<ChargeDto> Charges, MoneyDto? DepositRefunded, MoneyDto? Outstanding, string? ReturnCondition, string? ReturnNotes,
    BookingAddressDto ShippingAddress, IReadOnlyList<BookingPaymentLineDto> Payments);

/// <summary>One money movement of a booking: <c>for</c> is <c>rent</c> or <c>deposit</c>; <c>kind</c> is authorize, capture, void or refund.</summary>
public sealed record BookingPaymentLineDto(string Kind, string For, MoneyDto Amount, DateTimeOffset At, string? Reference);

public sealed record ReturnBookingRequest(string? Condition, MoneyDto? DamageCharge, string? Notes, bool? SendToRepair = null);

public sealed record UnitStatusRequest(string? Status, string? Note, string? Condition);

public sealed record UnitEventDto(string Id, string Kind, string? BookingId, string? Condition, string Note, MoneyDto? Amount, DateTimeOffset At);

public sealed record UnitHistoryDto(string RentalId, string Title, RentalUnitDto Unit, IReadOnlyList<BookingDto> Bookings, IReadOnlyList<UnitEventDto> Events);

/// <summary>Moves a rental's desk to a store of the shop (its staff then hand out and take back its units), or back to the shop (null).</summary>
public sealed record SetRentalLocationRequest(string? LocationId);
