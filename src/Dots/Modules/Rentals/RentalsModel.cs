using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Rentals;

// The Rentals module's tables (all named Rental*).
internal sealed class RentalItemConfiguration : IEntityTypeConfiguration<RentalItem>
{
    public void Configure(EntityTypeBuilder<RentalItem> e)
    {
        e.ToTable("RentalItems");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.LocationId).HasMaxLength(32);
        e.HasIndex(x => x.LocationId);
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.Description).HasMaxLength(4000);
        e.Property(x => x.Category).HasMaxLength(64);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.TimeZone).HasMaxLength(64);
        e.HasIndex(x => new { x.Category, x.CreatedAt });
        e.HasIndex(x => x.ShopId);
        e.HasMany(x => x.Units).WithOne().HasForeignKey(u => u.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RentalUnitConfiguration : IEntityTypeConfiguration<RentalUnit>
{
    public void Configure(EntityTypeBuilder<RentalUnit> e)
    {
        e.ToTable("RentalUnits");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.ItemId).HasMaxLength(32);
        e.Property(x => x.Label).HasMaxLength(100);
        e.Property(x => x.Condition).HasMaxLength(100);
    }
}

internal sealed class RentalBookingConfiguration : IEntityTypeConfiguration<RentalBooking>
{
    public void Configure(EntityTypeBuilder<RentalBooking> e)
    {
        e.ToTable("RentalBookings");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.ItemId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.UnitId).HasMaxLength(32);
        e.Property(x => x.CustomerId).HasMaxLength(450);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.AddressName).HasMaxLength(100);
        e.Property(x => x.AddressLine1).HasMaxLength(200);
        e.Property(x => x.AddressLine2).HasMaxLength(200);
        e.Property(x => x.AddressCity).HasMaxLength(100);
        e.Property(x => x.AddressPostalCode).HasMaxLength(20);
        e.Property(x => x.AddressPhone).HasMaxLength(30);
        e.Property(x => x.ReturnCondition).HasMaxLength(100);
        e.Property(x => x.ReturnNotes).HasMaxLength(2000);
        e.HasIndex(x => new { x.CustomerId, x.CreatedAt });
        e.HasIndex(x => new { x.ShopId, x.From });
        e.HasIndex(x => x.UnitId);
    }
}

internal sealed class RentalUnitDayConfiguration : IEntityTypeConfiguration<RentalUnitDay>
{
    public void Configure(EntityTypeBuilder<RentalUnitDay> e)
    {
        e.ToTable("RentalUnitDays");
        e.HasKey(x => new { x.UnitId, x.Day });
        e.Property(x => x.UnitId).HasMaxLength(32);
        e.Property(x => x.BookingId).HasMaxLength(32);
        e.HasIndex(x => x.BookingId);
    }
}

internal sealed class RentalUnitEventConfiguration : IEntityTypeConfiguration<RentalUnitEvent>
{
    public void Configure(EntityTypeBuilder<RentalUnitEvent> e)
    {
        e.ToTable("RentalUnitEvents");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.UnitId).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.BookingId).HasMaxLength(32);
        e.Property(x => x.Condition).HasMaxLength(100);
        e.Property(x => x.Note).HasMaxLength(2000);
        e.Property(x => x.ActorId).HasMaxLength(450);
        e.HasIndex(x => new { x.UnitId, x.At });
    }
}
