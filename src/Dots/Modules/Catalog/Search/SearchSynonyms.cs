using System.Text.Json;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dots.Modules.Catalog;

/// <summary>A group of words search treats as the same thing (jar, pot, 통, 용기), maintained by operators.</summary>
public sealed class SearchSynonym
{
    public required string Id { get; init; }
    public List<string> Terms { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed record SynonymGroupDto(string Id, IReadOnlyList<string> Terms, DateTimeOffset UpdatedAt);

public sealed record SynonymGroupRequest(List<string>? Terms);

internal sealed class SearchSynonymConfiguration : IEntityTypeConfiguration<SearchSynonym>
{
    public void Configure(EntityTypeBuilder<SearchSynonym> e)
    {
        e.ToTable("SearchSynonyms");
        e.Property(s => s.Id).HasMaxLength(32);
        e.Property(s => s.Terms).HasConversion(
            terms => JsonSerializer.Serialize(terms, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<List<string>>(json, JsonSerializerOptions.Default) ?? new List<string>(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, s) => HashCode.Combine(h, s)), l => l.ToList()))
            .HasMaxLength(1000);
        var at = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        e.HasData(SearchSynonyms.Defaults.Select((terms, i) => new SearchSynonym { Id = $"default-{i + 1:D2}", Terms = [.. terms], UpdatedAt = at }));
    }
}

/// <summary>The synonym list: read by the search index, edited by operators (/api/ops/search/synonyms, /ops/search).</summary>
public sealed class SearchSynonyms(DotsDbContext db, TimeProvider clock, ProductSearchEngine engine)
{
    public const int MaxTerms = 12;
    public const int MaxTermLength = 40;

    /// <summary>The list a new database starts with: everyday shopping words in English and Korean.</summary>
    public static readonly string[][] Defaults =
    [
        ["jar", "pot", "container", "통", "용기", "항아리"],
        ["tangerine", "tangerines", "mandarin", "귤", "감귤"],
        ["tea", "차"],
        ["apple", "apples", "사과"],
        ["pear", "pears", "배"],
        ["orange", "oranges", "오렌지", "한라봉"],
        ["cabbage", "배추"],
        ["grape", "grapes", "포도", "샤인머스캣"],
        ["carrot", "carrots", "당근"],
        ["potato", "고구마", "감자"],
        ["bread", "빵", "식빵"],
        ["cookie", "cookies", "쿠키"],
        ["chocolate", "초콜릿", "초코"],
        ["honey", "꿀"],
        ["mug", "cup", "컵", "머그", "잔"],
        ["candle", "캔들", "양초"],
        ["towel", "타월", "수건"],
        ["stool", "chair", "의자", "스툴"],
        ["cushion", "방석", "쿠션"],
        ["shirt", "셔츠"],
        ["pants", "trousers", "바지", "팬츠"],
        ["coat", "코트"],
        ["bag", "tote", "가방", "토트백"],
        ["scarf", "스카프"],
        ["toner", "토너", "스킨"],
        ["serum", "세럼", "에센스"],
        ["cleanser", "클렌저", "세안제"],
        ["sunscreen", "suncream", "선크림", "자외선차단제"],
        ["lamp", "light", "조명", "스탠드", "램프"],
        ["notebook", "노트", "공책"],
        ["knife", "칼", "나이프"],
        ["spoon", "spoons", "수저", "숟가락"],
        ["kimchi", "김치"],
        ["backpack", "배낭"],
        ["bottle", "물병", "보온병"],
        ["mat", "매트"],
        ["pen", "펜", "만년필"],
        ["book", "책", "도서"],
        ["toy", "toys", "장난감"],
        ["boots", "장화", "부츠"],
        ["baby", "아기", "유아"],
        ["gift", "선물"],
        ["linen", "린넨", "리넨"],
        ["wool", "울"],
        ["dolsot", "돌솥"],
        ["hanbok", "한복"],
        ["hanji", "한지"],
        ["planner", "플래너", "다이어리"],
        ["tape", "테이프"],
        ["oil", "오일"],
        ["steamer", "찜기"],
        ["blocks", "block", "블록"],
    ];

    public async Task<IReadOnlyList<SynonymGroupDto>> ListAsync(CancellationToken ct) =>
        (await db.Set<SearchSynonym>().AsNoTracking().ToListAsync(ct)).OrderBy(s => s.Terms.FirstOrDefault(), StringComparer.Ordinal).Select(ToDto).ToList();

    public async Task<SynonymGroupDto> CreateAsync(SynonymGroupRequest request, CancellationToken ct)
    {
        var terms = Validate(request);
        var group = new SearchSynonym { Id = Ids.New(), Terms = terms, UpdatedAt = clock.GetUtcNow() };
        db.Set<SearchSynonym>().Add(group);
        await db.SaveChangesAsync(ct);
        engine.Invalidate();
        return ToDto(group);
    }

    public async Task<SynonymGroupDto> UpdateAsync(string id, SynonymGroupRequest request, CancellationToken ct)
    {
        var terms = Validate(request);
        var group = await db.Set<SearchSynonym>().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw NotFound(id);
        group.Terms = terms;
        group.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        engine.Invalidate();
        return ToDto(group);
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        var deleted = await db.Set<SearchSynonym>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            throw NotFound(id);
        }
        engine.Invalidate();
    }

    /// <summary>Accepts "a, b, c" in one entry too (the operator page sends one line).</summary>
    public static List<string> Validate(SynonymGroupRequest request)
    {
        var terms = (request.Terms ?? []).SelectMany(t => (t ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(t => t.Normalize(System.Text.NormalizationForm.FormC).ToLowerInvariant())
            .Distinct(StringComparer.Ordinal).ToList();
        new Validation()
            .Require(terms.Count >= 2, "terms", "A synonym group needs at least two words.")
            .Require(terms.Count <= MaxTerms, "terms", $"A synonym group can have at most {MaxTerms} words.")
            .Require(terms.All(t => t.Length <= MaxTermLength), "terms", $"Each word must be at most {MaxTermLength} characters.")
            .Require(terms.All(t => SearchText.Words(t).Count > 0), "terms", "Each word needs at least one letter or digit.")
            .ThrowIfInvalid();
        return terms;
    }

    private static SynonymGroupDto ToDto(SearchSynonym s) => new(s.Id, s.Terms, s.UpdatedAt);

    private static NotFoundException NotFound(string id) => new($"No synonym group with id '{id}'.");
}
