using Dots.Infrastructure;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Signals;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;

namespace Dots.Modules.Personalization;

/// <summary>Client signals (from demand's POST /api/events) → product views per customer or session.</summary>
internal sealed class ViewSignalListener(RecommendationService recommendations) : IClientSignalListener
{
    public Task OnAcceptedAsync(IReadOnlyList<ClientSignal> signals, CancellationToken ct) => recommendations.RecordViewsAsync(signals, ct);
}

/// <summary>Search's personal re-ranking signal: the caller's model score for each candidate.</summary>
internal sealed class ModelSearchPersonalizer(RecommendationService recommendations) : ISearchPersonalizer
{
    public Task<IReadOnlyDictionary<string, double>> ScoreAsync(string? userId, string? sessionId, IReadOnlyList<SearchCandidate> candidates, CancellationToken ct) =>
        recommendations.SearchScoresAsync(userId, sessionId, [.. candidates.Select(c => c.ProductId)], ct);
}

/// <summary>A paid order: this instance forgets the buyer's cached profile, so "buy again" and "for you" change at once.</summary>
internal sealed class OrderPaidForgetsProfile(ProfileStore profiles) : IEventHandler<OrderPaid>
{
    public Task HandleAsync(OrderPaid evt, CancellationToken ct)
    {
        profiles.Forget(evt.BuyerId, null);
        return Task.CompletedTask;
    }
}

/// <summary>Where the anonymous session id comes from: the X-Session-Id header, else the dots_sid cookie.</summary>
public static class SessionIds
{
    public const string Header = "X-Session-Id";
    public const string Cookie = "dots_sid";

    public static string? From(HttpContext? http)
    {
        if (http is null)
        {
            return null;
        }
        var id = http.Request.Headers[Header].ToString();
        if (string.IsNullOrWhiteSpace(id))
        {
            id = http.Request.Cookies[Cookie] ?? "";
        }
        id = id.Trim();
        return id.Length is > 0 and <= 100 ? id : null;
    }
}
