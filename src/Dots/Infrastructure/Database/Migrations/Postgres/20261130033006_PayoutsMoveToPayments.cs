using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PayoutsMoveToPayments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The payout ledger moved from Ordering to Payments: carry every line over (same ids, amounts and times;
            // references in the ledger's own form), then drop Ordering's table.
            migrationBuilder.Sql(
                "INSERT INTO \"PayoutLedgerEntries\" (\"Id\", \"ShopId\", \"Reference\", \"OrderId\", \"Kind\", \"Amount\", \"Currency\", \"At\", \"PayoutId\") " +
                "SELECT \"Id\", \"ShopId\", 'order:' || \"OrderId\" || '/part:' || \"ShopOrderId\" || " +
                "CASE WHEN \"Kind\" IN ('Refund', 'CommissionReversal') THEN '/refund:cancel' ELSE '' END, " +
                "\"OrderId\", \"Kind\", \"Amount\", \"Currency\", \"At\", NULL FROM \"PayoutEntries\";");
            migrationBuilder.DropTable(
                name: "PayoutEntries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PayoutEntries",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OrderId = table.Column<string>(type: "text", nullable: false),
                    ShopId = table.Column<string>(type: "text", nullable: false),
                    ShopOrderId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PayoutEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PayoutEntries_ShopId_At",
                table: "PayoutEntries",
                columns: new[] { "ShopId", "At" });
        }
    }
}
