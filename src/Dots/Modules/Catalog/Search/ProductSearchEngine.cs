using System.ComponentModel.DataAnnotations;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Catalog;

/// <summary>Search settings (section "Search").</summary>
public sealed class SearchOptions
{
    /// <summary>How often (seconds) an instance checks whether another instance changed the catalogue or the synonyms.</summary>
    [Range(0, 3600)]
    public int RefreshSeconds { get; set; } = 2;

    /// <summary>The most matches one query ranks (and the personalizer sees, at most 200 of them).</summary>
    [Range(10, 100_000)]
    public int MaxMatches { get; set; } = 1000;

    /// <summary>
    /// Below this many products a change rebuilds the index before the next search answers (read-your-writes); at or
    /// above it the rebuild runs in the background and searches use the previous index until it is done.
    /// </summary>
    [Range(0, 10_000_000)]
    public int SyncRebuildBelow { get; set; } = 5000;
}

/// <summary>
/// The per-instance search index (ADR 0016): built whole from the database on first use, rebuilt when this instance
/// changes a product or a synonym (<see cref="Invalidate"/>), and when a cheap watermark (product count and latest
/// change, shop count, synonym count and latest change), read at most every <see cref="SearchOptions.RefreshSeconds"/>,
/// shows another instance did. Readers always get a complete snapshot; a rebuild replaces it atomically (in the
/// background for catalogues of <see cref="SearchOptions.SyncRebuildBelow"/> products or more).
/// </summary>
public sealed class ProductSearchEngine(IOptions<SearchOptions> options, TimeProvider clock, IServiceScopeFactory scopes, ILogger<ProductSearchEngine> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile SearchIndex? _index;
    private volatile bool _stale = true;
    private Watermark? _watermark;
    private long _checkedAt = long.MinValue;

    private sealed record Watermark(int Products, DateTimeOffset? ProductChange, int Shops, int Synonyms, DateTimeOffset? SynonymChange);

    public SearchOptions Options => options.Value;

    /// <summary>How long the last rebuild took and how many products it indexed (for the bench and logs).</summary>
    public (TimeSpan Took, int Products) LastBuild { get; private set; }

    /// <summary>Marks the index stale: the next search on this instance rebuilds it first.</summary>
    public void Invalidate() => _stale = true;

    internal async Task<SearchIndex> IndexAsync(DotsDbContext db, CancellationToken ct)
    {
        var index = _index;
        var interval = TimeSpan.FromSeconds(options.Value.RefreshSeconds);
        if (index is not null && !_stale && !Due(interval))
        {
            return index;
        }
        if (index is null)
        {
            await _gate.WaitAsync(ct);
        }
        else if (!await _gate.WaitAsync(0, ct))
        {
            return index; // another request is already checking; this one reads the snapshot it has
        }
        try
        {
            if (_index is not null && !_stale && !Due(interval))
            {
                return _index;
            }
            var mark = await ReadWatermarkAsync(db, ct);
            Interlocked.Exchange(ref _checkedAt, clock.GetTimestamp());
            if (_index is not null && !_stale && mark == _watermark)
            {
                return _index;
            }
            _stale = false;
            if (_index is not null && _index.Documents.Count >= options.Value.SyncRebuildBelow)
            {
                // A large catalogue rebuilds in the background; searches keep the previous snapshot meanwhile.
                if (Interlocked.CompareExchange(ref _building, 1, 0) == 0)
                {
                    _ = Task.Run(() => RebuildInBackgroundAsync(mark));
                }
                return _index;
            }
            await RebuildAsync(db, mark, ct);
            return _index!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private int _building;

    private async Task RebuildAsync(DotsDbContext db, Watermark mark, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        var built = await BuildAsync(db, ct);
        _watermark = mark;
        _index = built;
        LastBuild = (clock.GetElapsedTime(started), built.Documents.Count);
        logger.LogDebug("Search index rebuilt: {Products} products, {Words} words in {Ms} ms", built.Documents.Count, built.VocabularySize, LastBuild.Took.TotalMilliseconds);
    }

    private async Task RebuildInBackgroundAsync(Watermark mark)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await RebuildAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), mark, CancellationToken.None);
        }
        catch (Exception e)
        {
            _stale = true; // try again on the next search
            logger.LogWarning(e, "Rebuilding the search index failed; searches keep the previous index");
        }
        finally
        {
            Interlocked.Exchange(ref _building, 0);
        }
    }

    private bool Due(TimeSpan interval)
    {
        var checkedAt = Interlocked.Read(ref _checkedAt);
        return checkedAt == long.MinValue || clock.GetElapsedTime(checkedAt) >= interval;
    }

    private static async Task<Watermark> ReadWatermarkAsync(DotsDbContext db, CancellationToken ct)
    {
        var products = await db.Products.CountAsync(ct);
        var productChange = await db.Products.OrderByDescending(p => p.UpdatedAt).Select(p => (DateTimeOffset?)p.UpdatedAt).FirstOrDefaultAsync(ct);
        var shops = await db.Shops.CountAsync(ct);
        var synonyms = await db.Set<SearchSynonym>().CountAsync(ct);
        var synonymChange = await db.Set<SearchSynonym>().OrderByDescending(s => s.UpdatedAt).Select(s => (DateTimeOffset?)s.UpdatedAt).FirstOrDefaultAsync(ct);
        return new Watermark(products, productChange, shops, synonyms, synonymChange);
    }

    private static async Task<SearchIndex> BuildAsync(DotsDbContext db, CancellationToken ct)
    {
        var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Slug, ct);
        var shops = await db.Shops.AsNoTracking().Select(s => new { s.Id, s.Name }).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var rows = await db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Published)
            .Select(p => new { p.Id, p.ShopId, p.Category, p.Title, p.TitleKo, p.Description, p.DescriptionKo, p.Tags, p.SoldUnits, p.PriceFrom, p.Currency })
            .ToListAsync(ct);
        var synonyms = await db.Set<SearchSynonym>().AsNoTracking().Select(s => s.Terms).ToListAsync(ct);
        var docs = rows.Select(p =>
        {
            var category = categories.GetValueOrDefault(p.Category);
            return new SearchDocument(p.Id, p.ShopId, shops.GetValueOrDefault(p.ShopId, ""), p.Category, category?.Name ?? "", category?.NameKo ?? "",
                p.Title, p.TitleKo, p.Description, p.DescriptionKo, p.Tags, p.SoldUnits, p.PriceFrom, p.Currency);
        });
        return SearchIndex.Build(docs, synonyms);
    }
}
