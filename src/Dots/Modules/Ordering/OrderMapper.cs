using Dots.Infrastructure;

namespace Dots.Modules.Ordering;

internal static class OrderMapper
{
    public static OrderDto ToDto(Order o) => new(
        o.Id,
        o.Status.ToString(),
        o.Lines.Select(l => ToDto(l, o.Currency)).ToList(),
        MoneyDto.Of(o.Total, o.Currency),
        o.PlacedAt,
        ToDto(o.ShippingAddress),
        o.ShopOrders.OrderBy(f => f.ShopId, StringComparer.Ordinal)
            .Select(f => new FulfillmentDto(f.Id, f.ShopId, f.Status.ToString(), MoneyDto.Of(f.Subtotal, o.Currency), o.Lines.Where(l => l.ShopOrderId == f.Id).Select(l => l.Id).ToList()))
            .ToList(),
        o.Payments.OrderBy(p => p.At).ThenBy(p => p.Kind)
            .Select(p => new PaymentDto(p.Kind.ToString().ToLowerInvariant(), MoneyDto.Of(p.Amount, p.Currency), p.At, p.GatewayReference)).ToList(),
        o.Events.OrderBy(e => e.At).ThenBy(e => e.Status)
            .Select(e => new TimelineEntryDto(e.Status.ToString(), e.At, e.ShopId, e.Note)).ToList());

    public static OrderLineDto ToDto(OrderLine l, string currency) => new(
        l.Id, l.ProductId, l.VariantId, l.ShopId, l.Title, l.Sku, l.OptionsText, l.Quantity,
        MoneyDto.Of(l.UnitPrice, currency), MoneyDto.Of(l.LineTotal, currency));

    public static AddressDto ToDto(Address a) => new(a.Name, a.Line1, a.Line2, a.City, a.PostalCode, a.Phone, a.Latitude, a.Longitude);

    public static IReadOnlyList<OrderedLine> EventLines(Order o) =>
        o.Lines.Select(l => new OrderedLine(l.ProductId, l.VariantId, l.ShopId, l.Quantity, MoneyDto.Of(l.UnitPrice, o.Currency))).ToList();
}
