using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProductSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // FTS5 index over product texts, kept in step by triggers. unicode61 tokenizes Hangul as letters,
            // so Korean words match too; remove_diacritics folds accents.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE product_fts USING fts5(
                    product_id UNINDEXED, title, title_ko, tags, description, description_ko,
                    tokenize = 'unicode61 remove_diacritics 2');
                """);
            migrationBuilder.Sql("""
                INSERT INTO product_fts (product_id, title, title_ko, tags, description, description_ko)
                SELECT "Id", "Title", coalesce("TitleKo", ''), "Tags", "Description", coalesce("DescriptionKo", '') FROM "Products";
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER products_fts_insert AFTER INSERT ON "Products" BEGIN
                    INSERT INTO product_fts (product_id, title, title_ko, tags, description, description_ko)
                    VALUES (new."Id", new."Title", coalesce(new."TitleKo", ''), new."Tags", new."Description", coalesce(new."DescriptionKo", ''));
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER products_fts_update AFTER UPDATE OF "Title", "TitleKo", "Tags", "Description", "DescriptionKo" ON "Products" BEGIN
                    DELETE FROM product_fts WHERE product_id = old."Id";
                    INSERT INTO product_fts (product_id, title, title_ko, tags, description, description_ko)
                    VALUES (new."Id", new."Title", coalesce(new."TitleKo", ''), new."Tags", new."Description", coalesce(new."DescriptionKo", ''));
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER products_fts_delete AFTER DELETE ON "Products" BEGIN
                    DELETE FROM product_fts WHERE product_id = old."Id";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_delete;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS product_fts;");
        }
    }
}
