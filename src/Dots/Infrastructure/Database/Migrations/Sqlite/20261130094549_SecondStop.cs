using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SecondStop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ExpirySettledAt",
                table: "StorePickups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LocationId",
                table: "RentalItems",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SalesCounted",
                table: "Orders",
                type: "INTEGER",
                maxLength: 32,
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "RateLimitWindows",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateLimitWindows", x => new { x.Key, x.WindowStart });
                });

            migrationBuilder.CreateTable(
                name: "StoreTransfers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FromLocationId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ToLocationId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    SentBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
