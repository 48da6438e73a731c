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
}

/// <summary>
/// The per-instance search index (ADR 0016): built whole from the database on first use, rebuilt when this instance
/// changes a product or a synonym (<see cref="Invalidate"/>), and when a cheap watermark (product count and latest
/// change, shop count, synonym count and latest change), read at most every <see cref="SearchOptions.RefreshSeconds"/>,
/// shows another instance did. Readers always get a complete snapshot; a rebuild replaces it atomically.
/// </summary>
public sealed class ProductSearchEngine(IOptions<SearchOptions> options, TimeProvider clock, ILogger<ProductSearchEngine> logger)
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
        await _gate.WaitAsync(ct);
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
            var started = clock.GetTimestamp();
            var built = await BuildAsync(db, ct);
            _watermark = mark;
            _index = built;
            LastBuild = (clock.GetElapsedTime(started), built.Documents.Count);
            logger.LogDebug("Search index rebuilt: {Products} products, {Words} words in {Ms} ms", built.Documents.Count, built.VocabularySize, LastBuild.Took.TotalMilliseconds);
            return built;
        }
        finally
        {
            _gate.Release();
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
