using Dots.Modules.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Notifications;

// The Notifications module's tables (DotsDbContext applies every IEntityTypeConfiguration in the assembly).
internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> e)
    {
        e.ToTable("Notifications");
        e.Property(n => n.Id).HasMaxLength(32);
        e.Property(n => n.UserId).HasMaxLength(450);
        e.Property(n => n.Kind).HasMaxLength(64);
        e.Property(n => n.TitleKey).HasMaxLength(500);
        e.Property(n => n.BodyKey).HasMaxLength(1000);
        e.Property(n => n.TitleSource).HasMaxLength(200);
        e.Property(n => n.BodySource).HasMaxLength(200);
        e.Property(n => n.TitleArgs).HasMaxLength(4000);
        e.Property(n => n.BodyArgs).HasMaxLength(4000);
        e.Property(n => n.Link).HasMaxLength(500);
        e.Property(n => n.DedupeKey).HasMaxLength(200);
        e.HasOne<AppUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        // A redelivered event finds its notification already there: one per recipient and key. NULL keys never collide.
        e.HasIndex(n => new { n.UserId, n.DedupeKey }).IsUnique();
        // The centre (newest first) and the bell (unread count) read by user.
        e.HasIndex(n => new { n.UserId, n.CreatedAt });
        e.HasIndex(n => new { n.UserId, n.ReadAt });
    }
}

internal sealed class NotificationEmailConfiguration : IEntityTypeConfiguration<NotificationEmail>
{
    public void Configure(EntityTypeBuilder<NotificationEmail> e)
    {
        e.ToTable("NotificationEmails");
        e.Property(m => m.Id).HasMaxLength(32);
        e.Property(m => m.NotificationId).HasMaxLength(32);
        e.Property(m => m.UserId).HasMaxLength(450);
        e.Property(m => m.To).HasMaxLength(256);
        e.Property(m => m.Language).HasMaxLength(8);
        e.Property(m => m.Subject).HasMaxLength(500);
        e.HasIndex(m => m.NotificationId).IsUnique();
        e.HasOne<Notification>().WithMany().HasForeignKey(m => m.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationSettingConfiguration : IEntityTypeConfiguration<NotificationSetting>
{
    public void Configure(EntityTypeBuilder<NotificationSetting> e)
    {
        e.ToTable("NotificationSettings");
        e.HasKey(s => s.UserId);
        e.Property(s => s.UserId).HasMaxLength(450);
        e.Property(s => s.Language).HasMaxLength(8);
        e.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> e)
    {
        e.ToTable("NotificationPreferences");
        e.HasKey(p => new { p.UserId, p.Kind });
        e.Property(p => p.UserId).HasMaxLength(450);
        e.Property(p => p.Kind).HasMaxLength(64);
        e.HasOne<AppUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
