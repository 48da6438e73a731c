using System.Text.Json;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Infrastructure.Events;

/// <summary>An event type under its stable name: the name, not the CLR type, is what the outbox stores.</summary>
internal sealed record EventTypeRegistration(Type EventType, string Name);

/// <summary>One handler of one event type; <see cref="Name"/> keys its deliveries, so renaming it starts a new delivery stream.</summary>
internal sealed record EventHandlerRegistration(Type EventType, string Name, Func<IServiceProvider, IDomainEvent, CancellationToken, Task> Invoke);

/// <summary>The registered event types and their handlers.</summary>
internal sealed class EventRegistry
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<Type, string> _names = [];
    private readonly Dictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, List<EventHandlerRegistration>> _handlers = [];
    private readonly Dictionary<string, EventHandlerRegistration> _byName = new(StringComparer.Ordinal);

    public EventRegistry(IEnumerable<EventTypeRegistration> types, IEnumerable<EventHandlerRegistration> handlers)
    {
        foreach (var t in types)
        {
            if (_types.TryGetValue(t.Name, out var other) && other != t.EventType)
            {
                throw new InvalidOperationException($"Two event types are registered as '{t.Name}': {other.FullName} and {t.EventType.FullName}.");
            }
            _names[t.EventType] = t.Name;
            _types[t.Name] = t.EventType;
        }
        foreach (var h in handlers)
        {
            if (!_byName.TryAdd(h.Name, h))
            {
                continue;
            }
            if (!_handlers.TryGetValue(h.EventType, out var list))
            {
                _handlers[h.EventType] = list = [];
            }
            list.Add(h);
        }
    }

    public string NameOf(Type eventType) => _names.TryGetValue(eventType, out var name)
        ? name
        : throw new InvalidOperationException($"The event type {eventType.FullName} is not registered: call services.AddDomainEvent<{eventType.Name}>() or AddEventHandler<{eventType.Name}, THandler>().");

    public Type? TypeOf(string name) => _types.GetValueOrDefault(name);

    public IReadOnlyList<EventHandlerRegistration> HandlersOf(Type eventType) => _handlers.TryGetValue(eventType, out var list) ? list : [];

    public EventHandlerRegistration? Handler(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>
/// Writes each event, and one pending delivery per handler, into the caller's DbContext (ADR 0012). An event no handler
/// listens to writes nothing: deliveries are made per handler when the event is published (a handler registered later
/// never receives older events), so its row would only be stored and trimmed — one row and its serialized payload per
/// order for <c>OrderPlaced</c> in a flash sale. Its type must still be registered, as for any event.
/// </summary>
internal sealed class Outbox(EventRegistry registry, TimeProvider clock) : IEventPublisher
{
    public void Publish(DotsDbContext db, IDomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var type = domainEvent.GetType();
        var name = registry.NameOf(type);
        var handlers = registry.HandlersOf(type);
        if (handlers.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var message = new OutboxMessage
        {
            Id = Ids.New(),
            Type = name,
            Payload = JsonSerializer.Serialize(domainEvent, type, EventRegistry.Json),
            AggregateId = domainEvent.AggregateId,
            OccurredAt = now,
        };
        foreach (var handler in handlers)
        {
            message.Deliveries.Add(new OutboxDelivery { Handler = handler.Name, AggregateId = domainEvent.AggregateId, Status = DeliveryStatus.Pending, NextAttemptAt = now });
        }
        db.Add(message);
        OutboxSaveInterceptor.MarkPublished(db);
    }

    public async Task PublishManyAsync(DotsDbContext db, IReadOnlyList<IDomainEvent> domainEvents, CancellationToken ct)
    {
        // Every event is checked before anything is written (an unregistered type throws); one no handler listens to
        // is left out, as in Publish.
        var heard = new List<IDomainEvent>(domainEvents.Count);
        foreach (var domainEvent in domainEvents)
        {
            var type = (domainEvent ?? throw new ArgumentException("An event in the list is null.", nameof(domainEvents))).GetType();
            registry.NameOf(type);
            if (registry.HandlersOf(type).Count > 0)
            {
                heard.Add(domainEvent);
            }
        }
        domainEvents = heard;
        if (domainEvents.Count == 0)
        {
            return;
        }
        if (db.Provider != DatabaseProvider.Postgres)
        {
            foreach (var domainEvent in domainEvents)
            {
                Publish(db, domainEvent);
            }
            return;
        }
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("PublishManyAsync writes in the caller's transaction: begin one on the context first.");
        }
        var now = clock.GetUtcNow();
        var ids = new string[domainEvents.Count];
        var types = new string[domainEvents.Count];
        var payloads = new string[domainEvents.Count];
        var aggregates = new string[domainEvents.Count];
        var handlerTypes = new List<string>();
        var handlerNames = new List<string>();
        for (var i = 0; i < domainEvents.Count; i++)
        {
            var domainEvent = domainEvents[i];
            var type = domainEvent.GetType();
            ids[i] = Ids.New();
            types[i] = registry.NameOf(type);
            payloads[i] = JsonSerializer.Serialize(domainEvent, type, EventRegistry.Json);
            aggregates[i] = domainEvent.AggregateId;
            if (!handlerTypes.Contains(types[i]))
            {
                foreach (var handler in registry.HandlersOf(type))
                {
                    handlerTypes.Add(types[i]);
                    handlerNames.Add(handler.Name);
                }
            }
        }
        // The messages in list order (their sequence numbers order an aggregate's events), then one delivery per
        // handler of each message's type, in the same statement.
        await using var command = new Npgsql.NpgsqlCommand(
            """
            WITH m AS (
                INSERT INTO "OutboxMessages" ("Id", "Type", "Payload", "AggregateId", "OccurredAt")
                SELECT u.id, u.type, u.payload, u.aggregate, @now
                FROM unnest(@ids, @types, @payloads, @aggregates) WITH ORDINALITY AS u(id, type, payload, aggregate, n)
                ORDER BY u.n
                RETURNING "Sequence", "Type", "AggregateId")
            INSERT INTO "OutboxDeliveries" ("MessageSequence", "Handler", "AggregateId", "Status", "Attempts", "NextAttemptAt")
            SELECT m."Sequence", h.handler, m."AggregateId", @pending, 0, @now
            FROM m JOIN unnest(@handler_types, @handler_names) AS h(type, handler) ON h.type = m."Type"
            """, (Npgsql.NpgsqlConnection)db.Database.GetDbConnection());
        var p = command.Parameters;
        p.AddWithValue("now", now);
        p.AddWithValue("ids", ids);
        p.AddWithValue("types", types);
        p.AddWithValue("payloads", payloads);
        p.AddWithValue("aggregates", aggregates);
        p.AddWithValue("pending", nameof(DeliveryStatus.Pending));
        p.AddWithValue("handler_types", handlerTypes.ToArray());
        p.AddWithValue("handler_names", handlerNames.ToArray());
        using var watched = db.Watch("outbox publish");
        await command.ExecuteNonQueryAsync(ct);
        OutboxSaveInterceptor.MarkPublished(db);
    }
}
