using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchAndPersonalization : Migration
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

            migrationBuilder.CreateTable(
                name: "SearchSynonyms",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Terms = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchSynonyms", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "SearchSynonyms",
                columns: new[] { "Id", "Terms", "UpdatedAt" },
                values: new object[,]
                {
                    { "default-01", "[\"jar\",\"pot\",\"container\",\"\\uD1B5\",\"\\uC6A9\\uAE30\",\"\\uD56D\\uC544\\uB9AC\"]", 1309319036928000000L },
                    { "default-02", "[\"tangerine\",\"tangerines\",\"mandarin\",\"\\uADE4\",\"\\uAC10\\uADE4\"]", 1309319036928000000L },
                    { "default-03", "[\"tea\",\"\\uCC28\"]", 1309319036928000000L },
                    { "default-04", "[\"apple\",\"apples\",\"\\uC0AC\\uACFC\"]", 1309319036928000000L },
                    { "default-05", "[\"pear\",\"pears\",\"\\uBC30\"]", 1309319036928000000L },
                    { "default-06", "[\"orange\",\"oranges\",\"\\uC624\\uB80C\\uC9C0\",\"\\uD55C\\uB77C\\uBD09\"]", 1309319036928000000L },
                    { "default-07", "[\"cabbage\",\"\\uBC30\\uCD94\"]", 1309319036928000000L },
                    { "default-08", "[\"grape\",\"grapes\",\"\\uD3EC\\uB3C4\",\"\\uC0E4\\uC778\\uBA38\\uC2A4\\uCEA3\"]", 1309319036928000000L },
                    { "default-09", "[\"carrot\",\"carrots\",\"\\uB2F9\\uADFC\"]", 1309319036928000000L },
                    { "default-10", "[\"potato\",\"\\uACE0\\uAD6C\\uB9C8\",\"\\uAC10\\uC790\"]", 1309319036928000000L },
                    { "default-11", "[\"bread\",\"\\uBE75\",\"\\uC2DD\\uBE75\"]", 1309319036928000000L },
                    { "default-12", "[\"cookie\",\"cookies\",\"\\uCFE0\\uD0A4\"]", 1309319036928000000L },
                    { "default-13", "[\"chocolate\",\"\\uCD08\\uCF5C\\uB9BF\",\"\\uCD08\\uCF54\"]", 1309319036928000000L },
                    { "default-14", "[\"honey\",\"\\uAFC0\"]", 1309319036928000000L },
                    { "default-15", "[\"mug\",\"cup\",\"\\uCEF5\",\"\\uBA38\\uADF8\",\"\\uC794\"]", 1309319036928000000L },
                    { "default-16", "[\"candle\",\"\\uCE94\\uB4E4\",\"\\uC591\\uCD08\"]", 1309319036928000000L },
                    { "default-17", "[\"towel\",\"\\uD0C0\\uC6D4\",\"\\uC218\\uAC74\"]", 1309319036928000000L },
                    { "default-18", "[\"stool\",\"chair\",\"\\uC758\\uC790\",\"\\uC2A4\\uD234\"]", 1309319036928000000L },
                    { "default-19", "[\"cushion\",\"\\uBC29\\uC11D\",\"\\uCFE0\\uC158\"]", 1309319036928000000L },
                    { "default-20", "[\"shirt\",\"\\uC154\\uCE20\"]", 1309319036928000000L },
                    { "default-21", "[\"pants\",\"trousers\",\"\\uBC14\\uC9C0\",\"\\uD32C\\uCE20\"]", 1309319036928000000L },
                    { "default-22", "[\"coat\",\"\\uCF54\\uD2B8\"]", 1309319036928000000L },
                    { "default-23", "[\"bag\",\"tote\",\"\\uAC00\\uBC29\",\"\\uD1A0\\uD2B8\\uBC31\"]", 1309319036928000000L },
                    { "default-24", "[\"scarf\",\"\\uC2A4\\uCE74\\uD504\"]", 1309319036928000000L },
                    { "default-25", "[\"toner\",\"\\uD1A0\\uB108\",\"\\uC2A4\\uD0A8\"]", 1309319036928000000L },
                    { "default-26", "[\"serum\",\"\\uC138\\uB7FC\",\"\\uC5D0\\uC13C\\uC2A4\"]", 1309319036928000000L },
                    { "default-27", "[\"cleanser\",\"\\uD074\\uB80C\\uC800\",\"\\uC138\\uC548\\uC81C\"]", 1309319036928000000L },
                    { "default-28", "[\"sunscreen\",\"suncream\",\"\\uC120\\uD06C\\uB9BC\",\"\\uC790\\uC678\\uC120\\uCC28\\uB2E8\\uC81C\"]", 1309319036928000000L },
                    { "default-29", "[\"lamp\",\"light\",\"\\uC870\\uBA85\",\"\\uC2A4\\uD0E0\\uB4DC\",\"\\uB7A8\\uD504\"]", 1309319036928000000L },
                    { "default-30", "[\"notebook\",\"\\uB178\\uD2B8\",\"\\uACF5\\uCC45\"]", 1309319036928000000L },
                    { "default-31", "[\"knife\",\"\\uCE7C\",\"\\uB098\\uC774\\uD504\"]", 1309319036928000000L },
                    { "default-32", "[\"spoon\",\"spoons\",\"\\uC218\\uC800\",\"\\uC21F\\uAC00\\uB77D\"]", 1309319036928000000L },
                    { "default-33", "[\"kimchi\",\"\\uAE40\\uCE58\"]", 1309319036928000000L },
                    { "default-34", "[\"backpack\",\"\\uBC30\\uB0AD\"]", 1309319036928000000L },
                    { "default-35", "[\"bottle\",\"\\uBB3C\\uBCD1\",\"\\uBCF4\\uC628\\uBCD1\"]", 1309319036928000000L },
                    { "default-36", "[\"mat\",\"\\uB9E4\\uD2B8\"]", 1309319036928000000L },
                    { "default-37", "[\"pen\",\"\\uD39C\",\"\\uB9CC\\uB144\\uD544\"]", 1309319036928000000L },
                    { "default-38", "[\"book\",\"\\uCC45\",\"\\uB3C4\\uC11C\"]", 1309319036928000000L },
                    { "default-39", "[\"toy\",\"toys\",\"\\uC7A5\\uB09C\\uAC10\"]", 1309319036928000000L },
                    { "default-40", "[\"boots\",\"\\uC7A5\\uD654\",\"\\uBD80\\uCE20\"]", 1309319036928000000L },
                    { "default-41", "[\"baby\",\"\\uC544\\uAE30\",\"\\uC720\\uC544\"]", 1309319036928000000L },
                    { "default-42", "[\"gift\",\"\\uC120\\uBB3C\"]", 1309319036928000000L },
                    { "default-43", "[\"linen\",\"\\uB9B0\\uB128\",\"\\uB9AC\\uB128\"]", 1309319036928000000L },
                    { "default-44", "[\"wool\",\"\\uC6B8\"]", 1309319036928000000L },
                    { "default-45", "[\"dolsot\",\"\\uB3CC\\uC1A5\"]", 1309319036928000000L },
                    { "default-46", "[\"hanbok\",\"\\uD55C\\uBCF5\"]", 1309319036928000000L },
                    { "default-47", "[\"hanji\",\"\\uD55C\\uC9C0\"]", 1309319036928000000L },
                    { "default-48", "[\"planner\",\"\\uD50C\\uB798\\uB108\",\"\\uB2E4\\uC774\\uC5B4\\uB9AC\"]", 1309319036928000000L },
                    { "default-49", "[\"tape\",\"\\uD14C\\uC774\\uD504\"]", 1309319036928000000L },
                    { "default-50", "[\"oil\",\"\\uC624\\uC77C\"]", 1309319036928000000L },
                    { "default-51", "[\"steamer\",\"\\uCC1C\\uAE30\"]", 1309319036928000000L },
                    { "default-52", "[\"blocks\",\"block\",\"\\uBE14\\uB85D\"]", 1309319036928000000L }
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

            migrationBuilder.DropTable(
                name: "SearchSynonyms");
        }
    }
}
