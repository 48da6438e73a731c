using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Dots.Infrastructure;
using Dots.Modules.Catalog;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Demand;

/// <summary>A product's shop and category, as demand keys its signals (a product never changes shop).</summary>
public sealed record ProductFacts(string ProductId, string ShopId, string Category, string Title);

/// <summary>Looks products up through Catalog's public service, remembering them (a product's shop never changes).</summary>
internal sealed class ProductDirectory
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ConcurrentDictionary<string, ProductFacts> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProductFacts>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public ProductDirectory(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _bySpan = _known.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A product already known, looked up by its id's characters (no string made): the ingestion's hot path.</summary>
    public ProductFacts? Known(ReadOnlySpan<char> productId) => _bySpan.TryGetValue(productId, out var facts) ? facts : null;

    public async Task<ProductFacts?> FindAsync(string productId, CancellationToken ct)
    {
        if (_known.TryGetValue(productId, out var facts)) return facts;
        try
        {
            var p = await _scopes.RunAsync((CatalogService c) => c.GetProductAsync(productId, null, ct));
            facts = new ProductFacts(p.Id, p.ShopId, p.Category, p.Title);
            _known[productId] = facts;
            return facts;
        }
        catch (NotFoundException)
        {
            // Not remembered: the product may be published later.
            return null;
        }
    }

    public void Remember(ProductFacts facts) => _known[facts.ProductId] = facts;
}

/// <summary>One client event as read from the body, before validation (strings only where the event needs them).</summary>
internal struct RawClientEvent
{
    public bool NotObject;
    public string? Type;
    public string? SessionId;
    public string? Query;
    public ProductFacts? Product;
    public string? ProductId;
    public string? VariantId;
    public bool HasResultCount;
    public int ResultCount;
    public bool QuantityGiven;
    public bool QuantityValid;
    public int Quantity;
    public bool AtGiven;
    public string? AtText;
}

/// <summary>
/// Reads <c>{ "events": [ … ] }</c> straight from the request's UTF-8 bytes with <see cref="Utf8JsonReader"/>: no
/// document, no reflection, known event types and known product ids without a string made per event.
/// </summary>
internal static class ClientEventReader
{
    private const int MaxIdChars = 64;

    /// <summary>Reads the batch; throws <see cref="RequestValidationException"/> for a body that is not one, <see cref="JsonException"/> for bad JSON.</summary>
    public static void Read(ReadOnlySequence<byte> body, int maxEvents, ProductDirectory products, List<RawClientEvent> into)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw NotABatch();
        bool found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("events"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray) throw NotABatch();
            into.Clear();
            found = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (into.Count == maxEvents)
                    throw new RequestValidationException("events", $"A batch holds at most {maxEvents} events.");
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    into.Add(new RawClientEvent { NotObject = true });
                    continue;
                }
                into.Add(ReadEvent(ref reader, products));
            }
        }
        if (!found) throw NotABatch();
    }

    private static RequestValidationException NotABatch() => new("events", "The body must be a batch: { \"events\": [ … ] }.");

    private static RawClientEvent ReadEvent(ref Utf8JsonReader reader, ProductDirectory products)
    {
        var e = new RawClientEvent();
        Span<char> chars = stackalloc char[MaxIdChars * 2];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                e.Type = reader.TokenType != JsonTokenType.String ? null
                    : reader.ValueTextEquals("view"u8) ? DemandEventTypes.View
                    : reader.ValueTextEquals("search"u8) ? DemandEventTypes.Search
                    : reader.ValueTextEquals("cart_add"u8) ? DemandEventTypes.CartAdd
                    : reader.ValueTextEquals("cart_remove"u8) ? DemandEventTypes.CartRemove
                    : reader.ValueTextEquals("rec_impression"u8) ? DemandEventTypes.RecImpression
                    : reader.ValueTextEquals("rec_click"u8) ? DemandEventTypes.RecClick
                    : reader.GetString();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("productId"u8))
            {
                reader.Read();
                e.Product = null;
                e.ProductId = null;
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (!reader.ValueIsEscaped && length <= MaxIdChars)
                {
                    int n = reader.CopyString(chars);
                    e.Product = products.Known(chars[..n]);
                    if (e.Product is not null) continue;
                }
                e.ProductId = reader.GetString();
            }
            else
            {
                // The other fields are rarer or per-event anyway: read them as strings / numbers.
                var name = reader.ValueTextEquals("sessionId"u8) ? 1 : reader.ValueTextEquals("query"u8) ? 2 : reader.ValueTextEquals("variantId"u8) ? 3
                    : reader.ValueTextEquals("resultCount"u8) ? 4 : reader.ValueTextEquals("quantity"u8) ? 5 : reader.ValueTextEquals("at"u8) ? 6 : 0;
                reader.Read();
                switch (name)
                {
                    case 1: e.SessionId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; break;
                    case 2: e.Query = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; break;
                    case 3: e.VariantId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; break;
                    case 4:
                        e.HasResultCount = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out e.ResultCount);
                        break;
                    case 5:
                        e.QuantityGiven = reader.TokenType != JsonTokenType.Null;
                        e.QuantityValid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out e.Quantity);
                        break;
                    case 6:
                        e.AtGiven = reader.TokenType != JsonTokenType.Null;
                        e.AtText = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                }
                reader.Skip();
            }
        }
        return e;
    }
}

/// <summary>Validates a client batch event by event: the good ones become rows, each bad one a reason.</summary>
internal sealed class DemandIngestion(ProductDirectory products, IOptions<DemandOptions> options, TimeProvider clock)
{
    private const int MaxIdLength = 32;

    private static readonly SearchValues<char> SessionChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>The request body's batch (UTF-8 JSON) → accepted rows and rejections.</summary>
    public ValueTask<(List<DemandEvent> Accepted, List<EventRejection> Rejected)> ParseAsync(ReadOnlySequence<byte> body, string? userId, string? headerSessionId, CancellationToken ct)
    {
        var raw = new List<RawClientEvent>(64);
        ClientEventReader.Read(body, options.Value.MaxEventsPerRequest, products, raw);
        return ValidateAsync(raw, userId, headerSessionId, ct);
    }

    private async ValueTask<(List<DemandEvent> Accepted, List<EventRejection> Rejected)> ValidateAsync(List<RawClientEvent> raw, string? userId, string? headerSessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var accepted = new List<DemandEvent>(raw.Count);
        var rejected = new List<EventRejection>();
        for (int index = 0; index < raw.Count; index++)
        {
            var item = raw[index];
            if (item.Product is null && !ReferenceEquals(item.Type, DemandEventTypes.Search) && item.ProductId is { Length: > 0 and <= MaxIdLength } id && !string.IsNullOrWhiteSpace(id))
            {
                // Not yet known on this instance: ask Catalog (the only await on the path, once per product).
                item.Product = await products.FindAsync(id, ct);
            }
            var reason = Validate(in item, userId, headerSessionId, now, out var e);
            if (e is not null) accepted.Add(e);
            else rejected.Add(new EventRejection(index, reason!));
        }
        return (accepted, rejected);
    }

    private string? Validate(in RawClientEvent item, string? userId, string? headerSessionId, DateTimeOffset now, out DemandEvent? e)
    {
        e = null;
        if (item.NotObject) return "an event must be an object";
        var type = item.Type;
        if (string.IsNullOrWhiteSpace(type)) return "type is required";
        if (!ReferenceEquals(type, DemandEventTypes.View) && !ReferenceEquals(type, DemandEventTypes.CartAdd) && !ReferenceEquals(type, DemandEventTypes.Search))
        {
            type = type.Trim().ToLowerInvariant();
            if (type == "cart") type = DemandEventTypes.CartAdd;
            if (DemandEventTypes.Server.Contains(type)) return $"event type '{type}' is recorded by the server, not accepted from clients";
            if (!DemandEventTypes.Client.Contains(type)) return $"unknown event type '{Clip(type)}'";
        }

        var sessionId = item.SessionId ?? headerSessionId;
        if (sessionId is not null && (sessionId.Length is 0 or > 64 || sessionId.AsSpan().ContainsAnyExcept(SessionChars)))
            return "sessionId must be 1–64 letters, digits, '-' or '_'";
        if (userId is null && sessionId is null) return "sessionId is required when not signed in";

        var at = now;
        if (item.AtGiven)
        {
            if (item.AtText is null || !DateTimeOffset.TryParse(item.AtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
                return "at must be an ISO 8601 time";
            if (at > now.AddMinutes(5)) return "at is in the future";
            if (at < now.AddHours(-options.Value.MaxEventAgeHours)) return $"at is more than {options.Value.MaxEventAgeHours} hours old";
        }

        var ev = new DemandEvent
        {
            Type = type,
            At = at,
            ReceivedAt = now,
            UserId = userId,
            // No personal data: the session id only for anonymous callers.
            SessionId = userId is null ? sessionId : null,
        };
        if (ReferenceEquals(type, DemandEventTypes.Search) || type == DemandEventTypes.Search)
        {
            if (string.IsNullOrWhiteSpace(item.Query)) return "query is required for a search";
            if (!item.HasResultCount || item.ResultCount < 0)
                return "resultCount (a whole number, 0 or more) is required for a search";
            ev.Query = QueryText.Normalize(item.Query);
            if (ev.Query.Length == 0) return "query is required for a search";
            ev.ResultCount = item.ResultCount;
            e = ev;
            return null;
        }

        var facts = item.Product;
        if (facts is null)
        {
            var productId = item.ProductId;
            if (string.IsNullOrWhiteSpace(productId)) return $"productId is required for a {type} event";
            return $"unknown product '{Clip(productId)}'";
        }
        ev.ProductId = facts.ProductId;
        ev.ShopId = facts.ShopId;
        ev.Category = facts.Category;
        if (item.VariantId is { } variantId)
        {
            if (variantId.Length > MaxIdLength) return "variantId is too long";
            ev.VariantId = variantId;
        }
        ev.Quantity = 1;
        if (item.QuantityGiven)
        {
            if (!item.QuantityValid || item.Quantity is < 1 or > 999) return "quantity must be a whole number from 1 to 999";
            ev.Quantity = item.Quantity;
        }
        e = ev;
        return null;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
