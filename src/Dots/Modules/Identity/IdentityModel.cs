using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Identity;

// The Identity module's tables: DotsDbContext applies every IEntityTypeConfiguration in the assembly, so a module's
// model lives in its own room.
internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> e)
    {
        e.Property(u => u.DisplayName).HasMaxLength(100);
        e.Property(u => u.PreferredCulture).HasMaxLength(10);
    }
}
