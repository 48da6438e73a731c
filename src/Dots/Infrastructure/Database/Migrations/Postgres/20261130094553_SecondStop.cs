using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SecondStop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpirySettledAt",
                table: "StorePickups",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LocationId",
                table: "RentalItems",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SalesCounted",
                table: "Orders",
                type: "integer",
                maxLength: 32,
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "RateLimitWindows",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateLimitWindows", x => new { x.Key, x.WindowStart });
                });

            migrationBuilder.CreateTable(
                name: "StoreTransfers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FromLocationId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ToLocationId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    SentBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreTransfers", x => x.Id);
                    table.CheckConstraint("CK_StoreTransfers_Quantity", "\"Quantity\" > 0");
                });

            migrationBuilder.CreateIndex(
                name: "IX_RentalItems_LocationId",
                table: "RentalItems",
                column: "LocationId");

            migrationBuilder.CreateIndex(
                name: "IX_RateLimitWindows_WindowStart",
                table: "RateLimitWindows",
                column: "WindowStart");

            migrationBuilder.CreateIndex(
                name: "IX_StoreTransfers_FromLocationId_Status",
                table: "StoreTransfers",
                columns: new[] { "FromLocationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_StoreTransfers_ToLocationId_Status",
                table: "StoreTransfers",
                columns: new[] { "ToLocationId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RateLimitWindows");

            migrationBuilder.DropTable(
                name: "StoreTransfers");

            migrationBuilder.DropIndex(
                name: "IX_RentalItems_LocationId",
                table: "RentalItems");

            migrationBuilder.DropColumn(
                name: "ExpirySettledAt",
                table: "StorePickups");

            migrationBuilder.DropColumn(
                name: "LocationId",
                table: "RentalItems");

            migrationBuilder.DropColumn(
                name: "SalesCounted",
                table: "Orders");
        }
    }
}
