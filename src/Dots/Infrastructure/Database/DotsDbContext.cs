using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

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
    public DbSet<ShopOrder> ShopOrders => Set<ShopOrder>();
    public DbSet<PaymentTransaction> Payments => Set<PaymentTransaction>();
    public DbSet<OrderEvent> OrderEvents => Set<OrderEvent>();
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

        // Each module configures its own entities (Modules/<Module>/<Module>Model.cs).
        builder.ApplyConfigurationsFromAssembly(typeof(DotsDbContext).Assembly);
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
