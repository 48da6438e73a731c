using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dots.Infrastructure.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeliveryInit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeliveryBookings",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    BuyerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    SlotId = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    ZoneId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Date = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: false),
                    Longitude = table.Column<double>(type: "REAL", nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AddressText = table.Column<string>(type: "TEXT", maxLength: 420, nullable: false),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    DoorCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    LeaveAtDoor = table.Column<bool>(type: "INTEGER", nullable: false),
                    Instructions = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    NotBeforeMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    Units = table.Column<int>(type: "INTEGER", nullable: false),
                    WeightKg = table.Column<double>(type: "REAL", nullable: false),
                    HasChilled = table.Column<bool>(type: "INTEGER", nullable: false),
                    HasFrozen = table.Column<bool>(type: "INTEGER", nullable: false),
                    BookedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    WaveId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    RouteId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Eta = table.Column<long>(type: "INTEGER", nullable: true),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ProofFile = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    FailReason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Unservable = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryBookings", x => x.OrderId);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryCentres",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    NameKo = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Latitude = table.Column<double>(type: "REAL", nullable: false),
                    Longitude = table.Column<double>(type: "REAL", nullable: false),
                    CutoffMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliverByMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryCentres", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryProductPackaging",
                columns: table => new
                {
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Class = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    WeightKg = table.Column<double>(type: "REAL", nullable: false),
                    Aisle = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryProductPackaging", x => x.ProductId);
                });

            migrationBuilder.CreateTable(
                name: "DeliverySlots",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    ZoneId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Date = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    Booked = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliverySlots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryVehicles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    CapacityUnits = table.Column<int>(type: "INTEGER", nullable: false),
                    CapacityKg = table.Column<double>(type: "REAL", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryVehicles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryWaves",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Date = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PlannedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LeasedBy = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    Orders = table.Column<int>(type: "INTEGER", nullable: false),
                    PlanningSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Distance = table.Column<double>(type: "REAL", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryWaves", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryBookingLines",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    VariantId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    Packaging = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    NameKo = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PolygonJson = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    NightlyCapacity = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    WaveId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    VehicleId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    VehicleName = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DistanceKm = table.Column<double>(type: "REAL", nullable: false),
                    LoadUnits = table.Column<int>(type: "INTEGER", nullable: false),
                    LoadKg = table.Column<double>(type: "REAL", nullable: false),
                    DurationMinutes = table.Column<double>(type: "REAL", nullable: false),
                    LatenessMinutes = table.Column<double>(type: "REAL", nullable: false),
                    DepartAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DriverUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true)
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
                name: "DeliveryBookings");

            migrationBuilder.DropTable(
                name: "DeliveryWaves");

            migrationBuilder.DropTable(
                name: "DeliveryCentres");
        }
    }
}
