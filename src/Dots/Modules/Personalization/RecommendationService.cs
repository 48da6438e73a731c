using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Signals;
using Dots.Recommend.Models;
using Dots.Recommend.Serving;
using Dots.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Personalization;

/// <summary>One chosen item and why, before rendering.</summary>
internal readonly record struct Pick(RecommendableItem Item, string ReasonKind, IReadOnlyList<string> ReasonKeys, string? Category);

/// <summary>
/// Personalization's public service: every list, served from the in-memory model and catalog picture plus the
/// caller's cached profile, with the product rules applied in one place (<see cref="Rules"/>): never unavailable
/// (unpublished, sold-out) items, never the caller's own shop's, at most a third of a list from one shop, a product
/// just bought not pushed again unless it is a repeat purchase. Reasons render in the current UI culture.
/// </summary>
public sealed class RecommendationService(
    ModelHost host,
    CatalogView catalog,
    ProfileStore profiles,
    DotsDbContext db,
    IStringLocalizer<PersonalizationTexts> texts,
    IOptions<PersonalizationOptions> options,
    TimeProvider clock)
{
    public const int DefaultLimit = 20;

    private int Limit(int? limit) => limit is null ? DefaultLimit
        : limit < 1 || limit > options.Value.MaxLimit
            ? throw new RequestValidationException("limit", $"limit must be between 1 and {options.Value.MaxLimit}.")
            : limit.Value;

    /// <summary>At most a third of a list from one shop (one item for lists shorter than three).</summary>
    public static int ShopCap(int count) => Math.Max(1, count / 3);

    // ------------------------------------------------------------------ for you

    public async Task<RecommendationListDto> ForYouAsync(string? userId, string? sessionId, int? limit, CancellationToken ct)
    {
        var n = Limit(limit);
        var model = host.Current;
        var cat = await catalog.EnsureAsync(ct);
        var profile = userId is not null ? await profiles.ForUserAsync(userId, ct)
            : sessionId is not null ? await profiles.ForSessionAsync(sessionId, ct)
            : Profile.Anonymous;
        var rules = new Rules(cat, userId, n);
        if (userId is not null && profile.Enabled)
        {
            foreach (var id in JustBought(profile))
            {
                rules.Exclude.Add(id);
            }
        }
        if (profile.Enabled)
        {
            // What the visitor just looked at is in "recently viewed"; "for you" shows what goes with it.
            foreach (var id in profile.RecentViews.TakeLast(5))
            {
                rules.Exclude.Add(id);
            }
        }
        var personal = profile.Enabled && model.Recommender is not null && (userId is not null || profile.RecentViews.Count > 0);
        var picks = new List<Pick>(n);
        if (personal)
        {
            var r = model.Recommender!;
            var request = rules.Request(n);
            var bought = profile.Purchases.Select(p => p.ProductId).ToHashSet(StringComparer.Ordinal);
            var repeated = profile.Purchases.GroupBy(p => p.ProductId).Where(g => g.Select(p => p.OrderId).Distinct().Count() >= 2)
                .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
            IReadOnlyList<Recommendation> recs;
            if (userId is not null)
            {
                // Freshness overlay: purchases since the model was trained, and the latest views, as the newest basket.
                var since = profile.Purchases.Where(p => p.At > model.TrainedUntil).Select(p => p.ProductId)
                    .Concat(profile.RecentViews.TakeLast(5)).Distinct().ToList();
                recs = r.ForUser(userId, since, request);
            }
            else
            {
                recs = r.ForSession(profile.RecentViews, request);
            }
            foreach (var rec in recs)
            {
                if (cat.Find(rec.ItemId) is { } item && rules.Take(rec.ItemId))
                {
                    picks.Add(FromModel(item, rec.Reason, bought, repeated, cat));
                }
            }
        }
        else if (model.Recommender is { } r)
        {
            foreach (var rec in r.ForUser("\u0000anonymous", rules.Request(n)))
            {
                if (cat.Find(rec.ItemId) is { } item && rules.Take(rec.ItemId))
                {
                    picks.Add(Popular(item, rec.Reason.Kind == ReasonKind.Trending));
                }
            }
        }
        FillPopular(picks, rules, cat, n, _ => true);
        return Render(picks, model, cat, personal);
    }

    /// <summary>Products bought within the just-bought window that the customer does not buy repeatedly.</summary>
    private IEnumerable<string> JustBought(Profile profile)
    {
        var since = clock.GetUtcNow().AddDays(-options.Value.JustBoughtDays);
        return profile.Purchases.GroupBy(p => p.ProductId)
            .Where(g => g.Max(p => p.At) >= since && g.Select(p => p.OrderId).Distinct().Count() < 2)
            .Select(g => g.Key);
    }

    private static Pick FromModel(RecommendableItem item, RecommendationReason reason, HashSet<string> bought, HashSet<string> repeated, CatalogSnapshot cat)
    {
        var anchor = reason.AnchorItemId;
        var anchorKnown = anchor is not null && cat.Find(anchor) is not null;
        var key = CatalogSnapshot.KeyOf(item);
        return reason.Kind switch
        {
            ReasonKind.BuyAgain => new Pick(item, repeated.Contains(key) ? ReasonKinds.BuyAgain : ReasonKinds.BoughtBefore, [], null),
            ReasonKind.BecauseYouBought or ReasonKind.SimilarTo when anchorKnown =>
                new Pick(item, bought.Contains(anchor!) ? ReasonKinds.BecauseYouBought : ReasonKinds.BecauseYouViewed, [anchor!], null),
            ReasonKind.BoughtAfter when anchorKnown =>
                new Pick(item, bought.Contains(anchor!) ? ReasonKinds.BoughtAfter : ReasonKinds.BecauseYouViewed, [anchor!], null),
            ReasonKind.CustomersLikeYou => new Pick(item, ReasonKinds.CustomersLikeYou, [], null),
            _ => Popular(item, reason.Kind == ReasonKind.Trending),
        };
    }

    private static Pick Popular(RecommendableItem item, bool trending) =>
        new(item, trending ? ReasonKinds.TrendingInCategory : ReasonKinds.PopularInCategory, [], item.Category);

    private static void FillPopular(List<Pick> picks, Rules rules, CatalogSnapshot cat, int n, Func<RecommendableItem, bool> where)
    {
        foreach (var item in cat.Popular)
        {
            if (picks.Count >= n)
            {
                return;
            }
            if (where(item) && rules.Take(CatalogSnapshot.KeyOf(item)))
            {
                picks.Add(Popular(item, false));
            }
        }
    }

    // ------------------------------------------------------------------ product page

    public async Task<RecommendationListDto> SimilarAsync(string productId, string? userId, int? limit, CancellationToken ct) =>
        await ProductListAsync(productId, userId, limit, sameCategory: true, ct);

    public async Task<RecommendationListDto> BoughtTogetherAsync(string productId, string? userId, int? limit, CancellationToken ct) =>
        await ProductListAsync(productId, userId, limit, sameCategory: false, ct);

    private async Task<RecommendationListDto> ProductListAsync(string productId, string? userId, int? limit, bool sameCategory, CancellationToken ct)
    {
        var n = Limit(limit);
        var model = host.Current;
        var cat = await catalog.EnsureAsync(ct);
        var anchor = cat.Find(productId) ?? throw new NotFoundException($"No product with id '{productId}'.");
        var rules = new Rules(cat, userId, n);
        rules.Exclude.Add(productId);
        var picks = new List<Pick>(n);
        var kind = sameCategory ? ReasonKinds.SimilarTo : ReasonKinds.BoughtTogether;
        if (model.Recommender is { } r)
        {
            var request = rules.Request(n * 4) with { MaxPerShop = 0 };
            foreach (var rec in r.SimilarItems(productId, request))
            {
                if (picks.Count >= n)
                {
                    break;
                }
                if (cat.Find(rec.ItemId) is { } item && (item.Category == anchor.Category) == sameCategory
                    && rec.Reason.Kind is not (ReasonKind.PopularNow or ReasonKind.Trending) && rules.Take(rec.ItemId))
                {
                    picks.Add(new Pick(item, kind, [productId], null));
                }
            }
        }
        if (sameCategory)
        {
            FillPopular(picks, rules, cat, n, i => i.Category == anchor.Category);
        }
        return Render(picks, model, cat, personalized: false);
    }

    // ------------------------------------------------------------------ buy again, recently viewed

    public async Task<RecommendationListDto> BuyAgainAsync(string userId, int? limit, CancellationToken ct)
    {
        var n = Limit(limit);
        var model = host.Current;
        var cat = await catalog.EnsureAsync(ct);
        // Read fresh: a purchase must show here the moment it is paid, on any instance (not a latency-critical list).
        var profile = await profiles.ForUserAsync(userId, ct, fresh: true);
        if (!profile.Enabled)
        {
            return Render([], model, cat, personalized: false);
        }
        var rules = new Rules(cat, userId, int.MaxValue);
        // Repeat purchases (two or more orders), most due first: due = last purchase + the customer's own mean interval.
        var due = profile.Purchases.GroupBy(p => p.ProductId)
            .Select(g => (Id: g.Key, Orders: g.Select(p => (p.OrderId, p.At)).DistinctBy(p => p.OrderId).OrderBy(p => p.At).ToList()))
            .Where(x => x.Orders.Count >= 2)
            .Select(x => (x.Id, Due: x.Orders[^1].At + ((x.Orders[^1].At - x.Orders[0].At) / (x.Orders.Count - 1))))
            .OrderBy(x => x.Due).ThenBy(x => x.Id, StringComparer.Ordinal);
        var picks = new List<Pick>();
        foreach (var (id, _) in due)
        {
            if (picks.Count >= n)
            {
                break;
            }
            if (cat.Find(id) is { } item && rules.Take(id))
            {
                picks.Add(new Pick(item, ReasonKinds.BuyAgain, [], null));
            }
        }
        return Render(picks, model, cat, personalized: true);
    }

    public async Task<RecommendationListDto> RecentlyViewedAsync(string? userId, string? sessionId, int? limit, CancellationToken ct)
    {
        var n = Limit(limit);
        var model = host.Current;
        var cat = await catalog.EnsureAsync(ct);
        var profile = userId is not null ? await profiles.ForUserAsync(userId, ct)
            : sessionId is not null ? await profiles.ForSessionAsync(sessionId, ct) : Profile.Anonymous;
        if (!profile.Enabled)
        {
            return Render([], model, cat, personalized: false);
        }
        var rules = new Rules(cat, userId, int.MaxValue);
        var picks = new List<Pick>();
        foreach (var id in profile.RecentViews.Reverse())
        {
            if (picks.Count >= n)
            {
                break;
            }
            if (cat.Find(id) is { } item && rules.Take(id))
            {
                picks.Add(new Pick(item, ReasonKinds.RecentlyViewed, [], null));
            }
        }
        return Render(picks, model, cat, personalized: true);
    }

    // ------------------------------------------------------------------ search

    /// <summary>A personal score in [0, 1] per candidate the caller's model ranks (absent = no signal).</summary>
    public async Task<IReadOnlyDictionary<string, double>> SearchScoresAsync(string? userId, string? sessionId, IReadOnlyCollection<string> productIds, CancellationToken ct)
    {
        var model = host.Current;
        if (model.Recommender is not { } r || productIds.Count == 0 || (userId is null && sessionId is null))
        {
            return new Dictionary<string, double>();
        }
        var profile = userId is not null ? await profiles.ForUserAsync(userId, ct) : await profiles.ForSessionAsync(sessionId!, ct);
        if (!profile.Enabled || (userId is null && profile.RecentViews.Count == 0))
        {
            return new Dictionary<string, double>();
        }
        var wanted = productIds.ToHashSet(StringComparer.Ordinal);
        var request = new RecommendRequest { Count = wanted.Count, ExcludePurchased = false, IsAvailable = wanted.Contains };
        var recs = userId is not null
            ? r.ForUser(userId, [.. profile.Purchases.Where(p => p.At > model.TrainedUntil).Select(p => p.ProductId).Concat(profile.RecentViews.TakeLast(5)).Distinct()], request)
            : r.ForSession(profile.RecentViews, request);
        var personal = recs.Where(x => x.Reason.Kind is not (ReasonKind.PopularNow or ReasonKind.Trending) && x.Score > 0).ToList();
        if (personal.Count == 0)
        {
            return new Dictionary<string, double>();
        }
        var max = personal.Max(x => x.Score);
        return personal.ToDictionary(x => x.ItemId, x => (double)(x.Score / max), StringComparer.Ordinal);
    }

    // ------------------------------------------------------------------ signals and settings

    public async Task<PersonalizationSettingDto> GetSettingAsync(string userId, CancellationToken ct) =>
        new((await profiles.ForUserAsync(userId, ct)).Enabled);

    public async Task<PersonalizationSettingDto> SetEnabledAsync(string userId, bool enabled, CancellationToken ct)
    {
        var setting = await db.Set<PersonalizationSetting>().FirstOrDefaultAsync(s => s.UserId == userId, ct);
        if (setting is null)
        {
            db.Add(new PersonalizationSetting { UserId = userId, Enabled = enabled, UpdatedAt = clock.GetUtcNow() });
        }
        else
        {
            setting.Enabled = enabled;
            setting.UpdatedAt = clock.GetUtcNow();
        }
        await db.SaveChangesAsync(ct);
        profiles.Forget(userId, null);
        return new PersonalizationSettingDto(enabled);
    }

    /// <summary>Records product views (never those of a customer who switched personalization off).</summary>
    public async Task RecordViewsAsync(IReadOnlyList<ClientSignal> signals, CancellationToken ct)
    {
        var views = signals.Where(s => IsView(s.Type) && !string.IsNullOrWhiteSpace(s.ProductId) && s.ProductId!.Length <= 32
            && (s.UserId is not null || !string.IsNullOrWhiteSpace(s.SessionId))).ToList();
        if (views.Count == 0)
        {
            return;
        }
        var users = views.Where(v => v.UserId is not null).Select(v => v.UserId!).Distinct().ToList();
        var off = users.Count == 0 ? [] : (await db.Set<PersonalizationSetting>().AsNoTracking()
            .Where(s => users.Contains(s.UserId) && !s.Enabled).Select(s => s.UserId).ToListAsync(ct)).ToHashSet();
        var kept = views.Where(v => v.UserId is null || !off.Contains(v.UserId)).Select(v => new ProductView { UserId = v.UserId, SessionId = Truncate(v.SessionId, 100), ProductId = v.ProductId!, At = v.At });
        // Views arrive in the demand writer's batches (thousands at a time): binary COPY on PostgreSQL, one prepared
        // INSERT in one transaction on SQLite; no change tracking (the log has no key).
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await CopyViewsAsync(kept, ct);
        }
        else
        {
            await InsertViewsAsync(kept, ct);
        }
        var forgotten = new HashSet<(string?, string?)>();
        foreach (var v in views)
        {
            if (forgotten.Add((v.UserId, v.SessionId)))
            {
                profiles.Forget(v.UserId, v.SessionId);
            }
        }
    }

    private async Task CopyViewsAsync(IEnumerable<ProductView> views, CancellationToken ct)
    {
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var copy = await PgBinaryCopy.BeginAsync(connection, "COPY \"RecProductViews\" (\"UserId\", \"SessionId\", \"ProductId\", \"At\") FROM STDIN (FORMAT BINARY)", ct);
            foreach (var v in views)
            {
                if (copy.Full) await copy.FlushAsync(ct);
                copy.StartRow(4);
                copy.Text(v.UserId);
                copy.Text(v.SessionId);
                copy.Text(v.ProductId);
                copy.TimestampTz(v.At);
            }
            await copy.CompleteAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter StoredInstant = new();

    /// <summary>SQLite: one prepared INSERT for every row, in one transaction taken through the write gate (instants stored as EF stores them).</summary>
    private async Task InsertViewsAsync(IEnumerable<ProductView> views, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
        await using var insert = connection.CreateCommand();
        insert.Transaction = (Microsoft.Data.Sqlite.SqliteTransaction)tx.GetDbTransaction();
        insert.CommandText = "INSERT INTO \"RecProductViews\" (\"UserId\", \"SessionId\", \"ProductId\", \"At\") VALUES ($u, $s, $p, $at)";
        var user = insert.Parameters.Add("$u", Microsoft.Data.Sqlite.SqliteType.Text);
        var session = insert.Parameters.Add("$s", Microsoft.Data.Sqlite.SqliteType.Text);
        var product = insert.Parameters.Add("$p", Microsoft.Data.Sqlite.SqliteType.Text);
        var at = insert.Parameters.Add("$at", Microsoft.Data.Sqlite.SqliteType.Integer);
        foreach (var v in views)
        {
            user.Value = (object?)v.UserId ?? DBNull.Value;
            session.Value = (object?)v.SessionId ?? DBNull.Value;
            product.Value = v.ProductId;
            at.Value = StoredInstant.ConvertToProvider(v.At);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Deletes views older than the retention; returns how many went.</summary>
    public async Task<int> PruneViewsAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().AddDays(-options.Value.ViewRetentionDays);
        return await db.Set<ProductView>().Where(v => v.At < before).ExecuteDeleteAsync(ct);
    }

    /// <summary>Signing in: the session's anonymous views become the customer's.</summary>
    public async Task MergeSessionAsync(string sessionId, string userId, CancellationToken ct)
    {
        var setting = await db.Set<PersonalizationSetting>().AsNoTracking().FirstOrDefaultAsync(s => s.UserId == userId, ct);
        if (setting is { Enabled: false })
        {
            return;
        }
        await db.Set<ProductView>().Where(v => v.SessionId == sessionId && v.UserId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.UserId, userId), ct);
        profiles.Forget(userId, sessionId);
    }

    public static bool IsView(string type) =>
        type.Equals("view", StringComparison.OrdinalIgnoreCase) || type.Equals("product_view", StringComparison.OrdinalIgnoreCase)
        || type.Equals("product.view", StringComparison.OrdinalIgnoreCase) || type.Equals("productView", StringComparison.OrdinalIgnoreCase);

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    // ------------------------------------------------------------------ rendering

    private RecommendationListDto Render(IReadOnlyList<Pick> picks, ModelState model, CatalogSnapshot cat, bool personalized)
    {
        var culture = CultureInfo.CurrentUICulture;
        var items = picks.Select(p => new RecommendationDto(
            p.Item.Kind, p.Item.Id, Formatting.Title(p.Item.Title, p.Item.TitleKo, culture), Reason(p, cat, culture), p.ReasonKind,
            [.. p.ReasonKeys.Select(k => cat.Find(k)?.Id ?? k)], p.Item.GroupId, p.Item.GroupName, p.Item.Price, p.Item.ImageUrl, p.Item.Url,
            model.Label)).ToList();
        return new RecommendationListDto(items, model.Label, personalized);
    }

    private string Reason(Pick p, CatalogSnapshot cat, CultureInfo culture)
    {
        string Title(int i) => p.ReasonKeys.Count > i && cat.Find(p.ReasonKeys[i]) is { } a ? Formatting.Title(a.Title, a.TitleKo, culture) : "";
        string CategoryName() => p.Category is not null && cat.Categories.TryGetValue(p.Category, out var c)
            ? (Formatting.IsKorean(culture) ? c.NameKo : c.Name) : p.Category ?? "";
        return p.ReasonKind switch
        {
            ReasonKinds.BuyAgain => texts["You buy this often"],
            ReasonKinds.BoughtBefore => texts["You bought this before"],
            ReasonKinds.BecauseYouBought => texts["Because you bought {0}", Title(0)],
            ReasonKinds.BoughtAfter => texts["Often bought after {0}", Title(0)],
            ReasonKinds.BecauseYouViewed => texts["Because you viewed {0}", Title(0)],
            ReasonKinds.CustomersLikeYou => texts["Customers who shop like you bought this"],
            ReasonKinds.SimilarTo => texts["Similar to {0}", Title(0)],
            ReasonKinds.BoughtTogether => texts["Often bought together with {0}", Title(0)],
            ReasonKinds.TrendingInCategory => texts["Popular in {0} this week", CategoryName()],
            ReasonKinds.RecentlyViewed => texts["You viewed this recently"],
            _ => texts["Popular in {0}", CategoryName()],
        };
    }

    /// <summary>The product rules for one list, applied to every candidate in order.</summary>
    private sealed class Rules(CatalogSnapshot cat, string? userId, int count)
    {
        private readonly Dictionary<string, int> _perGroup = new(StringComparer.Ordinal);
        private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
        private readonly int _cap = count == int.MaxValue ? int.MaxValue : ShopCap(count);

        public HashSet<string> Exclude { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether an item may appear at all (before the cap): available, not the caller's own, not excluded.</summary>
        public bool Allowed(string key) =>
            !Exclude.Contains(key) && cat.Find(key) is { Available: true } item && (userId is null || item.OwnerId != userId);

        public RecommendRequest Request(int n) => new()
        {
            Count = n,
            ExcludePurchased = false,
            IsAvailable = Allowed,
            ShopOf = cat.GroupOf,
            MaxPerShop = _cap == int.MaxValue ? 0 : _cap,
        };

        /// <summary>Accepts the item when it is allowed, new to the list and its shop is under the cap.</summary>
        public bool Take(string key)
        {
            if (_taken.Contains(key) || !Allowed(key))
            {
                return false;
            }
            if (cat.GroupOf.TryGetValue(key, out var group))
            {
                var c = _perGroup.GetValueOrDefault(group);
                if (c >= _cap)
                {
                    return false;
                }
                _perGroup[group] = c + 1;
            }
            _taken.Add(key);
            return true;
        }
    }
}
