using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ViewLogPartialIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RecProductViews_SessionId_At",
                table: "RecProductViews");

            migrationBuilder.DropIndex(
                name: "IX_RecProductViews_UserId_At",
                table: "RecProductViews");

            migrationBuilder.CreateIndex(
                name: "IX_RecProductViews_SessionId_At",
                table: "RecProductViews",
                columns: new[] { "SessionId", "At" },
                filter: "\"UserId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_RecProductViews_UserId_At",
                table: "RecProductViews",
                columns: new[] { "UserId", "At" },
                filter: "\"UserId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RecProductViews_SessionId_At",
                table: "RecProductViews");

            migrationBuilder.DropIndex(
                name: "IX_RecProductViews_UserId_At",
                table: "RecProductViews");

            migrationBuilder.CreateIndex(
                name: "IX_RecProductViews_SessionId_At",
                table: "RecProductViews",
                columns: new[] { "SessionId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RecProductViews_UserId_At",
                table: "RecProductViews",
                columns: new[] { "UserId", "At" });
        }
    }
}
