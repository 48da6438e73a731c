namespace Dots.Modules.Ordering;

public enum OrderStatus
{
    Placed = 0,
    Paid = 1,
    Packed = 2,
    Shipped = 3,
    Delivered = 4,
    Cancelled = 5,
    Refunded = 6,
}

/// <summary>
/// An order's standing in the products' sold-unit counts: <see cref="None"/> until its payment's <see cref="OrderPaid"/>
/// is counted, <see cref="Counted"/> after, <see cref="Reversed"/> once its cancellation took the units off again (or
/// came first, so they were never counted). Moves only forward, by compare-and-set, so each order counts once.
/// </summary>
public enum SalesCount
{
    None = 0,
    Counted = 1,
    Reversed = 2,
}

public sealed class Address
{
    public string Name { get; set; } = "";
    public string Line1 { get; set; } = "";
    public string? Line2 { get; set; }
    public string City { get; set; } = "";
    public string PostalCode { get; set; } = "";
    public string Phone { get; set; } = "";
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
}

public sealed class Order
{
    public required string Id { get; init; }
    public required string BuyerId { get; init; }
    public OrderStatus Status { get; set; }
    public required string Currency { get; init; }
    public decimal Total { get; set; }
    public Address ShippingAddress { get; set; } = new();
    public DateTimeOffset PlacedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The Payments purpose that paid this order when it is not <c>order:{id}</c> (a co-creation pledge's <c>pledge:{id}</c>).</summary>
    public string? PaymentPurpose { get; set; }
    /// <summary>Whether this order's units are counted in Catalog's <c>SoldUnits</c> (compare-and-set by <see cref="SoldUnitsCounter"/>).</summary>
    public SalesCount SalesCounted { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
    public List<ShopOrder> ShopOrders { get; set; } = [];
    public List<PaymentTransaction> Payments { get; set; } = [];
    public List<OrderEvent> Events { get; set; } = [];
}

public sealed class OrderLine
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required string ShopOrderId { get; init; }
    public required string ShopId { get; init; }
    public required string ProductId { get; init; }
    public required string VariantId { get; init; }
    public required string Title { get; init; }
    public required string Sku { get; init; }
    public string OptionsText { get; init; } = "";
    public decimal UnitPrice { get; init; }
    public int Quantity { get; init; }
    public decimal LineTotal { get; init; }
}

/// <summary>The part of a customer order that one shop fulfils (the API calls it a "fulfillment"; the word "fulfilment" in code
/// belongs to the Delivery module).</summary>
public sealed class ShopOrder
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required string ShopId { get; init; }
    public OrderStatus Status { get; set; }
    public decimal Subtotal { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum PaymentKind
{
    Authorize = 0,
    Capture = 1,
    Void = 2,
    Refund = 3,
}

public sealed class PaymentTransaction
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public PaymentKind Kind { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public required string GatewayReference { get; init; }
    public DateTimeOffset At { get; init; }
}

public sealed class OrderEvent
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public OrderStatus Status { get; init; }
    public string? ShopId { get; init; }
    public string Note { get; init; } = "";
    public DateTimeOffset At { get; init; }
}

public sealed class CartItem
{
    public required string UserId { get; init; }
    public required string VariantId { get; init; }
    public int Quantity { get; set; }
    public DateTimeOffset AddedAt { get; init; }
}
