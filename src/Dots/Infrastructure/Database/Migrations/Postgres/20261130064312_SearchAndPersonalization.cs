using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Dots.Infrastructure.Database.Migrations.Postgres
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

            migrationBuilder.CreateTable(
                name: "SearchSynonyms",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Terms = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    { "default-01", "[\"jar\",\"pot\",\"container\",\"\\uD1B5\",\"\\uC6A9\\uAE30\",\"\\uD56D\\uC544\\uB9AC\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-02", "[\"tangerine\",\"tangerines\",\"mandarin\",\"\\uADE4\",\"\\uAC10\\uADE4\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-03", "[\"tea\",\"\\uCC28\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-04", "[\"apple\",\"apples\",\"\\uC0AC\\uACFC\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-05", "[\"pear\",\"pears\",\"\\uBC30\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-06", "[\"orange\",\"oranges\",\"\\uC624\\uB80C\\uC9C0\",\"\\uD55C\\uB77C\\uBD09\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-07", "[\"cabbage\",\"\\uBC30\\uCD94\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-08", "[\"grape\",\"grapes\",\"\\uD3EC\\uB3C4\",\"\\uC0E4\\uC778\\uBA38\\uC2A4\\uCEA3\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-09", "[\"carrot\",\"carrots\",\"\\uB2F9\\uADFC\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-10", "[\"potato\",\"\\uACE0\\uAD6C\\uB9C8\",\"\\uAC10\\uC790\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-11", "[\"bread\",\"\\uBE75\",\"\\uC2DD\\uBE75\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-12", "[\"cookie\",\"cookies\",\"\\uCFE0\\uD0A4\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-13", "[\"chocolate\",\"\\uCD08\\uCF5C\\uB9BF\",\"\\uCD08\\uCF54\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-14", "[\"honey\",\"\\uAFC0\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-15", "[\"mug\",\"cup\",\"\\uCEF5\",\"\\uBA38\\uADF8\",\"\\uC794\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-16", "[\"candle\",\"\\uCE94\\uB4E4\",\"\\uC591\\uCD08\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-17", "[\"towel\",\"\\uD0C0\\uC6D4\",\"\\uC218\\uAC74\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-18", "[\"stool\",\"chair\",\"\\uC758\\uC790\",\"\\uC2A4\\uD234\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-19", "[\"cushion\",\"\\uBC29\\uC11D\",\"\\uCFE0\\uC158\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-20", "[\"shirt\",\"\\uC154\\uCE20\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-21", "[\"pants\",\"trousers\",\"\\uBC14\\uC9C0\",\"\\uD32C\\uCE20\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-22", "[\"coat\",\"\\uCF54\\uD2B8\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-23", "[\"bag\",\"tote\",\"\\uAC00\\uBC29\",\"\\uD1A0\\uD2B8\\uBC31\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-24", "[\"scarf\",\"\\uC2A4\\uCE74\\uD504\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-25", "[\"toner\",\"\\uD1A0\\uB108\",\"\\uC2A4\\uD0A8\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-26", "[\"serum\",\"\\uC138\\uB7FC\",\"\\uC5D0\\uC13C\\uC2A4\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-27", "[\"cleanser\",\"\\uD074\\uB80C\\uC800\",\"\\uC138\\uC548\\uC81C\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-28", "[\"sunscreen\",\"suncream\",\"\\uC120\\uD06C\\uB9BC\",\"\\uC790\\uC678\\uC120\\uCC28\\uB2E8\\uC81C\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-29", "[\"lamp\",\"light\",\"\\uC870\\uBA85\",\"\\uC2A4\\uD0E0\\uB4DC\",\"\\uB7A8\\uD504\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-30", "[\"notebook\",\"\\uB178\\uD2B8\",\"\\uACF5\\uCC45\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-31", "[\"knife\",\"\\uCE7C\",\"\\uB098\\uC774\\uD504\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-32", "[\"spoon\",\"spoons\",\"\\uC218\\uC800\",\"\\uC21F\\uAC00\\uB77D\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-33", "[\"kimchi\",\"\\uAE40\\uCE58\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-34", "[\"backpack\",\"\\uBC30\\uB0AD\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-35", "[\"bottle\",\"\\uBB3C\\uBCD1\",\"\\uBCF4\\uC628\\uBCD1\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-36", "[\"mat\",\"\\uB9E4\\uD2B8\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-37", "[\"pen\",\"\\uD39C\",\"\\uB9CC\\uB144\\uD544\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-38", "[\"book\",\"\\uCC45\",\"\\uB3C4\\uC11C\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-39", "[\"toy\",\"toys\",\"\\uC7A5\\uB09C\\uAC10\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-40", "[\"boots\",\"\\uC7A5\\uD654\",\"\\uBD80\\uCE20\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-41", "[\"baby\",\"\\uC544\\uAE30\",\"\\uC720\\uC544\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-42", "[\"gift\",\"\\uC120\\uBB3C\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-43", "[\"linen\",\"\\uB9B0\\uB128\",\"\\uB9AC\\uB128\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-44", "[\"wool\",\"\\uC6B8\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-45", "[\"dolsot\",\"\\uB3CC\\uC1A5\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-46", "[\"hanbok\",\"\\uD55C\\uBCF5\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-47", "[\"hanji\",\"\\uD55C\\uC9C0\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-48", "[\"planner\",\"\\uD50C\\uB798\\uB108\",\"\\uB2E4\\uC774\\uC5B4\\uB9AC\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-49", "[\"tape\",\"\\uD14C\\uC774\\uD504\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-50", "[\"oil\",\"\\uC624\\uC77C\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-51", "[\"steamer\",\"\\uCC1C\\uAE30\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) },
                    { "default-52", "[\"blocks\",\"block\",\"\\uBE14\\uB85D\"]", new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)) }
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
