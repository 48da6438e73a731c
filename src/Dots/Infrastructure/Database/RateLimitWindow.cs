using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Infrastructure.Database;

/// <summary>
/// One fixed window of a shared rate limit: how many requests a partition (a client address, a user) made in the
/// window that starts at <see cref="WindowStart"/> (Unix seconds). Every instance counts in the same row with one
/// atomic upsert, so a limit holds across instances behind a proxy (PostgreSQL; ADR 0022).
/// </summary>
public sealed class RateLimitWindow
{
    public required string Key { get; init; }
    public long WindowStart { get; init; }
    public int Count { get; set; }
}

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> e)
    {
        e.ToTable("RateLimitWindows");
        e.HasKey(w => new { w.Key, w.WindowStart });
        e.Property(w => w.Key).HasMaxLength(200);
        // The prune job deletes windows by their start.
        e.HasIndex(w => w.WindowStart);
    }
}
