using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Personalization;

// The Personalization module's tables, applied by DotsDbContext.ApplyConfigurationsFromAssembly; reached only through
// DbContext.Set<T>() inside this folder.
internal sealed class ProductViewConfiguration : IEntityTypeConfiguration<ProductView>
{
    public void Configure(EntityTypeBuilder<ProductView> e)
    {
        e.ToTable("RecProductViews");
        // No primary key: a view is never read, changed or deleted by itself, and a key index (a 32-character text id
        // per row) was a third of the log's insert cost on the ingest path (docs/benchmarks.md, issue 17). On
        // PostgreSQL the migration gives UserId and SessionId the "C" collation: they are opaque identifiers, compared
        // byte by byte, and the linguistic collation made every index insert pay for strcoll.
        e.HasNoKey();
        e.Property(v => v.UserId).HasMaxLength(450);
        e.Property(v => v.SessionId).HasMaxLength(100);
        e.Property(v => v.ProductId).HasMaxLength(32);
        // Each view is in one of the two: a customer's by user, a guest's by session (the only ways they are read:
        // a profile's recent views, the sign-in merge, training on customers' views). Partial indexes keep every row
        // out of the index it is never looked up in — one index insert per view instead of two on the ingest path.
        e.HasIndex(v => new { v.UserId, v.At }).HasFilter("\"UserId\" IS NOT NULL");
        e.HasIndex(v => new { v.SessionId, v.At }).HasFilter("\"UserId\" IS NULL");
    }
}

internal sealed class PersonalizationSettingConfiguration : IEntityTypeConfiguration<PersonalizationSetting>
{
    public void Configure(EntityTypeBuilder<PersonalizationSetting> e)
    {
        e.ToTable("RecSettings");
        e.HasKey(s => s.UserId);
        e.Property(s => s.UserId).HasMaxLength(450);
    }
}

internal sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> e)
    {
        e.ToTable("RecModelVersions");
        e.Property(v => v.Id).HasMaxLength(32);
        e.Property(v => v.Note).HasMaxLength(500);
        e.HasIndex(v => v.Number).IsUnique();
        e.HasIndex(v => new { v.Status, v.Number });
    }
}
