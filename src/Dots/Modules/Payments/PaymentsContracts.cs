using Dots.Infrastructure;

namespace Dots.Modules.Payments;

/// <summary>
/// A card to authorize. Named apart from Ordering's <c>CardDetails</c> so a file may use both modules; the caller
/// validates the number's shape (the sandbox declines numbers that fail the Luhn check).
/// </summary>
public sealed record PaymentCard(string Number);

/// <summary>One purpose of a batch for <see cref="PaymentService.PayManyNewAsync"/>.</summary>
public sealed record PaymentOrder(string Purpose, string PayerId, Money Amount, PaymentCard Card);

/// <summary>
/// One purpose's outcome in a batch: <see cref="Paid"/> (captured), <see cref="Error"/> (what paying it alone would have
/// thrown), or neither — <see cref="Resume"/>: pay it with <see cref="PaymentService.PayAsync"/>, which resumes from
/// what is recorded.
/// </summary>
public sealed record PaymentOutcome(PaymentIntentDto? Paid, Exception? Error)
{
    public static readonly PaymentOutcome Resume = new(null, null);
}

/// <summary>One money movement as orders, pledges and bookings show it: the contract's <c>payments</c> items.</summary>
public sealed record PaymentTransactionDto(string Kind, MoneyDto Amount, DateTimeOffset At, string? Reference);

/// <summary>One call to the provider, whatever came of it (for operators and reconciliation).</summary>
public sealed record PaymentAttemptDto(
    string Id, string Kind, string Step, MoneyDto Amount, string Status, string ProviderKey, string? ProviderReference, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// A payment for one purpose. <see cref="Status"/> is RequiresAuthorization, Authorized, Captured, PartiallyRefunded,
/// Refunded, Voided, Failed or Expired. <see cref="Payments"/> lists the movements that succeeded.
/// </summary>
public sealed record PaymentIntentDto(
    string Id, string Purpose, string PayerId, string Status, MoneyDto Amount, MoneyDto Captured, MoneyDto Refunded,
    DateTimeOffset? HoldExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<PaymentTransactionDto> Payments, IReadOnlyList<PaymentAttemptDto> Attempts);

/// <summary>What <see cref="PaymentService.ReconcileAsync"/> settled: attempts it resolved and those still open.</summary>
public sealed record ReconcileResultDto(string Purpose, int Resolved, int StillUnknown, PaymentIntentDto Intent);

/// <summary>A shop's standing with the platform: everything owed, and the part old enough to be paid out now.</summary>
public sealed record PayoutBalanceDto(string ShopId, string Currency, MoneyDto Balance, MoneyDto Payable, MoneyDto Paid);

/// <summary>One line of a shop's payout ledger: <c>kind</c> is sale, commission, refund, commission-reversal or payout.</summary>
public sealed record PayoutLedgerEntryDto(string Id, string Kind, MoneyDto Amount, string? OrderId, DateTimeOffset At, string? PayoutId);

public sealed record ShopPayoutDto(string Id, string ShopId, MoneyDto Amount, int Entries, DateTimeOffset At);

public sealed record PayoutRunDto(
    string Id, string Trigger, DateTimeOffset AsOf, DateTimeOffset SettledBefore, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<ShopPayoutDto> Payouts, IReadOnlyList<MoneyDto> Totals);

public sealed record ShopPayoutsDto(IReadOnlyList<PayoutBalanceDto> Balances, IReadOnlyList<ShopPayoutDto> Payouts);

public sealed record RunPayoutsRequest(DateTimeOffset? AsOf);

/// <summary>
/// The provider did not answer, or failed after it may have moved money. The attempt is recorded as Unknown and is
/// resolved by reconciliation (a retry of the same call reconciles first, so it never moves money twice).
/// To a client it is 503 with <c>Retry-After</c> (never stored as an idempotent answer: the retry resumes).
/// </summary>
public sealed class PaymentProviderUnavailableException(string message, Exception? inner = null)
    : ServiceUnavailableException(message, TimeSpan.FromSeconds(2), inner);

/// <summary>
/// Money the provider refused to move back, for operators: <see cref="Operation"/> is <c>void</c> (a hold still placed)
/// or <c>refund</c>; <see cref="Refusals"/> counts the refused tries from <see cref="Since"/> to <see cref="LastTriedAt"/>.
/// </summary>
public sealed record PaymentAttentionDto(
    string IntentId, string Purpose, string Status, string Operation, MoneyDto Amount, int Refusals, string? LastError,
    DateTimeOffset Since, DateTimeOffset LastTriedAt);

/// <summary>One shop's part of a paid order, to book as a sale (and the platform's commission) in the payout ledger.</summary>
public sealed record ShopSale(string ShopId, string OrderId, string PartId, Money Gross);
