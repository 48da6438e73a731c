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
internal sealed class ProductDirectory(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<string, ProductFacts?> _known = new(StringComparer.Ordinal);

    public async Task<ProductFacts?> FindAsync(string productId, CancellationToken ct)
    {
        if (_known.TryGetValue(productId, out var facts)) return facts;
        try
        {
            var p = await scopes.RunAsync((CatalogService c) => c.GetProductAsync(productId, null, ct));
            facts = new ProductFacts(p.Id, p.ShopId, p.Category, p.Title);
            _known[productId] = facts;
        }
        catch (NotFoundException)
        {
            // Not remembered: the product may be published later.
            facts = null;
        }
        return facts;
    }

    public void Remember(ProductFacts facts) => _known[facts.ProductId] = facts;
}

/// <summary>Validates a client batch event by event: the good ones become rows, each bad one a reason.</summary>
internal sealed class DemandIngestion(ProductDirectory products, IOptions<DemandOptions> options, TimeProvider clock)
{
    private const int MaxIdLength = 32;

    public async Task<(List<DemandEvent> Accepted, List<EventRejection> Rejected)> ParseAsync(JsonElement body, string? userId, string? headerSessionId, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new RequestValidationException("events", "The body must be a batch: { \"events\": [ … ] }.");
        }
        if (list.GetArrayLength() > options.Value.MaxEventsPerRequest)
        {
            throw new RequestValidationException("events", $"A batch holds at most {options.Value.MaxEventsPerRequest} events.");
        }
        var now = clock.GetUtcNow();
        var accepted = new List<DemandEvent>(list.GetArrayLength());
        var rejected = new List<EventRejection>();
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var (e, reason) = await ParseOneAsync(item, userId, headerSessionId, now, ct);
            if (e is not null) accepted.Add(e);
            else rejected.Add(new EventRejection(index, reason!));
            index++;
        }
        return (accepted, rejected);
    }

    private async Task<(DemandEvent?, string?)> ParseOneAsync(JsonElement item, string? userId, string? headerSessionId, DateTimeOffset now, CancellationToken ct)
    {
        if (item.ValueKind != JsonValueKind.Object) return (null, "an event must be an object");
        var type = Text(item, "type");
        if (string.IsNullOrWhiteSpace(type)) return (null, "type is required");
        type = type.Trim().ToLowerInvariant();
        if (type == "cart") type = DemandEventTypes.CartAdd;
        if (DemandEventTypes.Server.Contains(type)) return (null, $"event type '{type}' is recorded by the server, not accepted from clients");
        if (!DemandEventTypes.Client.Contains(type)) return (null, $"unknown event type '{Clip(type)}'");

        var sessionId = Text(item, "sessionId") ?? headerSessionId;
        if (sessionId is not null && (sessionId.Length is 0 or > 64 || !sessionId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            return (null, "sessionId must be 1–64 letters, digits, '-' or '_'");
        if (userId is null && sessionId is null) return (null, "sessionId is required when not signed in");

        var at = now;
        if (item.TryGetProperty("at", out var atEl) && atEl.ValueKind != JsonValueKind.Null)
        {
            if (atEl.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(atEl.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
                return (null, "at must be an ISO 8601 time");
            if (at > now.AddMinutes(5)) return (null, "at is in the future");
            if (at < now.AddHours(-options.Value.MaxEventAgeHours)) return (null, $"at is more than {options.Value.MaxEventAgeHours} hours old");
        }

        var e = new DemandEvent
        {
            Type = type,
            At = at,
            ReceivedAt = now,
            UserId = userId,
            // No personal data: the session id only for anonymous callers.
            SessionId = userId is null ? sessionId : null,
        };
        if (type == DemandEventTypes.Search)
        {
            var query = Text(item, "query");
            if (string.IsNullOrWhiteSpace(query)) return (null, "query is required for a search");
            if (!item.TryGetProperty("resultCount", out var rc) || rc.ValueKind != JsonValueKind.Number || !rc.TryGetInt32(out var count) || count < 0)
                return (null, "resultCount (a whole number, 0 or more) is required for a search");
            e.Query = QueryText.Normalize(query);
            if (e.Query.Length == 0) return (null, "query is required for a search");
            e.ResultCount = count;
            return (e, null);
        }

        var productId = Text(item, "productId");
        if (string.IsNullOrWhiteSpace(productId)) return (null, $"productId is required for a {type} event");
        if (productId.Length > MaxIdLength) return (null, $"unknown product '{Clip(productId)}'");
        var facts = await products.FindAsync(productId, ct);
        if (facts is null) return (null, $"unknown product '{Clip(productId)}'");
        e.ProductId = facts.ProductId;
        e.ShopId = facts.ShopId;
        e.Category = facts.Category;
        var variantId = Text(item, "variantId");
        if (variantId is not null)
        {
            if (variantId.Length > MaxIdLength) return (null, "variantId is too long");
            e.VariantId = variantId;
        }
        e.Quantity = 1;
        if (item.TryGetProperty("quantity", out var q) && q.ValueKind != JsonValueKind.Null)
        {
            if (q.ValueKind != JsonValueKind.Number || !q.TryGetInt32(out var qty) || qty is < 1 or > 999) return (null, "quantity must be a whole number from 1 to 999");
            e.Quantity = qty;
        }
        return (e, null);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
