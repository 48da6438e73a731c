using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StoresRentalsDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeliveryBookings",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    BuyerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    SlotId = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ZoneId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Date = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Latitude = table.Column<double>(type: "double precision", nullable: false),
                    Longitude = table.Column<double>(type: "double precision", nullable: false),
                    Recipient = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AddressText = table.Column<string>(type: "character varying(420)", maxLength: 420, nullable: false),
                    Phone = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    DoorCode = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    LeaveAtDoor = table.Column<bool>(type: "boolean", nullable: false),
                    Instructions = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    NotBeforeMinutes = table.Column<int>(type: "integer", nullable: true),
                    Units = table.Column<int>(type: "integer", nullable: false),
                    WeightKg = table.Column<double>(type: "double precision", nullable: false),
                    HasChilled = table.Column<bool>(type: "boolean", nullable: false),
                    HasFrozen = table.Column<bool>(type: "boolean", nullable: false),
                    BookedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WaveId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    RouteId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    Eta = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ProofFile = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    FailReason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Unservable = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryBookings", x => x.OrderId);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryCentres",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NameKo = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Latitude = table.Column<double>(type: "double precision", nullable: false),
                    Longitude = table.Column<double>(type: "double precision", nullable: false),
                    CutoffMinutes = table.Column<int>(type: "integer", nullable: false),
                    DeliverByMinutes = table.Column<int>(type: "integer", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryCentres", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryProductPackaging",
                columns: table => new
                {
                    ProductId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Class = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    WeightKg = table.Column<double>(type: "double precision", nullable: false),
                    Aisle = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryProductPackaging", x => x.ProductId);
                });

            migrationBuilder.CreateTable(
                name: "DeliverySlots",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ZoneId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Date = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Capacity = table.Column<int>(type: "integer", nullable: false),
                    Booked = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliverySlots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryVehicles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    CapacityUnits = table.Column<int>(type: "integer", nullable: false),
                    CapacityKg = table.Column<double>(type: "double precision", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryVehicles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryWaves",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Date = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PlannedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeasedBy = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    Orders = table.Column<int>(type: "integer", nullable: false),
                    PlanningSeconds = table.Column<double>(type: "double precision", nullable: false),
                    Distance = table.Column<double>(type: "double precision", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryWaves", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RentalBookings",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ItemId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UnitId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CustomerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    From = table.Column<DateOnly>(type: "date", nullable: false),
                    To = table.Column<DateOnly>(type: "date", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Rent = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Deposit = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AddressName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AddressLine1 = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AddressLine2 = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AddressCity = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AddressPostalCode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AddressPhone = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PickedUpAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReturnedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReturnedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    LateDays = table.Column<int>(type: "integer", nullable: false),
                    LateFee = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    DamageCharge = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    DepositCharged = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Outstanding = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    DepositRefunded = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    ReturnCondition = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ReturnNotes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalBookings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RentalItems",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    PricePerDay = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    PricePerWeek = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    Deposit = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    MinDays = table.Column<int>(type: "integer", nullable: false),
                    MaxDays = table.Column<int>(type: "integer", nullable: false),
                    BufferDays = table.Column<int>(type: "integer", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalItems", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RentalUnitDays",
                columns: table => new
                {
                    UnitId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    BookingId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalUnitDays", x => new { x.UnitId, x.Day });
                });

            migrationBuilder.CreateTable(
                name: "RentalUnitEvents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UnitId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    BookingId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Condition = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    ActorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RentalUnitEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StoreAllocations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OrderId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    LocationId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ReturnedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreAllocations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StoreLocations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Latitude = table.Column<double>(type: "double precision", nullable: true),
                    Longitude = table.Column<double>(type: "double precision", nullable: true),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OpeningHours = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Pickup = table.Column<bool>(type: "boolean", nullable: false),
                    IsOnlineCentre = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreLocations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StoreLocationStock",
                columns: table => new
                {
                    LocationId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Stock = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    OrderId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    LocationId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ShopId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    BuyerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    PlacedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReadyAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    HandedOverAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StorePickups", x => x.OrderId);
                });

            migrationBuilder.CreateTable(
                name: "StoreStaff",
                columns: table => new
                {
                    LocationId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreStaff", x => new { x.LocationId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "StoreStockMovements",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    LocationId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    VariantId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Before = table.Column<int>(type: "integer", nullable: false),
                    After = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ActorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    Note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreStockMovements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryBookingLines",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    OrderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProductId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    VariantId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    Packaging = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryBookingLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliveryBookingLines_DeliveryBookings_OrderId",
                        column: x => x.OrderId,
                        principalTable: "DeliveryBookings",
                        principalColumn: "OrderId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryZones",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NameKo = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    PolygonJson = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    NightlyCapacity = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryZones", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliveryZones_DeliveryCentres_CentreId",
                        column: x => x.CentreId,
                        principalTable: "DeliveryCentres",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryRoutes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    WaveId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    VehicleId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    VehicleName = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Index = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DistanceKm = table.Column<double>(type: "double precision", nullable: false),
                    LoadUnits = table.Column<int>(type: "integer", nullable: false),
                    LoadKg = table.Column<double>(type: "double precision", nullable: false),
                    DurationMinutes = table.Column<double>(type: "double precision", nullable: false),
                    LatenessMinutes = table.Column<double>(type: "double precision", nullable: false),
                    DepartAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DriverUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryRoutes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliveryRoutes_DeliveryWaves_WaveId",
                        column: x => x.WaveId,
                        principalTable: "DeliveryWaves",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RentalUnits",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ItemId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Label = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Condition = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "IX_DeliveryBookingLines_OrderId",
                table: "DeliveryBookingLines",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryBookings_CentreId_Date_Status",
                table: "DeliveryBookings",
                columns: new[] { "CentreId", "Date", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryBookings_RouteId",
                table: "DeliveryBookings",
                column: "RouteId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryBookings_WaveId",
                table: "DeliveryBookings",
                column: "WaveId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryRoutes_DriverUserId",
                table: "DeliveryRoutes",
                column: "DriverUserId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryRoutes_WaveId",
                table: "DeliveryRoutes",
                column: "WaveId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliverySlots_ZoneId_Date",
                table: "DeliverySlots",
                columns: new[] { "ZoneId", "Date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryVehicles_CentreId",
                table: "DeliveryVehicles",
                column: "CentreId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryWaves_CentreId_Date",
                table: "DeliveryWaves",
                columns: new[] { "CentreId", "Date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryZones_CentreId",
                table: "DeliveryZones",
                column: "CentreId");

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
                name: "DeliveryBookingLines");

            migrationBuilder.DropTable(
                name: "DeliveryProductPackaging");

            migrationBuilder.DropTable(
                name: "DeliveryRoutes");

            migrationBuilder.DropTable(
                name: "DeliverySlots");

            migrationBuilder.DropTable(
                name: "DeliveryVehicles");

            migrationBuilder.DropTable(
                name: "DeliveryZones");

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
                name: "DeliveryBookings");

            migrationBuilder.DropTable(
                name: "DeliveryWaves");

            migrationBuilder.DropTable(
                name: "DeliveryCentres");

            migrationBuilder.DropTable(
                name: "RentalItems");
        }
    }
}
