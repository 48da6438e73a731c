using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Infrastructure.Database;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> e)
    {
        e.HasKey(r => new { r.UserId, r.Scope, r.Key });
        e.Property(r => r.Key).HasMaxLength(200);
        e.Property(r => r.Scope).HasMaxLength(40);
        e.Property(r => r.RequestHash).HasMaxLength(64);
        e.Property(r => r.Location).HasMaxLength(200);
        e.Property(r => r.ResourceId).HasMaxLength(64);
        // The prune job reads old answered claims by their age.
        e.HasIndex(r => r.CreatedAt);
    }
}
