using System.Text.Json;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Dots.Infrastructure.Database;

/// <summary>
/// The system of record. One model for both providers; each provider has its own derived context only so
/// that its migrations live apart (see docs/decisions/0002-two-database-providers.md).
/// </summary>
public abstract class DotsDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<Shop> Shops => Set<Shop>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Variant> Variants => Set<Variant>();
    public DbSet<ProductImage> ProductImages => Set<ProductImage>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<Fulfillment> Fulfillments => Set<Fulfillment>();
    public DbSet<PaymentTransaction> Payments => Set<PaymentTransaction>();
    public DbSet<OrderEvent> OrderEvents => Set<OrderEvent>();
    public DbSet<PayoutEntry> PayoutEntries => Set<PayoutEntry>();
    public DbSet<CartItem> CartItems => Set<CartItem>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public abstract DatabaseProvider Provider { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(18, 4);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<AppUser>(e =>
        {
            e.Property(u => u.DisplayName).HasMaxLength(100);
            e.Property(u => u.PreferredCulture).HasMaxLength(10);
        });

        builder.Entity<Shop>(e =>
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
        });

        builder.Entity<Category>(e =>
        {
            e.HasKey(c => c.Slug);
            e.Property(c => c.Slug).HasMaxLength(40);
            e.Property(c => c.Name).HasMaxLength(60);
            e.Property(c => c.NameKo).HasMaxLength(60);
        });

        builder.Entity<Product>(e =>
        {
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
        });

        builder.Entity<Variant>(e =>
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
        });

        builder.Entity<ProductImage>(e =>
        {
            e.Property(i => i.Id).HasMaxLength(32);
            e.Property(i => i.ProductId).HasMaxLength(32);
            e.Property(i => i.FileName).HasMaxLength(100);
            e.Property(i => i.ContentType).HasMaxLength(40);
            e.Property(i => i.Alt).HasMaxLength(200);
        });

        builder.Entity<Order>(e =>
        {
            e.Property(o => o.Id).HasMaxLength(32);
            e.Property(o => o.BuyerId).HasMaxLength(450);
            e.Property(o => o.Currency).HasMaxLength(3);
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
            e.HasMany(o => o.Fulfillments).WithOne().HasForeignKey(f => f.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(o => o.Payments).WithOne().HasForeignKey(p => p.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(o => o.Events).WithOne().HasForeignKey(ev => ev.OrderId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OrderLine>(e =>
        {
            e.Property(l => l.Id).HasMaxLength(32);
            e.Property(l => l.Title).HasMaxLength(200);
            e.Property(l => l.Sku).HasMaxLength(64);
            e.Property(l => l.OptionsText).HasMaxLength(300);
            e.HasIndex(l => new { l.ShopId, l.OrderId });
        });

        builder.Entity<Fulfillment>(e =>
        {
            e.Property(f => f.Id).HasMaxLength(32);
            e.HasIndex(f => f.ShopId);
        });

        builder.Entity<PaymentTransaction>(e =>
        {
            e.Property(p => p.Id).HasMaxLength(32);
            e.Property(p => p.Currency).HasMaxLength(3);
            e.Property(p => p.GatewayReference).HasMaxLength(64);
        });

        builder.Entity<OrderEvent>(e =>
        {
            e.Property(ev => ev.Id).HasMaxLength(32);
            e.Property(ev => ev.Note).HasMaxLength(300);
        });

        builder.Entity<PayoutEntry>(e =>
        {
            e.Property(p => p.Id).HasMaxLength(32);
            e.Property(p => p.Currency).HasMaxLength(3);
            e.HasIndex(p => new { p.ShopId, p.At });
        });

        builder.Entity<CartItem>(e =>
        {
            e.HasKey(c => new { c.UserId, c.VariantId });
            e.Property(c => c.VariantId).HasMaxLength(32);
        });

        builder.Entity<IdempotencyRecord>(e =>
        {
            e.HasKey(r => new { r.UserId, r.Scope, r.Key });
            e.Property(r => r.Key).HasMaxLength(200);
            e.Property(r => r.Scope).HasMaxLength(40);
            e.Property(r => r.RequestHash).HasMaxLength(64);
            e.Property(r => r.Location).HasMaxLength(200);
        });
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class SqliteDotsDbContext(DbContextOptions<SqliteDotsDbContext> options) : DotsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no decimal or timestamp type that sorts or compares correctly: store money as
        // scaled integers (exact to 4 decimals) and instants as UTC ticks, both ordered like the values.
        configurationBuilder.Properties<decimal>().HaveConversion<ScaledDecimalConverter>();
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}

public sealed class PostgresDotsDbContext(DbContextOptions<PostgresDotsDbContext> options) : DotsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

internal sealed class ScaledDecimalConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<decimal, long>(
    d => (long)(d * Scale),
    l => l / Scale)
{
    private const decimal Scale = 10_000m;
}
