using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ViewLogWithoutKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_RecProductViews",
                table: "RecProductViews");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "RecProductViews");

            // Opaque identifiers compared byte by byte (not in the model: SQLite has no "C" collation; see
            // ProductViewConfiguration). Rebuilds the two partial indexes.
            migrationBuilder.Sql("ALTER TABLE \"RecProductViews\" ALTER COLUMN \"UserId\" TYPE character varying(450) COLLATE \"C\", ALTER COLUMN \"SessionId\" TYPE character varying(100) COLLATE \"C\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE \"RecProductViews\" ALTER COLUMN \"UserId\" TYPE character varying(450) COLLATE \"default\", ALTER COLUMN \"SessionId\" TYPE character varying(100) COLLATE \"default\";");

            migrationBuilder.AddColumn<string>(
                name: "Id",
                table: "RecProductViews",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_RecProductViews",
                table: "RecProductViews",
                column: "Id");
        }
    }
}
