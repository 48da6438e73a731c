using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProductSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A generated tsvector with the 'simple' configuration (no stemming, so Korean and English both work),
            // titles weighted A, tags B, descriptions C; a GIN index serves the @@ match.
            migrationBuilder.Sql("""
                ALTER TABLE "Products" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', coalesce("Title", '') || ' ' || coalesce("TitleKo", '')), 'A') ||
                    setweight(to_tsvector('simple', coalesce("Tags", '')), 'B') ||
                    setweight(to_tsvector('simple', coalesce("Description", '') || ' ' || coalesce("DescriptionKo", '')), 'C')
                ) STORED;
                """);
            migrationBuilder.Sql("""CREATE INDEX "IX_Products_search_vector" ON "Products" USING GIN (search_vector);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Products_search_vector";""");
            migrationBuilder.Sql("""ALTER TABLE "Products" DROP COLUMN IF EXISTS search_vector;""");
        }
    }
}
