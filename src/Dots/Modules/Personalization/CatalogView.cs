using Dots.Infrastructure;
using Dots.Modules.Catalog;

namespace Dots.Modules.Personalization;

/// <summary>
/// An immutable in-memory picture of everything recommendable, rebuilt every few seconds on each instance and
/// swapped as one reference: serving filters (available, own items, per-shop cap) and titles come from here, never
/// from the database on the request path.
/// </summary>
public sealed class CatalogSnapshot
{
    public static readonly CatalogSnapshot Empty = new([], [], DateTimeOffset.MinValue);

    public CatalogSnapshot(IReadOnlyList<RecommendableItem> items, IReadOnlyList<CategoryDto> categories, DateTimeOffset at)
    {
        At = at;
        ByKey = items.GroupBy(KeyOf).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        GroupOf = ByKey.Where(kv => kv.Value.GroupId is not null).ToDictionary(kv => kv.Key, kv => kv.Value.GroupId!, StringComparer.Ordinal);
        Categories = categories.ToDictionary(c => c.Slug, StringComparer.Ordinal);
        Popular = [.. ByKey.Values.Where(i => i.Available).OrderByDescending(i => i.Popularity).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    public DateTimeOffset At { get; }

    /// <summary>Item key (a product id; "kind:id" for other kinds) → item.</summary>
    public IReadOnlyDictionary<string, RecommendableItem> ByKey { get; }

    /// <summary>Item key → shop (or other group) for the diversity cap.</summary>
    public IReadOnlyDictionary<string, string> GroupOf { get; }

    public IReadOnlyDictionary<string, CategoryDto> Categories { get; }

    /// <summary>Available items, most popular first: the non-personal list and the filler.</summary>
    public IReadOnlyList<RecommendableItem> Popular { get; }

    public static string KeyOf(RecommendableItem item) => Key(item.Kind, item.Id);

    public static string Key(string kind, string id) => kind == ItemKinds.Product ? id : kind + ":" + id;

    public RecommendableItem? Find(string key) => ByKey.GetValueOrDefault(key);
}

/// <summary>Holds the current <see cref="CatalogSnapshot"/> of this instance.</summary>
public sealed class CatalogView(IServiceScopeFactory scopes, StorefrontCache storefront, TimeProvider clock)
{
    private CatalogSnapshot _current = CatalogSnapshot.Empty;
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public CatalogSnapshot Current => Volatile.Read(ref _current);

    public async Task<CatalogSnapshot> RefreshAsync(CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            var items = await scopes.RunInScopeAsync(async sp =>
            {
                var all = new List<RecommendableItem>();
                foreach (var source in sp.GetServices<IRecommendableItemSource>())
                {
                    all.AddRange(await source.ItemsAsync(ct));
                }
                return all;
            });
            var categories = await storefront.CategoriesAsync(ct);
            var next = new CatalogSnapshot(items, categories, clock.GetUtcNow());
            Volatile.Write(ref _current, next);
            return next;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Replaces the picture (the serving benchmark installs a grown catalog this way).</summary>
    public void Install(CatalogSnapshot snapshot) => Volatile.Write(ref _current, snapshot);

    /// <summary>The current snapshot, read once if this instance has none yet.</summary>
    public async Task<CatalogSnapshot> EnsureAsync(CancellationToken ct) =>
        Current.At == DateTimeOffset.MinValue ? await RefreshAsync(ct) : Current;
}
