using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.CoCreation;

// The Co-creation module's tables, applied by DotsDbContext.ApplyConfigurationsFromAssembly; the module reaches them
// through DbContext.Set<T>(), so nothing of it lives outside this folder.
internal sealed class IdeaConfiguration : IEntityTypeConfiguration<Idea>
{
    public void Configure(EntityTypeBuilder<Idea> e)
    {
        e.ToTable("Ideas");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.AuthorId).HasMaxLength(450);
        e.Property(x => x.AuthorName).HasMaxLength(100);
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.Description).HasMaxLength(5000);
        e.Property(x => x.Category).HasMaxLength(64);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.CampaignId).HasMaxLength(32);
        e.Property(x => x.ProductId).HasMaxLength(32);
        e.HasIndex(x => new { x.Hidden, x.CreatedAt });
        e.HasIndex(x => x.AuthorId);
    }
}

internal sealed class IdeaVoteConfiguration : IEntityTypeConfiguration<IdeaVote>
{
    public void Configure(EntityTypeBuilder<IdeaVote> e)
    {
        e.ToTable("IdeaVotes");
        e.HasKey(x => new { x.IdeaId, x.UserId });
        e.Property(x => x.IdeaId).HasMaxLength(32);
        e.Property(x => x.UserId).HasMaxLength(450);
        e.HasIndex(x => x.At);
    }
}

internal sealed class IdeaFollowConfiguration : IEntityTypeConfiguration<IdeaFollow>
{
    public void Configure(EntityTypeBuilder<IdeaFollow> e)
    {
        e.ToTable("IdeaFollows");
        e.HasKey(x => new { x.IdeaId, x.UserId });
        e.Property(x => x.IdeaId).HasMaxLength(32);
        e.Property(x => x.UserId).HasMaxLength(450);
    }
}

internal sealed class IdeaCommentConfiguration : IEntityTypeConfiguration<IdeaComment>
{
    public void Configure(EntityTypeBuilder<IdeaComment> e)
    {
        e.ToTable("IdeaComments");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.IdeaId).HasMaxLength(32);
        e.Property(x => x.ParentId).HasMaxLength(32);
        e.Property(x => x.AuthorId).HasMaxLength(450);
        e.Property(x => x.AuthorName).HasMaxLength(100);
        e.Property(x => x.Body).HasMaxLength(2000);
        e.HasIndex(x => new { x.IdeaId, x.At });
    }
}

internal sealed class ContentReportConfiguration : IEntityTypeConfiguration<ContentReport>
{
    public void Configure(EntityTypeBuilder<ContentReport> e)
    {
        e.ToTable("IdeaReports");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.TargetKind).HasMaxLength(10);
        e.Property(x => x.TargetId).HasMaxLength(32);
        e.Property(x => x.ReporterId).HasMaxLength(450);
        e.Property(x => x.Reason).HasMaxLength(500);
        e.HasIndex(x => new { x.TargetId, x.ReporterId }).IsUnique();
    }
}

internal sealed class ProposalConfiguration : IEntityTypeConfiguration<Proposal>
{
    public void Configure(EntityTypeBuilder<Proposal> e)
    {
        e.ToTable("IdeaProposals");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.IdeaId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.ShopName).HasMaxLength(200);
        e.Property(x => x.MakerId).HasMaxLength(450);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Note).HasMaxLength(2000);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => x.IdeaId);
    }
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> e)
    {
        e.ToTable("Campaigns");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.IdeaId).HasMaxLength(32);
        e.Property(x => x.ProposalId).HasMaxLength(32);
        e.Property(x => x.ShopId).HasMaxLength(32);
        e.Property(x => x.ShopName).HasMaxLength(200);
        e.Property(x => x.MakerId).HasMaxLength(450);
        e.Property(x => x.AuthorId).HasMaxLength(450);
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.SettlementLockedBy).HasMaxLength(64);
        e.Property(x => x.ProductId).HasMaxLength(32);
        e.Property(x => x.VariantId).HasMaxLength(32);
        // One campaign per idea at a time is the service's rule; one per accepted proposal is the database's.
        e.HasIndex(x => x.ProposalId).IsUnique();
        e.HasIndex(x => x.IdeaId);
        e.HasIndex(x => new { x.Status, x.Deadline });
    }
}

internal sealed class PledgeConfiguration : IEntityTypeConfiguration<Pledge>
{
    public void Configure(EntityTypeBuilder<Pledge> e)
    {
        e.ToTable("Pledges");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.CampaignId).HasMaxLength(32);
        e.Property(x => x.BackerId).HasMaxLength(450);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.AddressJson).HasMaxLength(2000);
        e.Property(x => x.OrderId).HasMaxLength(32);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Error).HasMaxLength(500);
        e.HasIndex(x => new { x.CampaignId, x.Status });
        e.HasIndex(x => x.BackerId);
        e.HasIndex(x => x.OrderId).IsUnique();
    }
}

internal sealed class ProductionUpdateConfiguration : IEntityTypeConfiguration<ProductionUpdate>
{
    public void Configure(EntityTypeBuilder<ProductionUpdate> e)
    {
        e.ToTable("ProductionUpdates");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.CampaignId).HasMaxLength(32);
        e.Property(x => x.Stage).HasMaxLength(30);
        e.Property(x => x.Text).HasMaxLength(2000);
        e.Property(x => x.PhotoUrl).HasMaxLength(500);
        e.HasIndex(x => new { x.CampaignId, x.At });
    }
}

internal sealed class CoCreatedProductConfiguration : IEntityTypeConfiguration<CoCreatedProduct>
{
    public void Configure(EntityTypeBuilder<CoCreatedProduct> e)
    {
        e.ToTable("CoCreatedProducts");
        e.HasKey(x => x.ProductId);
        e.Property(x => x.ProductId).HasMaxLength(32);
        e.Property(x => x.IdeaId).HasMaxLength(32);
        e.Property(x => x.CampaignId).HasMaxLength(32);
        e.Property(x => x.AuthorId).HasMaxLength(450);
    }
}

internal sealed class RoyaltyEntryConfiguration : IEntityTypeConfiguration<RoyaltyEntry>
{
    public void Configure(EntityTypeBuilder<RoyaltyEntry> e)
    {
        e.ToTable("RoyaltyEntries");
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.Key).HasMaxLength(120);
        e.Property(x => x.AuthorId).HasMaxLength(450);
        e.Property(x => x.IdeaId).HasMaxLength(32);
        e.Property(x => x.OrderId).HasMaxLength(32);
        e.Property(x => x.ProductId).HasMaxLength(32);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => x.Key).IsUnique();
        e.HasIndex(x => new { x.AuthorId, x.At });
        e.HasIndex(x => x.OrderId);
    }
}

internal sealed class RoyaltyCancellationConfiguration : IEntityTypeConfiguration<RoyaltyCancellation>
{
    public void Configure(EntityTypeBuilder<RoyaltyCancellation> e)
    {
        e.ToTable("RoyaltyCancellations");
        e.HasKey(x => x.OrderId);
        e.Property(x => x.OrderId).HasMaxLength(32);
    }
}
