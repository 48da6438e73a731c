using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Payments;

// The Payments module's tables, applied by DotsDbContext.ApplyConfigurationsFromAssembly. The module reaches them
// through DbContext.Set<T>(), so nothing of it lives outside this folder.
internal sealed class PaymentIntentConfiguration : IEntityTypeConfiguration<PaymentIntent>
{
    public void Configure(EntityTypeBuilder<PaymentIntent> e)
    {
        e.ToTable("PaymentIntents");
        e.Property(p => p.Id).HasMaxLength(32);
        e.Property(p => p.Purpose).HasMaxLength(100);
        e.Property(p => p.PayerId).HasMaxLength(450);
        e.Property(p => p.Currency).HasMaxLength(3);
        e.Property(p => p.AuthorizationReference).HasMaxLength(64);
        e.Property(p => p.Version).IsConcurrencyToken();
        e.HasIndex(p => p.Purpose).IsUnique();
        e.HasIndex(p => p.PayerId);
        e.HasIndex(p => new { p.Status, p.HoldExpiresAt });
    }
}

internal sealed class PaymentAttemptConfiguration : IEntityTypeConfiguration<PaymentAttempt>
{
    public void Configure(EntityTypeBuilder<PaymentAttempt> e)
    {
        e.ToTable("PaymentAttempts");
        e.Property(a => a.Id).HasMaxLength(32);
        e.Property(a => a.IntentId).HasMaxLength(32);
        e.Property(a => a.Step).HasMaxLength(40);
        e.Property(a => a.Label).HasMaxLength(200);
        e.Property(a => a.Currency).HasMaxLength(3);
        e.Property(a => a.ProviderKey).HasMaxLength(80);
        e.Property(a => a.ProviderReference).HasMaxLength(64);
        e.Property(a => a.Error).HasMaxLength(500);
        e.HasIndex(a => a.ProviderKey).IsUnique();
        e.HasIndex(a => new { a.IntentId, a.Step }).IsUnique();
        e.HasIndex(a => new { a.Status, a.StartedAt });
        e.HasOne<PaymentIntent>().WithMany().HasForeignKey(a => a.IntentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SandboxLedgerEntryConfiguration : IEntityTypeConfiguration<SandboxLedgerEntry>
{
    public void Configure(EntityTypeBuilder<SandboxLedgerEntry> e)
    {
        e.ToTable("SandboxLedgerEntries");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(200);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Result).HasMaxLength(40);
        e.Property(x => x.Message).HasMaxLength(300);
        e.Property(x => x.Reference).HasMaxLength(64);
        e.Property(x => x.ParentReference).HasMaxLength(64);
        e.Property(x => x.SettlementSlot).HasMaxLength(80);
        e.Property(x => x.CardLast4).HasMaxLength(4);
        e.HasIndex(x => x.Reference).IsUnique();
        e.HasIndex(x => x.ParentReference);
        e.HasIndex(x => x.SettlementSlot).IsUnique();
    }
}

internal sealed class PayoutLedgerEntryConfiguration : IEntityTypeConfiguration<PayoutLedgerEntry>
{
    public void Configure(EntityTypeBuilder<PayoutLedgerEntry> e)
    {
        e.ToTable("PayoutLedgerEntries");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.Reference).HasMaxLength(200);
        e.Property(x => x.OrderId).HasMaxLength(32);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.PayoutId).HasMaxLength(32);
        e.HasIndex(x => new { x.Reference, x.Kind, x.ShopId }).IsUnique();
        e.HasIndex(x => new { x.ShopId, x.PayoutId, x.At });
    }
}

internal sealed class PayoutRunConfiguration : IEntityTypeConfiguration<PayoutRun>
{
    public void Configure(EntityTypeBuilder<PayoutRun> e)
    {
        e.ToTable("PayoutRuns");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.Period).HasMaxLength(16);
        e.Property(x => x.Trigger).HasMaxLength(16);
        e.HasIndex(x => x.Period).IsUnique();
        e.HasIndex(x => x.StartedAt);
        e.HasMany(x => x.Payouts).WithOne().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PayoutConfiguration : IEntityTypeConfiguration<Payout>
{
    public void Configure(EntityTypeBuilder<Payout> e)
    {
        e.ToTable("Payouts");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.RunId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.HasIndex(x => new { x.ShopId, x.At });
    }
}
