using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CoCreation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OriginAuthor",
                table: "Products",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OriginIdeaId",
                table: "Products",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PaymentPurpose",
                table: "Orders",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Campaigns",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IdeaId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProposalId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    MakerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    AuthorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    UnitPrice = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    GoalUnits = table.Column<int>(type: "integer", nullable: false),
                    PledgedUnits = table.Column<int>(type: "integer", nullable: false),
                    Backers = table.Column<int>(type: "integer", nullable: false),
                    Deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RoyaltyRate = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SettledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SettlementLockedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SettlementLockedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Campaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CoCreatedProducts",
                columns: table => new
                {
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IdeaId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CampaignId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AuthorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    RoyaltyRate = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CoCreatedProducts", x => x.ProductId);
                });

            migrationBuilder.CreateTable(
                name: "IdeaComments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IdeaId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ParentId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    AuthorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Body = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Hidden = table.Column<bool>(type: "boolean", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdeaComments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IdeaFollows",
                columns: table => new
                {
                    IdeaId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdeaFollows", x => new { x.IdeaId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "IdeaProposals",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IdeaId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    MakerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    UnitPrice = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    MinimumUnits = table.Column<int>(type: "integer", nullable: false),
                    LeadTimeDays = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdeaProposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IdeaReports",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TargetKind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    TargetId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ReporterId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdeaReports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Ideas",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AuthorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TargetPrice = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Votes = table.Column<int>(type: "integer", nullable: false),
                    Comments = table.Column<int>(type: "integer", nullable: false),
                    Hidden = table.Column<bool>(type: "boolean", nullable: false),
                    CampaignId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Ideas", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IdeaVotes",
                columns: table => new
                {
                    IdeaId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdeaVotes", x => new { x.IdeaId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "Pledges",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CampaignId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    BackerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    AddressJson = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    OrderId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Pledges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProductionUpdates",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CampaignId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Stage = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    PhotoUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProductionUpdates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RoyaltyCancellations",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoyaltyCancellations", x => x.OrderId);
                });

            migrationBuilder.CreateTable(
                name: "RoyaltyEntries",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    AuthorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    IdeaId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OrderId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProductId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Basis = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    OrderTotal = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoyaltyEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Products_OriginIdeaId",
                table: "Products",
                column: "OriginIdeaId");

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_IdeaId",
                table: "Campaigns",
                column: "IdeaId");

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_ProposalId",
                table: "Campaigns",
                column: "ProposalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_Status_Deadline",
                table: "Campaigns",
                columns: new[] { "Status", "Deadline" });

            migrationBuilder.CreateIndex(
                name: "IX_IdeaComments_IdeaId_At",
                table: "IdeaComments",
                columns: new[] { "IdeaId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_IdeaProposals_IdeaId",
                table: "IdeaProposals",
                column: "IdeaId");

            migrationBuilder.CreateIndex(
                name: "IX_IdeaReports_TargetId_ReporterId",
                table: "IdeaReports",
                columns: new[] { "TargetId", "ReporterId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Ideas_AuthorId",
                table: "Ideas",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_Ideas_Hidden_CreatedAt",
                table: "Ideas",
                columns: new[] { "Hidden", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_IdeaVotes_At",
                table: "IdeaVotes",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_Pledges_BackerId",
                table: "Pledges",
                column: "BackerId");

            migrationBuilder.CreateIndex(
                name: "IX_Pledges_CampaignId_Status",
                table: "Pledges",
                columns: new[] { "CampaignId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Pledges_OrderId",
                table: "Pledges",
                column: "OrderId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProductionUpdates_CampaignId_At",
                table: "ProductionUpdates",
                columns: new[] { "CampaignId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RoyaltyEntries_AuthorId_At",
                table: "RoyaltyEntries",
                columns: new[] { "AuthorId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RoyaltyEntries_Key",
                table: "RoyaltyEntries",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RoyaltyEntries_OrderId",
                table: "RoyaltyEntries",
                column: "OrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Campaigns");

            migrationBuilder.DropTable(
                name: "CoCreatedProducts");

            migrationBuilder.DropTable(
                name: "IdeaComments");

            migrationBuilder.DropTable(
                name: "IdeaFollows");

            migrationBuilder.DropTable(
                name: "IdeaProposals");

            migrationBuilder.DropTable(
                name: "IdeaReports");

            migrationBuilder.DropTable(
                name: "Ideas");

            migrationBuilder.DropTable(
                name: "IdeaVotes");

            migrationBuilder.DropTable(
                name: "Pledges");

            migrationBuilder.DropTable(
                name: "ProductionUpdates");

            migrationBuilder.DropTable(
                name: "RoyaltyCancellations");

            migrationBuilder.DropTable(
                name: "RoyaltyEntries");

            migrationBuilder.DropIndex(
                name: "IX_Products_OriginIdeaId",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "OriginAuthor",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "OriginIdeaId",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "PaymentPurpose",
                table: "Orders");
        }
    }
}
