using System.Text.Json;
using Dots.Modules.Identity;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Catalog;

// The Catalog module's tables: DotsDbContext applies every IEntityTypeConfiguration in the assembly, so a module's
// model lives in its own room.
internal sealed class ShopConfiguration : IEntityTypeConfiguration<Shop>
{
    public void Configure(EntityTypeBuilder<Shop> e)
    {
        e.Property(s => s.Id).HasMaxLength(32);
        e.Property(s => s.OwnerId).HasMaxLength(450);
        e.Property(s => s.Name).HasMaxLength(100);
        e.Property(s => s.Description).HasMaxLength(2000);
        e.Property(s => s.Category).HasMaxLength(40);
        e.Property(s => s.Currency).HasMaxLength(3);
        e.Property(s => s.TimeZone).HasMaxLength(64);
        e.HasIndex(s => s.OwnerId);
        e.HasOne<AppUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> e)
    {
        e.HasKey(c => c.Slug);
        e.Property(c => c.Slug).HasMaxLength(40);
        e.Property(c => c.Name).HasMaxLength(60);
        e.Property(c => c.NameKo).HasMaxLength(60);
    }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> e)
    {
        e.Property(p => p.OriginIdeaId).HasMaxLength(32);
        e.Property(p => p.OriginAuthor).HasMaxLength(100);
        e.HasIndex(p => p.OriginIdeaId);
        e.Property(p => p.Id).HasMaxLength(32);
        e.Property(p => p.ShopId).HasMaxLength(32);
        e.Property(p => p.Title).HasMaxLength(200);
        e.Property(p => p.TitleKo).HasMaxLength(200);
        e.Property(p => p.Description).HasMaxLength(5000);
        e.Property(p => p.DescriptionKo).HasMaxLength(5000);
        e.Property(p => p.Category).HasMaxLength(40);
        e.Property(p => p.Currency).HasMaxLength(3);
        e.Property(p => p.Tags).HasConversion(
            tags => JsonSerializer.Serialize(tags, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<List<string>>(json, JsonSerializerOptions.Default) ?? new List<string>(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, s) => HashCode.Combine(h, s)), l => l.ToList()))
            .HasMaxLength(2000);
        e.HasIndex(p => new { p.Status, p.Category });
        e.HasIndex(p => p.ShopId);
        e.HasIndex(p => p.CreatedAt);
        e.HasOne<Shop>().WithMany().HasForeignKey(p => p.ShopId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Category>().WithMany().HasForeignKey(p => p.Category).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(p => p.Variants).WithOne().HasForeignKey(v => v.ProductId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(p => p.Images).WithOne().HasForeignKey(i => i.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VariantConfiguration : IEntityTypeConfiguration<Variant>
{
    public void Configure(EntityTypeBuilder<Variant> e)
    {
        e.Property(v => v.Id).HasMaxLength(32);
        e.Property(v => v.ProductId).HasMaxLength(32);
        e.Property(v => v.ShopId).HasMaxLength(32);
        e.Property(v => v.Sku).HasMaxLength(64);
        e.Property(v => v.Currency).HasMaxLength(3);
        e.Property(v => v.Options).HasConversion(
            o => JsonSerializer.Serialize(o, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>((a, b) => a!.Count == b!.Count && !a.Except(b).Any(), d => d.Count, d => new Dictionary<string, string>(d)))
            .HasMaxLength(1000);
        e.HasIndex(v => new { v.ShopId, v.Sku }).IsUnique();
        e.ToTable(t => t.HasCheckConstraint("CK_Variants_Stock_NonNegative", "\"Stock\" >= 0"));
    }
}

internal sealed class ProductImageConfiguration : IEntityTypeConfiguration<ProductImage>
{
    public void Configure(EntityTypeBuilder<ProductImage> e)
    {
        e.Property(i => i.Id).HasMaxLength(32);
        e.Property(i => i.ProductId).HasMaxLength(32);
        e.Property(i => i.FileName).HasMaxLength(100);
        e.Property(i => i.ContentType).HasMaxLength(40);
        e.Property(i => i.Alt).HasMaxLength(200);
    }
}
