using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RentalsAndStoresInit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RentalBookings",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UnitId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    From = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    To = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Rent = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    Deposit = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AddressName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AddressLine1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AddressLine2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AddressCity = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AddressPostalCode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AddressPhone = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PickedUpAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReturnedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReturnedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LateDays = table.Column<int>(type: "INTEGER", nullable: false),
                    LateFee = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    DamageCharge = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    DepositCharged = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    Outstanding = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    DepositRefunded = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    ReturnCondition = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ReturnNotes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalBookings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RentalItems",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    PricePerDay = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    PricePerWeek = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: true),
                    Deposit = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    MinDays = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxDays = table.Column<int>(type: "INTEGER", nullable: false),
                    BufferDays = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalItems", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RentalUnitDays",
                columns: table => new
                {
                    UnitId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    BookingId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalUnitDays", x => new { x.UnitId, x.Day });
                });

            migrationBuilder.CreateTable(
                name: "RentalUnitEvents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UnitId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BookingId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Condition = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: true),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalUnitEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StoreAllocations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    LocationId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ReturnedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreAllocations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StoreLocations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: true),
                    Longitude = table.Column<double>(type: "REAL", nullable: true),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OpeningHours = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Pickup = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsOnlineCentre = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreLocations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StoreLocationStock",
                columns: table => new
                {
                    LocationId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Stock = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreLocationStock", x => new { x.LocationId, x.VariantId });
                    table.CheckConstraint("CK_StoreLocationStock_Stock", "\"Stock\" >= 0");
                });

            migrationBuilder.CreateTable(
                name: "StorePickups",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    LocationId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BuyerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PlacedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReadyAt = table.Column<long>(type: "INTEGER", nullable: true),
                    HandedOverAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StorePickups", x => x.OrderId);
                });

            migrationBuilder.CreateTable(
                name: "StoreStaff",
                columns: table => new
                {
                    LocationId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreStaff", x => new { x.LocationId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "StoreStockMovements",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    LocationId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Before = table.Column<int>(type: "INTEGER", nullable: false),
                    After = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreStockMovements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RentalUnits",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Condition = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalUnits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RentalUnits_RentalItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "RentalItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RentalBookings_CustomerId_CreatedAt",
                table: "RentalBookings",
                columns: new[] { "CustomerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RentalBookings_ShopId_From",
                table: "RentalBookings",
                columns: new[] { "ShopId", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_RentalBookings_UnitId",
                table: "RentalBookings",
                column: "UnitId");

            migrationBuilder.CreateIndex(
                name: "IX_RentalItems_Category_CreatedAt",
                table: "RentalItems",
                columns: new[] { "Category", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RentalItems_ShopId",
                table: "RentalItems",
                column: "ShopId");

            migrationBuilder.CreateIndex(
                name: "IX_RentalUnitDays_BookingId",
                table: "RentalUnitDays",
                column: "BookingId");

            migrationBuilder.CreateIndex(
                name: "IX_RentalUnitEvents_UnitId_At",
                table: "RentalUnitEvents",
                columns: new[] { "UnitId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RentalUnits_ItemId",
                table: "RentalUnits",
                column: "ItemId");

            migrationBuilder.CreateIndex(
                name: "IX_StoreAllocations_OrderId",
                table: "StoreAllocations",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_StoreLocations_ShopId",
                table: "StoreLocations",
                column: "ShopId");

            migrationBuilder.CreateIndex(
                name: "IX_StoreLocationStock_VariantId",
                table: "StoreLocationStock",
                column: "VariantId");

            migrationBuilder.CreateIndex(
                name: "IX_StorePickups_LocationId_Status",
                table: "StorePickups",
                columns: new[] { "LocationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_StorePickups_Status_ExpiresAt",
                table: "StorePickups",
                columns: new[] { "Status", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_StoreStaff_UserId",
                table: "StoreStaff",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_StoreStockMovements_LocationId_At",
                table: "StoreStockMovements",
                columns: new[] { "LocationId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RentalBookings");

            migrationBuilder.DropTable(
                name: "RentalUnitDays");

            migrationBuilder.DropTable(
                name: "RentalUnitEvents");

            migrationBuilder.DropTable(
                name: "RentalUnits");

            migrationBuilder.DropTable(
                name: "StoreAllocations");

            migrationBuilder.DropTable(
                name: "StoreLocations");

            migrationBuilder.DropTable(
                name: "StoreLocationStock");

            migrationBuilder.DropTable(
                name: "StorePickups");

            migrationBuilder.DropTable(
                name: "StoreStaff");

            migrationBuilder.DropTable(
                name: "StoreStockMovements");

            migrationBuilder.DropTable(
                name: "RentalItems");
        }
    }
}
