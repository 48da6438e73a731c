using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Infrastructure.Events;

/// <summary>One published event. <see cref="Sequence"/> is assigned by the database on insert and orders events per aggregate.</summary>
public sealed class OutboxMessage
{
    public long Sequence { get; init; }
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Payload { get; init; }
    public required string AggregateId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public List<OutboxDelivery> Deliveries { get; init; } = [];
}

public enum DeliveryStatus
{
    Pending,
    Done,
    Failed,
}

/// <summary>One handler's copy of one event: its row is what makes delivery once per handler and what a lease locks.</summary>
public sealed class OutboxDelivery
{
    public long MessageSequence { get; init; }
    public required string Handler { get; init; }
    /// <summary>Copied from the message so the "earlier event of this aggregate still open" check needs no join.</summary>
    public required string AggregateId { get; init; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> e)
    {
        e.ToTable("OutboxMessages");
        e.HasKey(m => m.Sequence);
        e.Property(m => m.Sequence).ValueGeneratedOnAdd();
        e.HasIndex(m => m.Id).IsUnique();
        e.Property(m => m.Id).HasMaxLength(32);
        e.Property(m => m.Type).HasMaxLength(200);
        e.Property(m => m.AggregateId).HasMaxLength(64);
        e.HasIndex(m => m.OccurredAt);
        e.HasMany(m => m.Deliveries).WithOne().HasForeignKey(d => d.MessageSequence).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxDeliveryConfiguration : IEntityTypeConfiguration<OutboxDelivery>
{
    public void Configure(EntityTypeBuilder<OutboxDelivery> e)
    {
        e.ToTable("OutboxDeliveries");
        e.HasKey(d => new { d.MessageSequence, d.Handler });
        e.Property(d => d.Handler).HasMaxLength(200);
        e.Property(d => d.AggregateId).HasMaxLength(64);
        e.Property(d => d.LockedBy).HasMaxLength(100);
        e.Property(d => d.LastError).HasMaxLength(4000);
        // What the dispatcher looks for: pending work in event order, and the open predecessors of a delivery in its
        // aggregate. Both are partial: after a flash sale the table holds hundreds of thousands of Done rows, and the
        // look for due work must cost what is open, not what is done (the statuses are literals in the dispatcher's SQL).
        e.HasIndex(d => d.MessageSequence).HasDatabaseName("IX_OutboxDeliveries_Pending").HasFilter("\"Status\" = 'Pending'");
        e.HasIndex(d => new { d.Handler, d.AggregateId, d.MessageSequence }).HasDatabaseName("IX_OutboxDeliveries_Open").HasFilter("\"Status\" <> 'Done'");
    }
}
