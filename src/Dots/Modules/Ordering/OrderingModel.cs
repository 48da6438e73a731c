using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Ordering;

// The Ordering module's tables: DotsDbContext applies every IEntityTypeConfiguration in the assembly, so a module's
// model lives in its own room.
internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> e)
    {
        e.Property(o => o.Id).HasMaxLength(32);
        e.Property(o => o.BuyerId).HasMaxLength(450);
        e.Property(o => o.Currency).HasMaxLength(3);
        e.Property(o => o.PaymentPurpose).HasMaxLength(100);
        // A number, so the column added to existing orders defaults to 0 = None (not counted yet).
        e.Property(o => o.SalesCounted).HasConversion<int>();
        e.OwnsOne(o => o.ShippingAddress, a =>
        {
            a.Property(x => x.Name).HasMaxLength(100);
            a.Property(x => x.Line1).HasMaxLength(200);
            a.Property(x => x.Line2).HasMaxLength(200);
            a.Property(x => x.City).HasMaxLength(100);
            a.Property(x => x.PostalCode).HasMaxLength(20);
            a.Property(x => x.Phone).HasMaxLength(30);
        });
        e.HasIndex(o => new { o.BuyerId, o.PlacedAt });
        e.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(o => o.ShopOrders).WithOne().HasForeignKey(f => f.OrderId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(o => o.Payments).WithOne().HasForeignKey(p => p.OrderId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(o => o.Events).WithOne().HasForeignKey(ev => ev.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> e)
    {
        e.Property(l => l.Id).HasMaxLength(32);
        e.Property(l => l.Title).HasMaxLength(200);
        e.Property(l => l.Sku).HasMaxLength(64);
        // Five options at their longest: 5 × (30 + ": " + 60) + 4 × ", " = 468 characters.
        e.Property(l => l.OptionsText).HasMaxLength(500);
        e.HasIndex(l => new { l.ShopId, l.OrderId });
    }
}

internal sealed class ShopOrderConfiguration : IEntityTypeConfiguration<ShopOrder>
{
    public void Configure(EntityTypeBuilder<ShopOrder> e)
    {
        e.Property(f => f.Id).HasMaxLength(32);
        e.HasIndex(f => f.ShopId);
    }
}

internal sealed class PaymentTransactionConfiguration : IEntityTypeConfiguration<PaymentTransaction>
{
    public void Configure(EntityTypeBuilder<PaymentTransaction> e)
    {
        e.Property(p => p.Id).HasMaxLength(32);
        e.Property(p => p.Currency).HasMaxLength(3);
        e.Property(p => p.GatewayReference).HasMaxLength(64);
        // An order's money moves at most once per kind (one authorization, capture, void, refund): racing cancels
        // and the recovery sweep record a refund once.
        e.HasIndex(p => new { p.OrderId, p.Kind }).IsUnique();
    }
}

internal sealed class OrderEventConfiguration : IEntityTypeConfiguration<OrderEvent>
{
    public void Configure(EntityTypeBuilder<OrderEvent> e)
    {
        e.Property(ev => ev.Id).HasMaxLength(32);
        e.Property(ev => ev.Note).HasMaxLength(300);
    }
}

internal sealed class CartItemConfiguration : IEntityTypeConfiguration<CartItem>
{
    public void Configure(EntityTypeBuilder<CartItem> e)
    {
        e.HasKey(c => new { c.UserId, c.VariantId });
        e.Property(c => c.VariantId).HasMaxLength(32);
    }
}
