using Dots.Infrastructure.Database;
using Dots.Modules.Ordering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Personalization;

/// <summary>A purchase of one product by the profile's customer.</summary>
public sealed record ProfilePurchase(string ProductId, string OrderId, DateTimeOffset At);

/// <summary>
/// What serving needs to know about one customer or anonymous session, read from the database and kept in memory
/// for a few seconds: their switch, purchases (the freshness overlay between retrains: a purchase counts the moment
/// it is paid) and recent views, newest last.
/// </summary>
public sealed record Profile(bool Enabled, IReadOnlyList<ProfilePurchase> Purchases, IReadOnlyList<string> RecentViews)
{
    public static readonly Profile Anonymous = new(true, [], []);
}

/// <summary>Reads and caches profiles; writes that change one purge it on this instance at once.</summary>
public sealed class ProfileStore(DotsDbContext db, OrderService orders, IMemoryCache cache, IOptions<PersonalizationOptions> options)
{
    public const int MaxRecentViews = 20;

    public static string UserKey(string userId) => "recs:user:" + userId;

    public static string SessionKey(string sessionId) => "recs:session:" + sessionId;

    /// <summary>The customer's profile; <paramref name="fresh"/> reads the database even when a cached one exists (and re-caches it).</summary>
    public async Task<Profile> ForUserAsync(string userId, CancellationToken ct, bool fresh = false)
    {
        if (!fresh && cache.TryGetValue(UserKey(userId), out Profile? cached))
        {
            return cached!;
        }
        var setting = await db.Set<PersonalizationSetting>().AsNoTracking().FirstOrDefaultAsync(s => s.UserId == userId, ct);
        var purchases = (await orders.PurchasedLinesAsync(null, userId, ct)).Select(l => new ProfilePurchase(l.ProductId, l.OrderId, l.PlacedAt)).ToList();
        var views = await RecentViewsAsync(db.Set<ProductView>().Where(v => v.UserId == userId), ct);
        var profile = new Profile(setting?.Enabled ?? true, purchases, views);
        cache.Set(UserKey(userId), profile, options.Value.ProfileCacheLife);
        return profile;
    }

    public async Task<Profile> ForSessionAsync(string sessionId, CancellationToken ct)
    {
        if (cache.TryGetValue(SessionKey(sessionId), out Profile? cached))
        {
            return cached!;
        }
        var views = await RecentViewsAsync(db.Set<ProductView>().Where(v => v.SessionId == sessionId && v.UserId == null), ct);
        var profile = new Profile(true, [], views);
        cache.Set(SessionKey(sessionId), profile, options.Value.ProfileCacheLife);
        return profile;
    }

    public void Forget(string? userId, string? sessionId)
    {
        if (userId is not null)
        {
            cache.Remove(UserKey(userId));
        }
        if (sessionId is not null)
        {
            cache.Remove(SessionKey(sessionId));
        }
    }

    private static async Task<IReadOnlyList<string>> RecentViewsAsync(IQueryable<ProductView> views, CancellationToken ct)
    {
        // The newest 200 rows (read backwards along the customer's or session's (…, At) index) are enough for 20
        // distinct products in practice.
        var rows = await views.AsNoTracking().OrderByDescending(v => v.At).Take(200).Select(v => new { v.ProductId, v.At }).ToListAsync(ct);
        // Newest last, each product once (at its latest view); equal times keep the database's order.
        return [.. rows.Select(v => v.ProductId).Distinct().Take(MaxRecentViews).Reverse()];
    }
}
