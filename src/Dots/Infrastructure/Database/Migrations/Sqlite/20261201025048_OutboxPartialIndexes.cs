using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxPartialIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboxDeliveries_Handler_AggregateId_MessageSequence",
                table: "OutboxDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_OutboxDeliveries_Status_NextAttemptAt",
                table: "OutboxDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxDeliveries_Open",
                table: "OutboxDeliveries",
                columns: new[] { "Handler", "AggregateId", "MessageSequence" },
                filter: "\"Status\" <> 'Done'");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxDeliveries_Pending",
                table: "OutboxDeliveries",
                column: "MessageSequence",
                filter: "\"Status\" = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboxDeliveries_Open",
                table: "OutboxDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_OutboxDeliveries_Pending",
                table: "OutboxDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxDeliveries_Handler_AggregateId_MessageSequence",
                table: "OutboxDeliveries",
                columns: new[] { "Handler", "AggregateId", "MessageSequence" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxDeliveries_Status_NextAttemptAt",
                table: "OutboxDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });
        }
    }
}
