namespace Dots.Modules.Payments;

internal enum PaymentIntentStatus
{
    RequiresAuthorization = 0,
    Authorized = 1,
    Captured = 2,
    PartiallyRefunded = 3,
    Refunded = 4,
    Voided = 5,
    Failed = 6,
    Expired = 7,
}

internal enum PaymentOperation
{
    Authorize = 0,
    Capture = 1,
    Void = 2,
    Refund = 3,
}

internal enum PaymentAttemptStatus
{
    /// <summary>Written before the provider call; still Pending afterwards means the process died mid-call.</summary>
    Pending = 0,
    Succeeded = 1,
    Declined = 2,

    /// <summary>The provider certainly did not act (reconciliation found no record of the key).</summary>
    Failed = 3,

    /// <summary>The call failed in a way that leaves the outcome open (timeout, connection reset): reconcile.</summary>
    Unknown = 4,
}

/// <summary>
/// One payment for one purpose (<c>order:{id}</c>, <c>pledge:{id}</c>, <c>deposit:{id}</c>): authorized, then captured
/// or voided, then perhaps refunded. Status changes are compare-and-set on <see cref="Version"/>.
/// </summary>
internal sealed class PaymentIntent
{
    public required string Id { get; init; }
    public required string Purpose { get; init; }
    public required string PayerId { get; init; }
    public decimal Amount { get; set; }
    public required string Currency { get; init; }
    public decimal CapturedAmount { get; set; }
    public decimal RefundedAmount { get; set; }
    public PaymentIntentStatus Status { get; set; }
    public string? AuthorizationReference { get; set; }
    public DateTimeOffset? HoldExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// One call to the provider, written and committed before the call and completed after it, so a crash in between
/// leaves a Pending row that reconciliation resolves by the provider key.
/// </summary>
internal sealed class PaymentAttempt
{
    public required string Id { get; init; }
    public required string IntentId { get; init; }
    public PaymentOperation Operation { get; init; }

    /// <summary>The operation's step within its intent: <c>capture:1</c>, <c>refund:2</c>.</summary>
    public required string Step { get; init; }

    /// <summary>What the caller named the step (a refund's id or reason), so a repeated call finds its attempt.</summary>
    public string? Label { get; init; }

    public decimal Amount { get; init; }
    public required string Currency { get; init; }

    /// <summary>The idempotency key sent to the provider: <c>{intentId}:{step}</c>, never a client's key.</summary>
    public required string ProviderKey { get; init; }

    public PaymentAttemptStatus Status { get; set; }
    public string? ProviderReference { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>The sandbox provider's own books: one row per idempotency key it has seen, approved or refused.</summary>
internal sealed class SandboxLedgerEntry
{
    public required string Key { get; init; }
    public PaymentOperation Operation { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public bool Approved { get; init; }

    /// <summary><c>approved</c>, or why not: <c>card_declined</c>, <c>already_captured</c>, <c>exceeds_authorization</c>…</summary>
    public required string Result { get; init; }

    public string? Message { get; init; }
    public required string Reference { get; init; }
    public string? ParentReference { get; init; }

    /// <summary>
    /// Set on an approved capture or void to <c>{authorization}:settle</c>: a unique index lets only one of them exist
    /// per authorization, whichever instance writes first.
    /// </summary>
    public string? SettlementSlot { get; init; }

    public string? CardLast4 { get; init; }
    public DateTimeOffset At { get; init; }
}

internal enum PayoutLedgerKind
{
    Sale = 0,
    Commission = 1,
    Refund = 2,
    CommissionReversal = 3,
    Payout = 4,
}

/// <summary>One line of what the platform owes a shop. Positive: owed to the shop; a payout books the negative.</summary>
internal sealed class PayoutLedgerEntry
{
    public required string Id { get; init; }
    public required string ShopId { get; init; }

    /// <summary>What the line is about (<c>order:{id}/part:{id}</c>, <c>…/refund:{id}</c>, <c>payout:{id}</c>); unique with kind and shop.</summary>
    public required string Reference { get; init; }

    public string? OrderId { get; init; }
    public PayoutLedgerKind Kind { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public DateTimeOffset At { get; init; }

    /// <summary>The payout that settled this line; null while it is owed.</summary>
    public string? PayoutId { get; set; }
}

internal sealed class PayoutRun
{
    public required string Id { get; init; }

    /// <summary>The scheduled week (<c>2026-W48</c>) for the weekly job, unique so it runs once; null for manual runs.</summary>
    public string? Period { get; init; }

    public required string Trigger { get; init; }
    public DateTimeOffset AsOf { get; init; }
    public DateTimeOffset SettledBefore { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public List<Payout> Payouts { get; init; } = [];
}

internal sealed class Payout
{
    public required string Id { get; init; }
    public required string RunId { get; init; }
    public required string ShopId { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public int Entries { get; init; }
    public DateTimeOffset At { get; init; }
}
