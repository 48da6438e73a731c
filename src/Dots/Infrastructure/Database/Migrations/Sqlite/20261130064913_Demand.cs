using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Demand : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DemandEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Query = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ResultCount = table.Column<int>(type: "INTEGER", nullable: true),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    AmountScaled = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    DedupeKey = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DemandForecasts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ColdStart = table.Column<bool>(type: "INTEGER", nullable: false),
                    Points = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandForecasts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DemandProductRollups",
                columns: table => new
                {
                    Span = table.Column<short>(type: "INTEGER", nullable: false),
                    Bucket = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Views = table.Column<long>(type: "INTEGER", nullable: false),
                    Carts = table.Column<long>(type: "INTEGER", nullable: false),
                    CartRemovals = table.Column<long>(type: "INTEGER", nullable: false),
                    Purchases = table.Column<long>(type: "INTEGER", nullable: false),
                    Units = table.Column<long>(type: "INTEGER", nullable: false),
                    RevenueScaled = table.Column<long>(type: "INTEGER", nullable: false),
                    CancelledUnits = table.Column<long>(type: "INTEGER", nullable: false),
                    Stockouts = table.Column<long>(type: "INTEGER", nullable: false),
                    RecImpressions = table.Column<long>(type: "INTEGER", nullable: false),
                    RecClicks = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandProductRollups", x => new { x.Span, x.Bucket, x.ProductId, x.VariantId });
                });

            migrationBuilder.CreateTable(
                name: "DemandQueryRollups",
                columns: table => new
                {
                    Span = table.Column<short>(type: "INTEGER", nullable: false),
                    Bucket = table.Column<long>(type: "INTEGER", nullable: false),
                    Query = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Searches = table.Column<long>(type: "INTEGER", nullable: false),
                    ZeroResults = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandQueryRollups", x => new { x.Span, x.Bucket, x.Query });
                });

            migrationBuilder.CreateTable(
                name: "DemandShopSettings",
                columns: table => new
                {
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    LeadTimeDays = table.Column<int>(type: "INTEGER", nullable: false),
                    ServiceLevel = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandShopSettings", x => x.ShopId);
                });

            migrationBuilder.CreateTable(
                name: "DemandVariantPlans",
                columns: table => new
                {
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    InProduction = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandVariantPlans", x => x.VariantId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DemandEvents_At",
                table: "DemandEvents",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_DemandEvents_DedupeKey",
                table: "DemandEvents",
                column: "DedupeKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DemandForecasts_ShopId_Version",
                table: "DemandForecasts",
                columns: new[] { "ShopId", "Version" });

            migrationBuilder.CreateIndex(
                name: "IX_DemandForecasts_VariantId_Version",
                table: "DemandForecasts",
                columns: new[] { "VariantId", "Version" });

            migrationBuilder.CreateIndex(
                name: "IX_DemandProductRollups_ProductId_Span_Bucket",
                table: "DemandProductRollups",
                columns: new[] { "ProductId", "Span", "Bucket" });

            migrationBuilder.CreateIndex(
                name: "IX_DemandProductRollups_ShopId_Span_Bucket",
                table: "DemandProductRollups",
                columns: new[] { "ShopId", "Span", "Bucket" });

            migrationBuilder.CreateIndex(
                name: "IX_DemandVariantPlans_ShopId",
                table: "DemandVariantPlans",
                column: "ShopId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DemandEvents");

            migrationBuilder.DropTable(
                name: "DemandForecasts");

            migrationBuilder.DropTable(
                name: "DemandProductRollups");

            migrationBuilder.DropTable(
                name: "DemandQueryRollups");

            migrationBuilder.DropTable(
                name: "DemandShopSettings");

            migrationBuilder.DropTable(
                name: "DemandVariantPlans");
        }
    }
}
