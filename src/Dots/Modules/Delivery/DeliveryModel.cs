using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Delivery;

// The Delivery module's tables, applied by DotsDbContext.ApplyConfigurationsFromAssembly and reached through Set<T>().
internal sealed class FulfilmentCentreConfiguration : IEntityTypeConfiguration<FulfilmentCentre>
{
    public void Configure(EntityTypeBuilder<FulfilmentCentre> e)
    {
        e.ToTable("DeliveryCentres");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.NameKo).HasMaxLength(100);
        e.Property(x => x.TimeZone).HasMaxLength(64);
    }
}

internal sealed class DeliveryZoneConfiguration : IEntityTypeConfiguration<DeliveryZone>
{
    public void Configure(EntityTypeBuilder<DeliveryZone> e)
    {
        e.ToTable("DeliveryZones");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.CentreId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.NameKo).HasMaxLength(100);
        e.Property(x => x.PolygonJson).HasMaxLength(20000);
        e.HasIndex(x => x.CentreId);
        e.HasOne<FulfilmentCentre>().WithMany().HasForeignKey(x => x.CentreId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliverySlotConfiguration : IEntityTypeConfiguration<DeliverySlot>
{
    public void Configure(EntityTypeBuilder<DeliverySlot> e)
    {
        e.ToTable("DeliverySlots");
        e.Property(x => x.Id).HasMaxLength(60);
        e.Property(x => x.ZoneId).HasMaxLength(40);
        e.Property(x => x.Date).HasMaxLength(10);
        e.HasIndex(x => new { x.ZoneId, x.Date }).IsUnique();
    }
}

internal sealed class DeliveryBookingConfiguration : IEntityTypeConfiguration<DeliveryBooking>
{
    public void Configure(EntityTypeBuilder<DeliveryBooking> e)
    {
        e.ToTable("DeliveryBookings");
        e.HasKey(x => x.OrderId);
        e.Property(x => x.OrderId).HasMaxLength(40);
        e.Property(x => x.BuyerId).HasMaxLength(450);
        e.Property(x => x.SlotId).HasMaxLength(60);
        e.Property(x => x.ZoneId).HasMaxLength(40);
        e.Property(x => x.CentreId).HasMaxLength(40);
        e.Property(x => x.Date).HasMaxLength(10);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Recipient).HasMaxLength(100);
        e.Property(x => x.AddressText).HasMaxLength(420);
        e.Property(x => x.Phone).HasMaxLength(30);
        e.Property(x => x.DoorCode).HasMaxLength(40);
        e.Property(x => x.Instructions).HasMaxLength(300);
        e.Property(x => x.WaveId).HasMaxLength(40);
        e.Property(x => x.RouteId).HasMaxLength(40);
        e.Property(x => x.ProofFile).HasMaxLength(80);
        e.Property(x => x.FailReason).HasMaxLength(300);
        e.Property(x => x.Unservable).HasMaxLength(300);
        e.HasIndex(x => new { x.CentreId, x.Date, x.Status });
        e.HasIndex(x => x.RouteId);
        e.HasIndex(x => x.WaveId);
        e.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliveryBookingLineConfiguration : IEntityTypeConfiguration<DeliveryBookingLine>
{
    public void Configure(EntityTypeBuilder<DeliveryBookingLine> e)
    {
        e.ToTable("DeliveryBookingLines");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.OrderId).HasMaxLength(40);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.VariantId).HasMaxLength(40);
        e.Property(x => x.Packaging).HasConversion<string>().HasMaxLength(10);
    }
}

internal sealed class ProductPackagingConfiguration : IEntityTypeConfiguration<ProductPackaging>
{
    public void Configure(EntityTypeBuilder<ProductPackaging> e)
    {
        e.ToTable("DeliveryProductPackaging");
        e.HasKey(x => x.ProductId);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.Class).HasConversion<string>().HasMaxLength(10);
    }
}

internal sealed class DeliveryVehicleConfiguration : IEntityTypeConfiguration<DeliveryVehicle>
{
    public void Configure(EntityTypeBuilder<DeliveryVehicle> e)
    {
        e.ToTable("DeliveryVehicles");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.CentreId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(60);
        e.HasIndex(x => x.CentreId);
    }
}

internal sealed class DeliveryWaveConfiguration : IEntityTypeConfiguration<DeliveryWave>
{
    public void Configure(EntityTypeBuilder<DeliveryWave> e)
    {
        e.ToTable("DeliveryWaves");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.CentreId).HasMaxLength(40);
        e.Property(x => x.Date).HasMaxLength(10);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
        e.Property(x => x.Trigger).HasMaxLength(16);
        e.Property(x => x.LeasedBy).HasMaxLength(80);
        e.Property(x => x.Error).HasMaxLength(500);
        // The claim: one wave per centre per night, whichever instance or operator gets there first.
        e.HasIndex(x => new { x.CentreId, x.Date }).IsUnique();
    }
}

internal sealed class DeliveryRouteConfiguration : IEntityTypeConfiguration<DeliveryRoute>
{
    public void Configure(EntityTypeBuilder<DeliveryRoute> e)
    {
        e.ToTable("DeliveryRoutes");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.WaveId).HasMaxLength(40);
        e.Property(x => x.VehicleId).HasMaxLength(40);
        e.Property(x => x.VehicleName).HasMaxLength(60);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.DriverUserId).HasMaxLength(450);
        e.HasIndex(x => x.WaveId);
        e.HasIndex(x => x.DriverUserId);
        e.HasOne<DeliveryWave>().WithMany().HasForeignKey(x => x.WaveId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliveryDriverConfiguration : IEntityTypeConfiguration<DeliveryDriver>
{
    public void Configure(EntityTypeBuilder<DeliveryDriver> e)
    {
        e.ToTable("DeliveryDrivers");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasMaxLength(450);
        e.Property(x => x.Email).HasMaxLength(256);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Phone).HasMaxLength(30);
    }
}
