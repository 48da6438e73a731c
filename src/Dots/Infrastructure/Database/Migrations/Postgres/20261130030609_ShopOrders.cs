using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ShopOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Ordering's per-shop part of an order is a ShopOrder now (the word "fulfilment" belongs to Delivery).
            // A rename, not drop-and-create: existing orders keep their shop parts.
            migrationBuilder.RenameTable(name: "Fulfillments", newName: "ShopOrders");
            migrationBuilder.RenameIndex(name: "IX_Fulfillments_OrderId", table: "ShopOrders", newName: "IX_ShopOrders_OrderId");
            migrationBuilder.RenameIndex(name: "IX_Fulfillments_ShopId", table: "ShopOrders", newName: "IX_ShopOrders_ShopId");
            migrationBuilder.Sql("ALTER TABLE \"ShopOrders\" RENAME CONSTRAINT \"PK_Fulfillments\" TO \"PK_ShopOrders\";");
            migrationBuilder.Sql("ALTER TABLE \"ShopOrders\" RENAME CONSTRAINT \"FK_Fulfillments_Orders_OrderId\" TO \"FK_ShopOrders_Orders_OrderId\";");
            migrationBuilder.RenameColumn(name: "FulfillmentId", table: "PayoutEntries", newName: "ShopOrderId");
            migrationBuilder.RenameColumn(name: "FulfillmentId", table: "OrderLines", newName: "ShopOrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(name: "ShopOrderId", table: "OrderLines", newName: "FulfillmentId");
            migrationBuilder.RenameColumn(name: "ShopOrderId", table: "PayoutEntries", newName: "FulfillmentId");
            migrationBuilder.RenameTable(name: "ShopOrders", newName: "Fulfillments");
            migrationBuilder.RenameIndex(name: "IX_ShopOrders_OrderId", table: "Fulfillments", newName: "IX_Fulfillments_OrderId");
            migrationBuilder.RenameIndex(name: "IX_ShopOrders_ShopId", table: "Fulfillments", newName: "IX_Fulfillments_ShopId");
            migrationBuilder.Sql("ALTER TABLE \"Fulfillments\" RENAME CONSTRAINT \"PK_ShopOrders\" TO \"PK_Fulfillments\";");
            migrationBuilder.Sql("ALTER TABLE \"Fulfillments\" RENAME CONSTRAINT \"FK_ShopOrders_Orders_OrderId\" TO \"FK_Fulfillments_Orders_OrderId\";");
        }
    }
}
