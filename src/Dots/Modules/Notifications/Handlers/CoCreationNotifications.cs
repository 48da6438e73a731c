using Dots.Modules.CoCreation;

namespace Dots.Modules.Notifications;

/// <summary>An idea's author hears about a new comment (not their own).</summary>
internal sealed class NotifyIdeaCommented(NotificationService notifications) : NotifyOnEvent<IdeaCommented>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(IdeaCommented e)
    {
        if (e.AuthorId == e.CommenterId)
        {
            yield break;
        }
        yield return new NotificationRequest(e.AuthorId, NotificationKinds.IdeaComment,
            LocalizedText.Of("New comment on your idea"),
            LocalizedText.Of("Someone commented on “{0}”.", e.IdeaTitle),
            $"/ideas/{e.IdeaId}#c-{e.CommentId}", DedupeKey: $"{NotificationKinds.IdeaComment}:{e.CommentId}");
    }
}

/// <summary>An idea's author hears that a maker offers to produce it.</summary>
internal sealed class NotifyProposalReceived(NotificationService notifications) : NotifyOnEvent<ProposalReceived>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(ProposalReceived e)
    {
        yield return new NotificationRequest(e.AuthorId, NotificationKinds.IdeaProposal,
            LocalizedText.Of("A maker wants to produce your idea"),
            LocalizedText.Of("A maker offers to produce “{0}” at {1} a unit. Compare the offers and accept one.", e.IdeaTitle, e.UnitPrice),
            $"/ideas/{e.IdeaId}", DedupeKey: $"{NotificationKinds.IdeaProposal}:{e.ProposalId}");
    }
}

/// <summary>Backers, the author and the maker hear how a campaign ended.</summary>
internal sealed class NotifyCampaignSettled(NotificationService notifications) : NotifyOnEvent<CampaignSettled>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(CampaignSettled e)
    {
        var funded = string.Equals(e.Outcome, "Funded", StringComparison.OrdinalIgnoreCase);
        var title = LocalizedText.Of(funded ? "A campaign was funded" : "A campaign did not reach its goal");
        var body = funded
            ? LocalizedText.Of("{0} of {1} units were pledged. Cards are charged now and production starts.", e.PledgedUnits.ToString(System.Globalization.CultureInfo.InvariantCulture), e.GoalUnits.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : LocalizedText.Of("{0} of {1} units were pledged. Nobody is charged: every card hold is released.", e.PledgedUnits.ToString(System.Globalization.CultureInfo.InvariantCulture), e.GoalUnits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var user in e.BackerIds.Append(e.AuthorId).Append(e.MakerId).Distinct(StringComparer.Ordinal))
        {
            yield return new NotificationRequest(user, NotificationKinds.CampaignOutcome, title, body,
                $"/ideas/{e.IdeaId}", DedupeKey: $"{NotificationKinds.CampaignOutcome}:{e.CampaignId}");
        }
    }
}

/// <summary>Backers follow production stage by stage.</summary>
internal sealed class NotifyProductionUpdate(NotificationService notifications) : NotifyOnEvent<ProductionUpdatePosted>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(ProductionUpdatePosted e)
    {
        foreach (var backer in e.BackerIds.Distinct(StringComparer.Ordinal))
        {
            yield return new NotificationRequest(backer, NotificationKinds.ProductionUpdate,
                LocalizedText.Of("Production update"),
                LocalizedText.Of("The maker posted an update on a campaign you backed: {0}", e.Text.Length > 140 ? e.Text[..140] + "…" : e.Text),
                $"/ideas/{e.IdeaId}", DedupeKey: $"{NotificationKinds.ProductionUpdate}:{e.UpdateId}");
        }
    }
}

/// <summary>An idea's author hears about each royalty earned.</summary>
internal sealed class NotifyRoyaltyEarned(NotificationService notifications) : NotifyOnEvent<RoyaltyEarned>(notifications)
{
    protected override IEnumerable<NotificationRequest> Notify(RoyaltyEarned e)
    {
        yield return new NotificationRequest(e.AuthorId, NotificationKinds.RoyaltyEarned,
            LocalizedText.Of("Royalty earned"),
            LocalizedText.Of("You earned {0} from a sale of a product born from your idea.", e.Amount),
            "/me/earnings", DedupeKey: $"{NotificationKinds.RoyaltyEarned}:{e.EntryId}");
    }
}
