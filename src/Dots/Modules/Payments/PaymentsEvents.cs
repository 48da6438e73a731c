using Dots.Infrastructure;
using Dots.Infrastructure.Events;

namespace Dots.Modules.Payments;

/// <summary>Money went back to a payer: <see cref="Purpose"/> names what it was for (<c>order:{id}</c>, <c>pledge:{id}</c>).</summary>
public sealed record PaymentRefunded(string IntentId, string Purpose, string PayerId, MoneyDto Amount, MoneyDto RefundedInTotal, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => IntentId;
}

/// <summary>
/// The provider refused to release (void) a hold on <see cref="Purpose"/>: the money is still held on the payer's card.
/// Payments retries the void through the outbox (<c>RefusedReleaseRetry</c>) and lists it for operators until it is
/// released (<c>GET /api/ops/payments/attention</c>); the hold-expiry job is the last resort.
/// </summary>
public sealed record PaymentReleaseRefused(string IntentId, string Purpose, string PayerId, MoneyDto Amount, string Reason, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => IntentId;
}

/// <summary>Retries the void of a hold the provider refused to release, with the outbox's backoff, until it is released.</summary>
internal sealed class RefusedReleaseRetry(PaymentService payments) : IEventHandler<PaymentReleaseRefused>
{
    public async Task HandleAsync(PaymentReleaseRefused domainEvent, CancellationToken ct)
    {
        if (!await payments.RetryReleaseAsync(domainEvent.Purpose, CancellationToken.None))
        {
            throw new InvalidOperationException($"The hold of {domainEvent.Purpose} is still placed; retrying its release.");
        }
    }
}
