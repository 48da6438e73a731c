using Dots.Infrastructure;
using Dots.Infrastructure.Events;

namespace Dots.Modules.CoCreation;

// Everything notable in the co-creation loop, for notifications, demand sensing and personalization. Published in the
// transaction that made the change (transactional outbox, ADR 0012); delivered at least once.

public sealed record IdeaSubmitted(string IdeaId, string AuthorId, string Title, string Category, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => IdeaId;
}

/// <summary>A vote was cast (<see cref="Withdrawn"/> false) or withdrawn; <see cref="Votes"/> is the count after it.</summary>
public sealed record IdeaVoted(string IdeaId, string AuthorId, string VoterId, bool Withdrawn, int Votes, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => IdeaId;
}

public sealed record IdeaCommented(string IdeaId, string IdeaTitle, string AuthorId, string CommentId, string CommenterId, string? ParentId, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => IdeaId;
}

public sealed record ProposalReceived(string IdeaId, string IdeaTitle, string AuthorId, string ProposalId, string ShopId, string MakerId, MoneyDto UnitPrice, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => IdeaId;
}

public sealed record CampaignStarted(string CampaignId, string IdeaId, string AuthorId, string ShopId, string MakerId, int GoalUnits, MoneyDto UnitPrice, DateTimeOffset Deadline, IReadOnlyList<string> FollowerIds, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => CampaignId;
}

public sealed record PledgePlaced(string CampaignId, string PledgeId, string BackerId, int Quantity, MoneyDto Amount, int PledgedUnits, int GoalUnits, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => CampaignId;
}

/// <summary>A campaign's settlement finished: <see cref="Outcome"/> is Funded (holds captured, orders written) or Failed (holds released).</summary>
public sealed record CampaignSettled(string CampaignId, string IdeaId, string AuthorId, string MakerId, string Outcome, int PledgedUnits, int GoalUnits, IReadOnlyList<string> BackerIds, string? ProductId, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => CampaignId;
}

public sealed record ProductionUpdatePosted(string CampaignId, string IdeaId, string UpdateId, string Stage, string Text, IReadOnlyList<string> BackerIds, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => CampaignId;
}

public sealed record RoyaltyEarned(string EntryId, string AuthorId, string IdeaId, string OrderId, string ProductId, MoneyDto Amount, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => AuthorId;
}

public sealed record RoyaltyReversed(string EntryId, string AuthorId, string IdeaId, string OrderId, string ProductId, MoneyDto Amount, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => AuthorId;
}
