using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Type = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Query = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ResultCount = table.Column<int>(type: "integer", nullable: true),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    AmountScaled = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    SessionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    DedupeKey = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DemandForecasts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    From = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Method = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ColdStart = table.Column<bool>(type: "boolean", nullable: false),
                    Points = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandForecasts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DemandProductRollups",
                columns: table => new
                {
                    Span = table.Column<short>(type: "smallint", nullable: false),
                    Bucket = table.Column<long>(type: "bigint", nullable: false),
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Views = table.Column<long>(type: "bigint", nullable: false),
                    Carts = table.Column<long>(type: "bigint", nullable: false),
                    CartRemovals = table.Column<long>(type: "bigint", nullable: false),
                    Purchases = table.Column<long>(type: "bigint", nullable: false),
                    Units = table.Column<long>(type: "bigint", nullable: false),
                    RevenueScaled = table.Column<long>(type: "bigint", nullable: false),
                    CancelledUnits = table.Column<long>(type: "bigint", nullable: false),
                    Stockouts = table.Column<long>(type: "bigint", nullable: false),
                    RecImpressions = table.Column<long>(type: "bigint", nullable: false),
                    RecClicks = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandProductRollups", x => new { x.Span, x.Bucket, x.ProductId, x.VariantId });
                });

            migrationBuilder.CreateTable(
                name: "DemandQueryRollups",
                columns: table => new
                {
                    Span = table.Column<short>(type: "smallint", nullable: false),
                    Bucket = table.Column<long>(type: "bigint", nullable: false),
                    Query = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Searches = table.Column<long>(type: "bigint", nullable: false),
                    ZeroResults = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandQueryRollups", x => new { x.Span, x.Bucket, x.Query });
                });

            migrationBuilder.CreateTable(
                name: "DemandShopSettings",
                columns: table => new
                {
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    LeadTimeDays = table.Column<int>(type: "integer", nullable: false),
                    ServiceLevel = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DemandShopSettings", x => x.ShopId);
                });

            migrationBuilder.CreateTable(
                name: "DemandVariantPlans",
                columns: table => new
                {
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    InProduction = table.Column<int>(type: "integer", nullable: false)
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
