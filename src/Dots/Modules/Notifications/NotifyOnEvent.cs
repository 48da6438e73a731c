using Dots.Infrastructure.Events;

namespace Dots.Modules.Notifications;

/// <summary>
/// "When <typeparamref name="TEvent"/> happens, notify these users": derive, say who and what in
/// <see cref="Notify"/>, and register with <c>services.AddEventHandler&lt;TEvent, YourHandler&gt;()</c> (plus the kind
/// with <c>services.AddNotificationKind(...)</c>). A request without a dedupe key gets
/// <c>{kind}:{event type}:{aggregate id}</c>, so a redelivered event notifies nobody twice; give your own key when one
/// aggregate can raise the same event more than once (a second partial refund).
/// </summary>
public abstract class NotifyOnEvent<TEvent>(NotificationService notifications) : IEventHandler<TEvent>
    where TEvent : IDomainEvent
{
    /// <summary>The notifications this event makes (usually one; none is fine).</summary>
    protected abstract IEnumerable<NotificationRequest> Notify(TEvent domainEvent);

    public async Task HandleAsync(TEvent domainEvent, CancellationToken ct)
    {
        foreach (var request in Notify(domainEvent))
        {
            await notifications.NotifyAsync(
                request.DedupeKey is null ? request with { DedupeKey = $"{request.Kind}:{typeof(TEvent).Name}:{domainEvent.AggregateId}" } : request, ct);
        }
    }
}
