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

    /// <summary>
    /// Many authorizations at once (a flash sale's batch of checkouts). Each outcome is what that call alone would
    /// have answered — or the exception it threw — under the same key, so a batch is only a cheaper way to make the
    /// same calls. The default makes them one by one, concurrently; a provider with a batch endpoint overrides it.
    /// </summary>
    Task<IReadOnlyList<ProviderOutcome>> AuthorizeManyAsync(IReadOnlyList<AuthorizeCall> calls, CancellationToken ct) =>
        ProviderOutcome.OneByOneAsync(calls, c => AuthorizeAsync(c.Key, c.Card, c.Amount, ct));

    /// <summary>Many captures at once, as <see cref="AuthorizeManyAsync"/>.</summary>
    Task<IReadOnlyList<ProviderOutcome>> CaptureManyAsync(IReadOnlyList<CaptureCall> calls, CancellationToken ct) =>
        ProviderOutcome.OneByOneAsync(calls, c => CaptureAsync(c.Key, c.AuthorizationReference, c.Amount, ct));
}

/// <summary>One authorization of a batch.</summary>
public sealed record AuthorizeCall(string Key, PaymentCard Card, Money Amount);

/// <summary>One capture of a batch.</summary>
public sealed record CaptureCall(string Key, string AuthorizationReference, Money Amount);

/// <summary>One call's outcome in a batch: the provider's answer, or the exception the call threw (its outcome unknown).</summary>
public sealed record ProviderOutcome(ProviderResult? Result, Exception? Error)
{
    /// <summary>Makes the calls one by one (concurrently), each outcome caught on its own.</summary>
    public static async Task<IReadOnlyList<ProviderOutcome>> OneByOneAsync<T>(IReadOnlyList<T> calls, Func<T, Task<ProviderResult>> call) =>
        await Task.WhenAll(calls.Select(async c =>
        {
            try
            {
                return new ProviderOutcome(await call(c), null);
            }
            catch (Exception e)
            {
                return new ProviderOutcome(null, e);
            }
        }));
}
