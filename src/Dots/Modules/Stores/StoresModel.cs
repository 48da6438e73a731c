using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Stores;

internal sealed class StoreLocationConfiguration : IEntityTypeConfiguration<StoreLocation>
{
    public void Configure(EntityTypeBuilder<StoreLocation> e)
    {
        e.ToTable("StoreLocations");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Address).HasMaxLength(300);
        e.Property(x => x.TimeZone).HasMaxLength(64);
        e.Property(x => x.OpeningHours).HasMaxLength(2000);
        e.HasIndex(x => x.ShopId);
    }
}

internal sealed class LocationStockConfiguration : IEntityTypeConfiguration<LocationStock>
{
    public void Configure(EntityTypeBuilder<LocationStock> e)
    {
        e.ToTable("StoreLocationStock", t => t.HasCheckConstraint("CK_StoreLocationStock_Stock", "\"Stock\" >= 0"));
        e.HasKey(x => new { x.LocationId, x.VariantId });
        e.Property(x => x.LocationId).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.HasIndex(x => x.VariantId);
    }
}

internal sealed class StoreStaffConfiguration : IEntityTypeConfiguration<StoreStaffMember>
{
    public void Configure(EntityTypeBuilder<StoreStaffMember> e)
    {
        e.ToTable("StoreStaff");
        e.HasKey(x => new { x.LocationId, x.UserId });
        e.Property(x => x.LocationId).HasMaxLength(32);
        e.Property(x => x.UserId).HasMaxLength(450);
        e.HasIndex(x => x.UserId);
    }
}

internal sealed class PickupOrderConfiguration : IEntityTypeConfiguration<PickupOrder>
{
    public void Configure(EntityTypeBuilder<PickupOrder> e)
    {
        e.ToTable("StorePickups");
        e.HasKey(x => x.OrderId);
        e.Property(x => x.OrderId).HasMaxLength(32);
        e.Property(x => x.LocationId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.BuyerId).HasMaxLength(450);
        e.Property(x => x.Code).HasMaxLength(16);
        e.HasIndex(x => new { x.LocationId, x.Status });
        e.HasIndex(x => new { x.Status, x.ExpiresAt });
    }
}

internal sealed class StockAllocationConfiguration : IEntityTypeConfiguration<StockAllocation>
{
    public void Configure(EntityTypeBuilder<StockAllocation> e)
    {
        e.ToTable("StoreAllocations");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.OrderId).HasMaxLength(32);
        e.Property(x => x.LocationId).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Reason).HasMaxLength(300);
        e.HasIndex(x => x.OrderId);
    }
}

internal sealed class StockMovementConfiguration : IEntityTypeConfiguration<StockMovement>
{
    public void Configure(EntityTypeBuilder<StockMovement> e)
    {
        e.ToTable("StoreStockMovements");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.LocationId).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.ActorId).HasMaxLength(450);
        e.Property(x => x.Note).HasMaxLength(300);
        e.HasIndex(x => new { x.LocationId, x.At });
    }
}

internal sealed class StockTransferConfiguration : IEntityTypeConfiguration<StockTransfer>
{
    public void Configure(EntityTypeBuilder<StockTransfer> e)
    {
        e.ToTable("StoreTransfers", t => t.HasCheckConstraint("CK_StoreTransfers_Quantity", "\"Quantity\" > 0"));
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.FromLocationId).HasMaxLength(32);
        e.Property(x => x.ToLocationId).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.Note).HasMaxLength(300);
        e.Property(x => x.SentBy).HasMaxLength(450);
        e.Property(x => x.ClosedBy).HasMaxLength(450);
        e.HasIndex(x => new { x.FromLocationId, x.Status });
        e.HasIndex(x => new { x.ToLocationId, x.Status });
    }
}
