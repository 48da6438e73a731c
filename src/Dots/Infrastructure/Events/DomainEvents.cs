using Dots.Infrastructure.Database;

namespace Dots.Infrastructure.Events;

/// <summary>Something that happened to one aggregate. Implement with a sealed record; register it so it has a stable name.</summary>
public interface IDomainEvent
{
    /// <summary>The aggregate the event belongs to; events of one aggregate reach each handler in the order they were published.</summary>
    string AggregateId { get; }
}

/// <summary>
/// Reacts to an event after the transaction that published it has committed. Delivery is at least once (a crash
/// after the handler ran but before its delivery was marked done runs it again), so a handler must be idempotent.
/// </summary>
public interface IEventHandler<in TEvent> where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent domainEvent, CancellationToken ct);
}

/// <summary>Writes events to the outbox of the caller's DbContext: they commit (or roll back) with the caller's own changes.</summary>
public interface IEventPublisher
{
    /// <summary>
    /// Adds the event (and one delivery per handler) to <paramref name="db"/>; nothing is written until the caller saves.
    /// An event no handler listens to is not stored.
    /// </summary>
    void Publish(DotsDbContext db, IDomainEvent domainEvent);

    /// <summary>
    /// Writes the events and their deliveries in the transaction open on <paramref name="db"/>: on PostgreSQL now, as
    /// one multi-row statement (a batch of orders publishes its events in one round trip instead of a row each); on
    /// SQLite they are added like <see cref="Publish"/> and written by the caller's next save. Events of one aggregate
    /// keep their order in the list.
    /// </summary>
    Task PublishManyAsync(DotsDbContext db, IReadOnlyList<IDomainEvent> domainEvents, CancellationToken ct);
}
