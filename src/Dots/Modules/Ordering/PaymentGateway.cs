using Dots.Infrastructure;

namespace Dots.Modules.Ordering;

public sealed record CardDetails(string Number);

public sealed record GatewayResult(bool Approved, string Reference, string? DeclineReason = null);

/// <summary>
/// A card payment provider. The sandbox is the default; real providers plug in behind the same interface.
/// Every call carries an idempotency key so a retried call never moves money twice at the provider.
/// </summary>
public interface IPaymentGateway
{
    Task<GatewayResult> AuthorizeAsync(CardDetails card, Money amount, string idempotencyKey, CancellationToken ct);

    Task<GatewayResult> CaptureAsync(string authorizationReference, Money amount, string idempotencyKey, CancellationToken ct);

    Task<GatewayResult> VoidAsync(string authorizationReference, string idempotencyKey, CancellationToken ct);

    Task<GatewayResult> RefundAsync(string captureReference, Money amount, string idempotencyKey, CancellationToken ct);
}

/// <summary>
/// Test cards as the big providers use them: 4242 4242 4242 4242 approves, 4000 0000 0000 0002 declines,
/// 4000 0000 0000 9995 declines for insufficient funds; any other number that passes the Luhn check approves.
/// Stateless, so any number of instances agree.
/// </summary>
public sealed class SandboxPaymentGateway : IPaymentGateway
{
    public const string ApprovedCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";

    public Task<GatewayResult> AuthorizeAsync(CardDetails card, Money amount, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(card.Number switch
        {
            DeclinedCard => new GatewayResult(false, Reference("decl"), "The card was declined."),
            InsufficientFundsCard => new GatewayResult(false, Reference("decl"), "The card has insufficient funds."),
            _ => new GatewayResult(true, Reference("auth")),
        });

    public Task<GatewayResult> CaptureAsync(string authorizationReference, Money amount, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(true, Reference("capt")));

    public Task<GatewayResult> VoidAsync(string authorizationReference, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(true, Reference("void")));

    public Task<GatewayResult> RefundAsync(string captureReference, Money amount, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(true, Reference("rfnd")));

    private static string Reference(string kind) => $"sbx_{kind}_{Ids.New()[..20]}";
}

public static class CardNumbers
{
    /// <summary>12–19 digits (spaces and dashes allowed) passing the Luhn check.</summary>
    public static bool TryNormalize(string? input, out string digits)
    {
        digits = new string((input ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
