using Dots.Infrastructure;

namespace Dots.Modules.Ordering;

public sealed record OrderItemRequest(string? VariantId, int? Quantity);

public sealed record AddressDto(string? Name, string? Line1, string? Line2, string? City, string? PostalCode, string? Phone, double? Latitude, double? Longitude);

public sealed record PaymentRequest(string? Method, string? CardNumber);

public sealed record PlaceOrderRequest(List<OrderItemRequest>? Items, AddressDto? ShippingAddress, PaymentRequest? Payment)
{
    /// <summary>Fields other modules' checkout steps read (for example <c>fulfilment</c>); Ordering passes them through.</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extensions { get; init; }
}

public sealed record CheckoutCartRequest(AddressDto? ShippingAddress, PaymentRequest? Payment)
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extensions { get; init; }
}

public sealed record OrderLineDto(string Id, string ProductId, string VariantId, string ShopId, string Title, string Sku, string Options, int Quantity, MoneyDto UnitPrice, MoneyDto LineTotal);

public sealed record FulfillmentDto(string Id, string ShopId, string Status, MoneyDto Subtotal, IReadOnlyList<string> LineIds);

public sealed record PaymentDto(string Kind, MoneyDto Amount, DateTimeOffset At, string Reference);

public sealed record TimelineEntryDto(string Status, DateTimeOffset At, string? ShopId, string Note);

public sealed record OrderDto(
    string Id,
    string Status,
    IReadOnlyList<OrderLineDto> Lines,
    MoneyDto Total,
    DateTimeOffset PlacedAt,
    AddressDto ShippingAddress,
    IReadOnlyList<FulfillmentDto> Fulfillments,
    IReadOnlyList<PaymentDto> Payments,
    IReadOnlyList<TimelineEntryDto> Timeline)
{
    /// <summary>Fields checkout steps of other modules added when the order was placed (for example <c>pickupCode</c>).</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, object?>? Extensions { get; init; }
}

public sealed record OrderSummaryDto(string Id, string Status, MoneyDto Total, DateTimeOffset PlacedAt, int Items, string FirstTitle);

public sealed record ShopOrderDto(
    string OrderId,
    string FulfillmentId,
    string Status,
    DateTimeOffset PlacedAt,
    MoneyDto Subtotal,
    AddressDto ShippingAddress,
    IReadOnlyList<OrderLineDto> Lines);

public sealed record AdvanceRequest(string? Status);

public sealed record PayoutEntryDto(string Id, string Kind, MoneyDto Amount, string OrderId, DateTimeOffset At);

public sealed record PayoutsDto(MoneyDto Balance, MoneyDto Sales, MoneyDto Commission, IReadOnlyList<PayoutEntryDto> Entries);

public sealed record CartLineDto(string VariantId, string ProductId, string ShopId, string Title, string? TitleKo, string Sku, Dictionary<string, string> Options, int Quantity, int Stock, MoneyDto UnitPrice, MoneyDto LineTotal, string? ImageUrl);

/// <summary>
/// A cart: <c>total</c> is in the cart's currency (its first line's); <c>subtotals</c> has one entry per currency of its
/// lines — a single one normally, since adding a line in a second currency is refused (409); several only in a cart
/// filled before that rule, and then checkout refuses the mix (400) until the odd lines are removed.
/// </summary>
public sealed record CartDto(IReadOnlyList<CartLineDto> Lines, MoneyDto Total, int Items)
{
    public IReadOnlyList<MoneyDto> Subtotals { get; init; } = [];
}

public sealed record SetCartItemRequest(int? Quantity);

/// <summary>
/// An order for goods paid before the order existed — a co-creation pledge captured when its campaign was funded.
/// <see cref="OrderId"/> is chosen by the caller so a retry finds the order it already wrote; <see cref="PaymentPurpose"/>
/// names the captured Payments intent (its amount must be the order's total).
/// </summary>
public sealed record PrepaidOrderRequest(
    string OrderId, string BuyerId, string VariantId, int Quantity, MoneyDto UnitPrice, AddressDto ShippingAddress, string PaymentPurpose);
/// <summary>One line of a paid order, for modules that learn from purchases (personalization).</summary>
public sealed record PurchasedLine(string OrderId, string BuyerId, string ProductId, string ShopId, int Quantity, DateTimeOffset PlacedAt);
