using Dots.Infrastructure;
using Dots.Modules.Ordering;

namespace Dots.Modules.CoCreation;

public sealed record SubmitIdeaRequest(string? Title, string? Description, string? Category, MoneyDto? TargetPrice);

public sealed record UpdateIdeaRequest(string? Title, string? Description, string? Category, MoneyDto? TargetPrice);

/// <summary>An idea in a list: the board's card.</summary>
public sealed record IdeaSummaryDto(
    string Id, string Title, string Category, string Status, int Votes, int Comments, string AuthorId, string AuthorName,
    MoneyDto TargetPrice, string? CampaignId, DateTimeOffset CreatedAt, double Trending);

public sealed record ProposalDto(
    string Id, string IdeaId, string ShopId, string ShopName, MoneyDto UnitPrice, int MinimumUnits, int LeadTimeDays, string Note,
    string Status, DateTimeOffset CreatedAt);

/// <summary>
/// One idea with its proposals and its campaign id when one exists. <see cref="Voted"/> and <see cref="Following"/> are
/// the caller's own (false when anonymous).
/// </summary>
public sealed record IdeaDto(
    string Id, string Title, string Description, string Category, MoneyDto TargetPrice, string Status, int Votes, int Comments,
    int Followers, string AuthorId, string AuthorName, bool Hidden, bool Voted, bool Following, string? CampaignId, string? ProductId,
    IReadOnlyList<ProposalDto> Proposals, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record VoteDto(string IdeaId, int Votes, bool Voted);

public sealed record FollowDto(string IdeaId, int Followers, bool Following);

public sealed record CommentRequest(string? Body, string? ParentId);

public sealed record CommentDto(string Id, string IdeaId, string? ParentId, string AuthorId, string AuthorName, string Body, bool Hidden, DateTimeOffset At);

public sealed record ReportRequest(string? Reason);

public sealed record HideRequest(bool? Hidden);

public sealed record SimilarIdeaDto(string Id, string Title, string Status, int Votes, double Similarity);

public sealed record ProposeRequest(string? ShopId, MoneyDto? UnitPrice, int? MinimumUnits, int? LeadTimeDays, string? Note);

public sealed record AcceptProposalRequest(int? GoalUnits, DateTimeOffset? Deadline);

public sealed record AcceptedDto(string CampaignId);

public sealed record PledgeRequest(int? Quantity, AddressDto? ShippingAddress, PaymentRequest? Payment);

public sealed record ProductionUpdateDto(string Id, string Stage, string Text, string? PhotoUrl, DateTimeOffset At);

public sealed record PostUpdateRequest(string? Stage, string? Text, string? PhotoUrl, int? Stock);

/// <summary>
/// A campaign: <see cref="Status"/> is Open, Funded, Failed, InProduction or Delivered. <see cref="Settled"/> is true once
/// every pledge reached its end (captured and ordered, or released); <see cref="ProductId"/> is the catalog product made.
/// </summary>
public sealed record CampaignDto(
    string Id, string IdeaId, string Title, string ShopId, string ShopName, string MakerId, string AuthorId, string Status,
    int GoalUnits, int PledgedUnits, int Backers, DateTimeOffset Deadline, MoneyDto UnitPrice, DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt, DateTimeOffset? SettledAt, bool Settled, string? ProductId, string? VariantId,
    IReadOnlyList<ProductionUpdateDto> Updates);

/// <summary>A backer's pledge; <see cref="Payments"/> are its money movements (authorize, then capture or void).</summary>
public sealed record PledgeDto(
    string Id, string CampaignId, int Quantity, MoneyDto Amount, string Status, string? OrderId, DateTimeOffset CreatedAt,
    IReadOnlyList<Dots.Modules.Payments.PaymentTransactionDto> Payments);

public sealed record RoyaltyEntryDto(string Id, DateTimeOffset At, string IdeaId, string IdeaTitle, string OrderId, MoneyDto Amount, string Kind);

public sealed record RoyaltiesDto(MoneyDto Balance, MoneyDto Earned, MoneyDto Reversed, IReadOnlyList<RoyaltyEntryDto> Entries);

/// <summary>What one settlement run did (for the job, the benchmark and operators).</summary>
public sealed record SettlementResult(string CampaignId, string Status, bool Completed, int Captured, int Ordered, int Voided, int Rejected, int Lapsed, int Remaining);

public sealed record CampaignSettlementStats(int PledgedUnits, int Pledges, int Ordered, int OrderedUnits, int ApprovedCaptures);
