using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PersonalizationInit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RecModelVersions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Number = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TrainedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Users = table.Column<int>(type: "integer", nullable: false),
                    Items = table.Column<int>(type: "integer", nullable: false),
                    Interactions = table.Column<int>(type: "integer", nullable: false),
                    HoldoutRecall = table.Column<double>(type: "double precision", nullable: false),
                    PopularityRecall = table.Column<double>(type: "double precision", nullable: false),
                    HoldoutOrders = table.Column<int>(type: "integer", nullable: false),
                    TrainingSeconds = table.Column<double>(type: "double precision", nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Snapshot = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecModelVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecProductViews",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    SessionId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecProductViews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecSettings",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecSettings", x => x.UserId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RecModelVersions_Number",
                table: "RecModelVersions",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RecModelVersions_Status_Number",
                table: "RecModelVersions",
                columns: new[] { "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_RecProductViews_SessionId_At",
                table: "RecProductViews",
                columns: new[] { "SessionId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RecProductViews_UserId_At",
                table: "RecProductViews",
                columns: new[] { "UserId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RecModelVersions");

            migrationBuilder.DropTable(
                name: "RecProductViews");

            migrationBuilder.DropTable(
                name: "RecSettings");
        }
    }
}
