namespace Dots.Modules.CoCreation;

internal enum IdeaStatus
{
    Open = 0,
    InCampaign = 1,
    InProduction = 2,
    OnSale = 3,
}

internal sealed class Idea
{
    public required string Id { get; init; }
    public required string AuthorId { get; init; }
    public required string AuthorName { get; set; }
    public required string Title { get; set; }
    public string Description { get; set; } = "";
    public required string Category { get; set; }
    public decimal TargetPrice { get; set; }
    public string Currency { get; set; } = "KRW";
    public IdeaStatus Status { get; set; }
    public int Votes { get; set; }
    public int Comments { get; set; }
    public bool Hidden { get; set; }
    public string? CampaignId { get; set; }
    public string? ProductId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class IdeaVote
{
    public required string IdeaId { get; init; }
    public required string UserId { get; init; }
    public DateTimeOffset At { get; init; }
}

internal sealed class IdeaFollow
{
    public required string IdeaId { get; init; }
    public required string UserId { get; init; }
    public DateTimeOffset At { get; init; }
}

internal sealed class IdeaComment
{
    public required string Id { get; init; }
    public required string IdeaId { get; init; }
    public string? ParentId { get; init; }
    public required string AuthorId { get; init; }
    public required string AuthorName { get; init; }
    public required string Body { get; set; }
    public bool Hidden { get; set; }
    public DateTimeOffset At { get; init; }
}

internal sealed class ContentReport
{
    public required string Id { get; init; }
    /// <summary><c>idea</c> or <c>comment</c>.</summary>
    public required string TargetKind { get; init; }
    public required string TargetId { get; init; }
    public required string ReporterId { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset At { get; init; }
}

internal enum ProposalStatus
{
    Open = 0,
    Accepted = 1,
    Declined = 2,
}

internal sealed class Proposal
{
    public required string Id { get; init; }
    public required string IdeaId { get; init; }
    public required string ShopId { get; init; }
    public required string ShopName { get; init; }
    public required string MakerId { get; init; }
    public decimal UnitPrice { get; init; }
    public required string Currency { get; init; }
    public int MinimumUnits { get; init; }
    public int LeadTimeDays { get; init; }
    public string Note { get; init; } = "";
    public ProposalStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal enum CampaignStatus
{
    Open = 0,
    Funded = 1,
    Failed = 2,
    InProduction = 3,
    Delivered = 4,
}

internal sealed class Campaign
{
    public required string Id { get; init; }
    public required string IdeaId { get; init; }
    public required string ProposalId { get; init; }
    public required string ShopId { get; init; }
    public required string ShopName { get; init; }
    public required string MakerId { get; init; }
    public required string AuthorId { get; init; }
    public required string Title { get; init; }
    public decimal UnitPrice { get; init; }
    public required string Currency { get; init; }
    public int GoalUnits { get; init; }
    public int PledgedUnits { get; set; }
    public int Backers { get; set; }
    public DateTimeOffset Deadline { get; init; }
    public CampaignStatus Status { get; set; }
    public decimal RoyaltyRate { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the campaign was claimed for settlement (closed); the outcome is decided in that same statement.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>When every pledge reached its end state (captured and ordered, or voided): settlement is over.</summary>
    public DateTimeOffset? SettledAt { get; set; }
    public string? SettlementLockedBy { get; set; }
    public DateTimeOffset? SettlementLockedUntil { get; set; }
    public string? ProductId { get; set; }
    public string? VariantId { get; set; }
}

internal enum PledgeStatus
{
    /// <summary>Written; its hold is being placed. Not counted yet.</summary>
    Pending = 0,
    /// <summary>The hold is placed and the units counted.</summary>
    Authorized = 1,
    /// <summary>Funded: the hold was captured; its order is next.</summary>
    Captured = 2,
    /// <summary>Funded: captured and turned into an order (end state).</summary>
    Ordered = 3,
    /// <summary>Failed campaign: the hold was released (end state).</summary>
    Voided = 4,
    /// <summary>Came too late (the campaign closed first) or its card was declined; any hold released (end state).</summary>
    Rejected = 5,
    /// <summary>Funded, but the hold could not be captured (expired, refused): no order (end state).</summary>
    Lapsed = 6,
}

internal sealed class Pledge
{
    public required string Id { get; init; }
    public required string CampaignId { get; init; }
    public required string BackerId { get; init; }
    public int Quantity { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    /// <summary>The shipping address as the API received it (JSON of Ordering's <c>AddressDto</c>).</summary>
    public required string AddressJson { get; init; }
    /// <summary>Chosen when the pledge is made, so the order a settlement writes has one id however often it is retried.</summary>
    public required string OrderId { get; init; }
    public PledgeStatus Status { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ProductionUpdate
{
    public required string Id { get; init; }
    public required string CampaignId { get; init; }
    public required string Stage { get; init; }
    public required string Text { get; init; }
    public string? PhotoUrl { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>A catalog product born from an idea: its sales earn the idea's author royalties.</summary>
internal sealed class CoCreatedProduct
{
    public required string ProductId { get; init; }
    public required string IdeaId { get; init; }
    public required string CampaignId { get; init; }
    public required string AuthorId { get; init; }
    public decimal RoyaltyRate { get; init; }
}

internal enum RoyaltyKind
{
    Earned = 0,
    Reversed = 1,
}

internal sealed class RoyaltyEntry
{
    public required string Id { get; init; }
    /// <summary>Unique: <c>earned:{order}:{product}</c> or <c>reversed:{order}:{product}:{n}</c>, so a handler run twice books once.</summary>
    public required string Key { get; init; }
    public required string AuthorId { get; init; }
    public required string IdeaId { get; init; }
    public required string OrderId { get; init; }
    public required string ProductId { get; init; }
    public RoyaltyKind Kind { get; init; }
    /// <summary>Signed: positive when earned, negative when reversed.</summary>
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    /// <summary>The net line revenue the royalty was computed on.</summary>
    public decimal Basis { get; init; }
    /// <summary>The order's total when it was paid, to turn a refunded amount into a share of the royalty.</summary>
    public decimal OrderTotal { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>An order was cancelled: a royalty earned for it later (events of two handlers may cross) is reversed at once.</summary>
internal sealed class RoyaltyCancellation
{
    public required string OrderId { get; init; }
    public DateTimeOffset At { get; init; }
}
