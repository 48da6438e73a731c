using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Number = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TrainedUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    Users = table.Column<int>(type: "INTEGER", nullable: false),
                    Items = table.Column<int>(type: "INTEGER", nullable: false),
                    Interactions = table.Column<int>(type: "INTEGER", nullable: false),
                    HoldoutRecall = table.Column<double>(type: "REAL", nullable: false),
                    PopularityRecall = table.Column<double>(type: "REAL", nullable: false),
                    HoldoutOrders = table.Column<int>(type: "INTEGER", nullable: false),
                    TrainingSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Snapshot = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecModelVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecProductViews",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecProductViews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RecSettings",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
