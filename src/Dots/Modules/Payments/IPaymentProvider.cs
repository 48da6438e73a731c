using Dots.Infrastructure;

namespace Dots.Modules.Payments;

/// <summary>
/// What the provider said. <see cref="Result"/> is <c>approved</c> or a reason: issuer declines
/// (<c>card_declined</c>, <c>insufficient_funds</c>, <c>invalid_number</c>) or refusals of the operation in the
/// authorization's state (<c>already_captured</c>, <c>already_voided</c>, <c>exceeds_authorization</c>,
/// <c>exceeds_captured</c>, <c>not_captured</c>, <c>unknown_authorization</c>, <c>currency_mismatch</c>).
/// </summary>
public sealed record ProviderResult(bool Approved, string Result, string Reference, string? Message = null)
{
    public bool IsIssuerDecline => Result is ProviderResults.CardDeclined or ProviderResults.InsufficientFunds or ProviderResults.InvalidNumber;
}

public static class ProviderResults
{
    public const string Approved = "approved";
    public const string CardDeclined = "card_declined";
    public const string InsufficientFunds = "insufficient_funds";
    public const string InvalidNumber = "invalid_number";
    public const string AlreadyCaptured = "already_captured";
    public const string AlreadyVoided = "already_voided";
    public const string ExceedsAuthorization = "exceeds_authorization";
    public const string ExceedsCaptured = "exceeds_captured";
    public const string NotCaptured = "not_captured";
    public const string UnknownAuthorization = "unknown_authorization";
    public const string CurrencyMismatch = "currency_mismatch";
}

/// <summary>
/// A card payment provider. Every call carries an idempotency key that the caller derives from the operation
/// (<c>{intentId}:{step}</c>): the same key again returns the first result and moves no money twice. Like real
/// providers it can be asked what became of a key, which is how a call that timed out is reconciled.
/// A call may throw (timeout, connection reset): the outcome is then unknown until <see cref="LookupAsync"/> says.
/// Public as the plug-in point for real providers; other modules call <see cref="PaymentService"/>, never this.
/// </summary>
public interface IPaymentProvider
{
    Task<ProviderResult> AuthorizeAsync(string key, PaymentCard card, Money amount, CancellationToken ct);

    Task<ProviderResult> CaptureAsync(string key, string authorizationReference, Money amount, CancellationToken ct);

    Task<ProviderResult> VoidAsync(string key, string authorizationReference, CancellationToken ct);

    Task<ProviderResult> RefundAsync(string key, string authorizationReference, Money amount, CancellationToken ct);

    /// <summary>The provider's record of a key, or null when it never acted on it.</summary>
    Task<ProviderResult?> LookupAsync(string key, CancellationToken ct);
}
