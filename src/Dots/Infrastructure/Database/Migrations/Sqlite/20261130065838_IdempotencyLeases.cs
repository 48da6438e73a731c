using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IdempotencyLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "IdempotencyRecords",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "LeaseUntil",
                table: "IdempotencyRecords",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResourceId",
                table: "IdempotencyRecords",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyRecords_CreatedAt",
                table: "IdempotencyRecords",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IdempotencyRecords_CreatedAt",
                table: "IdempotencyRecords");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "IdempotencyRecords");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "IdempotencyRecords");

            migrationBuilder.DropColumn(
                name: "ResourceId",
                table: "IdempotencyRecords");
        }
    }
}
