using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdempotencyLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "OptionsText",
                table: "OrderLines",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(300)",
                oldMaxLength: 300);

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "IdempotencyRecords",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeaseUntil",
                table: "IdempotencyRecords",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResourceId",
                table: "IdempotencyRecords",
                type: "character varying(64)",
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

            migrationBuilder.AlterColumn<string>(
                name: "OptionsText",
                table: "OrderLines",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(500)",
                oldMaxLength: 500);
        }
    }
}
