using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Demand;

// The Demand module's tables (see docs/decisions/0017-demand-sensing.md).
internal static class DemandTables
{
    public const string Events = "DemandEvents";
    public const string ProductRollups = "DemandProductRollups";
    public const string QueryRollups = "DemandQueryRollups";
}

internal sealed class DemandEventConfiguration : IEntityTypeConfiguration<DemandEvent>
{
    public void Configure(EntityTypeBuilder<DemandEvent> e)
    {
        e.ToTable(DemandTables.Events);
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.Type).HasMaxLength(24);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.ProductId).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.Category).HasMaxLength(64);
        e.Property(x => x.Query).HasMaxLength(200);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.SessionId).HasMaxLength(64);
        e.Property(x => x.UserId).HasMaxLength(450);
        e.Property(x => x.DedupeKey).HasMaxLength(120);
        e.HasIndex(x => x.At);
        e.HasIndex(x => x.DedupeKey).IsUnique();
    }
}

internal sealed class DemandProductRollupConfiguration : IEntityTypeConfiguration<DemandProductRollup>
{
    public void Configure(EntityTypeBuilder<DemandProductRollup> e)
    {
        e.ToTable(DemandTables.ProductRollups);
        e.HasKey(x => new { x.Span, x.Bucket, x.ProductId, x.VariantId });
        e.Property(x => x.ProductId).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.HasIndex(x => new { x.ShopId, x.Span, x.Bucket });
        e.HasIndex(x => new { x.ProductId, x.Span, x.Bucket });
    }
}

internal sealed class DemandQueryRollupConfiguration : IEntityTypeConfiguration<DemandQueryRollup>
{
    public void Configure(EntityTypeBuilder<DemandQueryRollup> e)
    {
        e.ToTable(DemandTables.QueryRollups);
        e.HasKey(x => new { x.Span, x.Bucket, x.Query });
        e.Property(x => x.Query).HasMaxLength(200);
    }
}

internal sealed class DemandForecastConfiguration : IEntityTypeConfiguration<DemandForecast>
{
    public void Configure(EntityTypeBuilder<DemandForecast> e)
    {
        e.ToTable("DemandForecasts");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.ProductId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.Method).HasMaxLength(200);
        e.HasIndex(x => new { x.VariantId, x.Version });
        e.HasIndex(x => new { x.ShopId, x.Version });
    }
}

internal sealed class DemandShopSettingsConfiguration : IEntityTypeConfiguration<DemandShopSettings>
{
    public void Configure(EntityTypeBuilder<DemandShopSettings> e)
    {
        e.ToTable("DemandShopSettings");
        e.HasKey(x => x.ShopId);
        e.Property(x => x.ShopId).HasMaxLength(32);
    }
}

internal sealed class DemandVariantPlanConfiguration : IEntityTypeConfiguration<DemandVariantPlan>
{
    public void Configure(EntityTypeBuilder<DemandVariantPlan> e)
    {
        e.ToTable("DemandVariantPlans");
        e.HasKey(x => x.VariantId);
        e.Property(x => x.VariantId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.HasIndex(x => x.ShopId);
    }
}
