using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Modules.Ordering;

/// <summary>
/// A combined batch's order rows on PostgreSQL as multi-row statements (ADR 0023 addendum): the orders, parts, lines
/// and events of every buyer in one <c>INSERT … SELECT FROM unnest</c> statement per table, chained as one command, and
/// Placed → Paid for the whole batch likewise. EF's change tracker would send (and build, and track) one statement per
/// row — about twenty a buyer; in a flash sale that was the largest share of both the server's and the database's CPU
/// per order. The rows are the ones EF would write (same columns and values); SQLite keeps EF's path.
/// Both run inside the transaction open on the context.
/// </summary>
internal static class OrderRowsOnPostgres
{
    /// <summary>Inserts the orders with their parts, lines and events (as <c>CheckoutService.BuildOrder</c> made them).</summary>
    public static async Task InsertAsync(DotsDbContext db, IReadOnlyList<Order> orders, CancellationToken ct)
    {
        var parts = orders.SelectMany(o => o.ShopOrders).ToList();
        var lines = orders.SelectMany(o => o.Lines).ToList();
        var events = orders.SelectMany(o => o.Events).ToList();
        await using var command = new NpgsqlCommand(
            """
            WITH o AS (
                INSERT INTO "Orders" ("Id", "BuyerId", "Currency", "PaymentPurpose", "PlacedAt", "SalesCounted", "Status", "Total", "UpdatedAt",
                    "ShippingAddress_Name", "ShippingAddress_Line1", "ShippingAddress_Line2", "ShippingAddress_City", "ShippingAddress_PostalCode",
                    "ShippingAddress_Phone", "ShippingAddress_Latitude", "ShippingAddress_Longitude")
                SELECT * FROM unnest(@o_ids, @o_buyers, @o_currencies, @o_purposes, @o_placed, @o_sales, @o_statuses, @o_totals, @o_updated,
                    @a_names, @a_line1, @a_line2, @a_cities, @a_postal, @a_phones, @a_lat, @a_lon)
                RETURNING 1),
            s AS (
                INSERT INTO "ShopOrders" ("Id", "OrderId", "ShopId", "Status", "Subtotal", "UpdatedAt")
                SELECT * FROM unnest(@s_ids, @s_orders, @s_shops, @s_statuses, @s_subtotals, @s_updated)
                RETURNING 1),
            l AS (
                INSERT INTO "OrderLines" ("Id", "OrderId", "ShopOrderId", "ShopId", "ProductId", "VariantId", "Title", "Sku", "OptionsText",
                    "UnitPrice", "Quantity", "LineTotal")
                SELECT * FROM unnest(@l_ids, @l_orders, @l_parts, @l_shops, @l_products, @l_variants, @l_titles, @l_skus, @l_options,
                    @l_prices, @l_quantities, @l_totals)
                RETURNING 1)
            INSERT INTO "OrderEvents" ("Id", "OrderId", "Status", "ShopId", "Note", "At")
            SELECT * FROM unnest(@e_ids, @e_orders, @e_statuses, @e_shops, @e_notes, @e_at)
            """, (NpgsqlConnection)db.Database.GetDbConnection());
        var p = command.Parameters;
        p.AddWithValue("o_ids", orders.Select(o => o.Id).ToArray());
        p.AddWithValue("o_buyers", orders.Select(o => o.BuyerId).ToArray());
        p.AddWithValue("o_currencies", orders.Select(o => o.Currency).ToArray());
        p.AddWithValue("o_purposes", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, orders.Select(o => o.PaymentPurpose).ToArray());
        p.AddWithValue("o_placed", orders.Select(o => o.PlacedAt).ToArray());
        p.AddWithValue("o_sales", orders.Select(o => (int)o.SalesCounted).ToArray());
        p.AddWithValue("o_statuses", orders.Select(o => o.Status.ToString()).ToArray());
        p.AddWithValue("o_totals", orders.Select(o => o.Total).ToArray());
        p.AddWithValue("o_updated", orders.Select(o => o.UpdatedAt).ToArray());
        p.AddWithValue("a_names", orders.Select(o => o.ShippingAddress.Name).ToArray());
        p.AddWithValue("a_line1", orders.Select(o => o.ShippingAddress.Line1).ToArray());
        p.AddWithValue("a_line2", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, orders.Select(o => o.ShippingAddress.Line2).ToArray());
        p.AddWithValue("a_cities", orders.Select(o => o.ShippingAddress.City).ToArray());
        p.AddWithValue("a_postal", orders.Select(o => o.ShippingAddress.PostalCode).ToArray());
        p.AddWithValue("a_phones", orders.Select(o => o.ShippingAddress.Phone).ToArray());
        p.AddWithValue("a_lat", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Double, orders.Select(o => o.ShippingAddress.Latitude).ToArray());
        p.AddWithValue("a_lon", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Double, orders.Select(o => o.ShippingAddress.Longitude).ToArray());
        p.AddWithValue("s_ids", parts.Select(s => s.Id).ToArray());
        p.AddWithValue("s_orders", parts.Select(s => s.OrderId).ToArray());
        p.AddWithValue("s_shops", parts.Select(s => s.ShopId).ToArray());
        p.AddWithValue("s_statuses", parts.Select(s => s.Status.ToString()).ToArray());
        p.AddWithValue("s_subtotals", parts.Select(s => s.Subtotal).ToArray());
        p.AddWithValue("s_updated", parts.Select(s => s.UpdatedAt).ToArray());
        p.AddWithValue("l_ids", lines.Select(l => l.Id).ToArray());
        p.AddWithValue("l_orders", lines.Select(l => l.OrderId).ToArray());
        p.AddWithValue("l_parts", lines.Select(l => l.ShopOrderId).ToArray());
        p.AddWithValue("l_shops", lines.Select(l => l.ShopId).ToArray());
        p.AddWithValue("l_products", lines.Select(l => l.ProductId).ToArray());
        p.AddWithValue("l_variants", lines.Select(l => l.VariantId).ToArray());
        p.AddWithValue("l_titles", lines.Select(l => l.Title).ToArray());
        p.AddWithValue("l_skus", lines.Select(l => l.Sku).ToArray());
        p.AddWithValue("l_options", lines.Select(l => l.OptionsText).ToArray());
        p.AddWithValue("l_prices", lines.Select(l => l.UnitPrice).ToArray());
        p.AddWithValue("l_quantities", lines.Select(l => l.Quantity).ToArray());
        p.AddWithValue("l_totals", lines.Select(l => l.LineTotal).ToArray());
        AddEvents(p, events);
        using var watched = db.Watch("order rows");
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Placed → Paid for every order in one statement: the orders by compare-and-set on Placed, their Placed parts, the
    /// payment rows and the events. Returns how many orders were flipped; the caller rolls back unless that is all of them.
    /// </summary>
    public static async Task<int> MarkPaidAsync(DotsDbContext db, IReadOnlyList<Order> orders, IReadOnlyList<string> partIds,
        IReadOnlyList<PaymentTransaction> payments, IReadOnlyList<OrderEvent> events, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH o AS (
                UPDATE "Orders" SET "Status" = @paid, "UpdatedAt" = @now WHERE "Id" = ANY(@ids) AND "Status" = @placed
                RETURNING 1),
            s AS (
                UPDATE "ShopOrders" SET "Status" = @paid, "UpdatedAt" = @now WHERE "Id" = ANY(@parts) AND "Status" = @placed
                RETURNING 1),
            p AS (
                INSERT INTO "Payments" ("Id", "OrderId", "Kind", "Amount", "Currency", "GatewayReference", "At")
                SELECT * FROM unnest(@p_ids, @p_orders, @p_kinds, @p_amounts, @p_currencies, @p_references, @p_at)
                RETURNING 1),
            e AS (
                INSERT INTO "OrderEvents" ("Id", "OrderId", "Status", "ShopId", "Note", "At")
                SELECT * FROM unnest(@e_ids, @e_orders, @e_statuses, @e_shops, @e_notes, @e_at)
                RETURNING 1)
            SELECT (SELECT count(*) FROM o)::int, (SELECT count(*) FROM s)::int, (SELECT count(*) FROM p)::int, (SELECT count(*) FROM e)::int
            """, (NpgsqlConnection)db.Database.GetDbConnection());
        var p = command.Parameters;
        p.AddWithValue("paid", nameof(OrderStatus.Paid));
        p.AddWithValue("placed", nameof(OrderStatus.Placed));
        p.AddWithValue("now", now);
        p.AddWithValue("ids", orders.Select(o => o.Id).ToArray());
        p.AddWithValue("parts", partIds.ToArray());
        p.AddWithValue("p_ids", payments.Select(x => x.Id).ToArray());
        p.AddWithValue("p_orders", payments.Select(x => x.OrderId).ToArray());
        p.AddWithValue("p_kinds", payments.Select(x => x.Kind.ToString()).ToArray());
        p.AddWithValue("p_amounts", payments.Select(x => x.Amount).ToArray());
        p.AddWithValue("p_currencies", payments.Select(x => x.Currency).ToArray());
        p.AddWithValue("p_references", payments.Select(x => x.GatewayReference).ToArray());
        p.AddWithValue("p_at", payments.Select(x => x.At).ToArray());
        AddEvents(p, events);
        using var watched = db.Watch("orders paid");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt32(0);
    }

    private static void AddEvents(NpgsqlParameterCollection p, IReadOnlyList<OrderEvent> events)
    {
        p.AddWithValue("e_ids", events.Select(e => e.Id).ToArray());
        p.AddWithValue("e_orders", events.Select(e => e.OrderId).ToArray());
        p.AddWithValue("e_statuses", events.Select(e => e.Status.ToString()).ToArray());
        p.AddWithValue("e_shops", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, events.Select(e => e.ShopId).ToArray());
        p.AddWithValue("e_notes", events.Select(e => e.Note).ToArray());
        p.AddWithValue("e_at", events.Select(e => e.At).ToArray());
    }
}
