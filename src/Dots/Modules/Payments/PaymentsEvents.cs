using Dots.Infrastructure;
using Dots.Infrastructure.Events;

namespace Dots.Modules.Payments;

/// <summary>Money went back to a payer: <see cref="Purpose"/> names what it was for (<c>order:{id}</c>, <c>pledge:{id}</c>).</summary>
public sealed record PaymentRefunded(string IntentId, string Purpose, string PayerId, MoneyDto Amount, MoneyDto RefundedInTotal, DateTimeOffset At) : IDomainEvent
{
    public string AggregateId => IntentId;
}
