using Dots.Modules.Catalog;

namespace Dots.Tests.Search;

/// <summary>The in-memory index on a small bilingual catalogue: every class of query, without a database.</summary>
public sealed class SearchIndexTests
{
    private static SearchDocument Doc(string id, string title, string? titleKo, string description = "", string? descriptionKo = null, string[]? tags = null, int sold = 0, string category = "fresh-food") =>
        new(id, "shop-1", "Jeju Green Farm", category, "Fresh food", "신선식품", title, titleKo, description, descriptionKo, tags ?? [], sold, 10000, "KRW");

    private static readonly SearchIndex Index = SearchIndex.Build(
    [
        Doc("tangerines", "Jeju Tangerines", "제주 감귤", "Sweet, thin-skinned tangerines.", "달콤하고 껍질이 얇은 감귤.", ["fruit", "jeju"]),
        Doc("kimchi-jar", "Onggi Kimchi Jar", "옹기 김치통", "Breathable clay jar for kimchi.", "숨 쉬는 옹기 김치통.", ["kimchi", "storage"], category: "kitchen"),
        Doc("serum", "Green Tea Serum", "녹차 세럼", "Antioxidant serum with Jeju green tea.", "제주 녹차 항산화 세럼.", ["skincare"], category: "beauty"),
        Doc("financier", "Green Tea Financier", "녹차 휘낭시에", "Brown-butter cakes.", "제주 녹차를 넣은 휘낭시에.", ["cake"]),
        Doc("potatoes", "Sweet Potatoes", "꿀고구마", "Honey-sweet potatoes for roasting.", "군고구마로 좋은 꿀고구마.", ["vegetable"]),
        Doc("cabbage", "Napa Cabbage", "배추", "Crisp napa cabbage for kimchi season.", "김장철을 위한 아삭한 배추.", ["vegetable", "kimchi"]),
        Doc("pot", "Stone Pot Dolsot", "돌솥", "Granite pot for bibimbap.", "곱돌 돌솥.", ["pot"], category: "kitchen"),
        Doc("bottle", "Insulated Bottle", "보온병", "Keeps tea hot for 12 hours.", "12시간 보온되는 보온병.", ["bottle"], category: "sports"),
        Doc("serums", "Serums Sampler", "세럼 샘플러", "Three small serums.", null, ["skincare"], sold: 500, category: "beauty"),
    ],
    SearchSynonyms.Defaults);

    private static List<string> Ids(string query, string? category = null) => Index.Search(query, category).Select(h => h.Document.Id).ToList();

    [Theory]
    [InlineData("고구마", "potatoes")] // the end of 꿀고구마
    [InlineData("꿀고", "potatoes")] // its start
    [InlineData("김치통", "kimchi-jar")]
    [InlineData("치통", "kimchi-jar")] // any contiguous part of two syllables or more
    [InlineData("휘낭", "financier")]
    public void AKoreanSubWord_FindsTheCompound(string query, string expected) =>
        Assert.Equal(expected, Ids(query).First());

    [Fact]
    public void ASingleSyllable_MatchesWholeSyllablesOfCompounds()
    {
        Assert.Equal("tangerines", Ids("귤").First()); // 감귤
        Assert.Contains("serum", Ids("차")); // 녹차
        Assert.Contains("financier", Ids("차"));
        Assert.Contains("kimchi-jar", Ids("통"));
    }

    [Theory]
    [InlineData("제주귤", "tangerines")]
    [InlineData("제주 귤", "tangerines")]
    [InlineData("제주감귤", "tangerines")]
    [InlineData("김치 통", "kimchi-jar")]
    [InlineData("옹기김치통", "kimchi-jar")]
    [InlineData("녹차세럼", "serum")]
    public void SpacingVariants_FindTheSameProduct(string query, string expected) =>
        Assert.Equal(expected, Ids(query).First());

    [Theory]
    [InlineData("tangerien", "tangerines")] // a swap, 9 letters
    [InlineData("serun", "serum")] // one substitution, 5 letters
    [InlineData("finacier", "financier")]
    [InlineData("cabbgae", "cabbage")]
    public void LatinTypos_AreTolerated(string query, string expected) =>
        Assert.Contains(expected, Ids(query));

    [Fact]
    public void ShortLatinWords_GetNoTypoBudget() => Assert.Empty(Ids("pxt"));

    [Theory]
    [InlineData("갑귤", "tangerines")] // ㅁ → ㅂ
    [InlineData("셰럼", "serum")] // ㅔ → ㅖ
    [InlineData("배출", "cabbage")] // ㅜ → ㅜㄹ
    public void HangulTypos_AreToleratedAtTheJamoLevel(string query, string expected) =>
        Assert.Contains(expected, Ids(query));

    [Theory]
    [InlineData("kimchi pot", "kimchi-jar")] // pot ~ jar
    [InlineData("kimchi container", "kimchi-jar")]
    [InlineData("김치 용기", "kimchi-jar")] // 용기 ~ 통
    [InlineData("tangerine", "tangerines")]
    [InlineData("mandarin", "tangerines")] // only through the synonym list
    [InlineData("차", "serum")]
    public void Synonyms_FindProductsDescribedWithOtherWords(string query, string expected) =>
        Assert.Contains(expected, Ids(query));

    [Theory]
    [InlineData("tangerines", "tangerines")] // English finds a product whose Korean text a Korean reader sees
    [InlineData("감귤", "tangerines")]
    [InlineData("귤 jeju", "tangerines")] // mixed scripts in one query
    public void BothLanguages_FindTheProduct(string query, string expected) =>
        Assert.Equal(expected, Ids(query).First());

    [Fact]
    public void AnExactTitleMatch_OutranksFragmentsAndTypos_EvenWhenTheOtherSellsMore()
    {
        var hits = Index.Search("serum");
        Assert.Equal("serum", hits[0].Document.Id);
        Assert.True(hits[0].ExactTitleMatch);
        Assert.Equal(3, hits[0].Tier);
        var sampler = hits.Single(h => h.Document.Id == "serums");
        Assert.True(sampler.Tier < hits[0].Tier);
    }

    [Fact]
    public void TitleMatches_OutrankDescriptionMatches()
    {
        var ids = Ids("tea");
        Assert.True(ids.IndexOf("serum") < ids.IndexOf("bottle"));
        Assert.True(ids.IndexOf("financier") < ids.IndexOf("bottle"));
    }

    [Fact]
    public void AWholeWord_OutranksAFragment()
    {
        // 세럼 is a whole word of the serum's title and of the sampler's; 세 alone is only a fragment of them.
        var hits = Index.Search("고구마");
        Assert.Equal(2, hits[0].Tier);
        Assert.True(Index.Search("꿀고구마")[0].Tier > hits[0].Tier);
    }

    [Theory]
    [InlineData("xqzvwk")]
    [InlineData("뷁쀍")]
    [InlineData("asdfgh qwerty")]
    [InlineData("컴퓨터")]
    [InlineData("laptop")]
    [InlineData("zzzz")]
    public void Nonsense_FindsNothing(string query) => Assert.Empty(Ids(query));

    [Theory]
    [InlineData("\"")]
    [InlineData("\"serum\" OR *")]
    [InlineData("serum NEAR(tea)")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    [InlineData("se%rum")]
    [InlineData("-- ; DROP TABLE Products")]
    public void OperatorsAndWildcards_AreJustText(string query)
    {
        var ids = Ids(query);
        Assert.True(ids.Count < 9, $"'{query}' matched the whole catalogue");
    }

    [Fact]
    public void EveryWordMustMatch() => Assert.Empty(Ids("kimchi jar qqqqzz"));

    [Fact]
    public void ALiteralWordElsewhere_DoesNotHideATypoMatch_WhenTogetherTheyFindNothing()
    {
        var index = SearchIndex.Build([Doc("serum", "Green Tea Serum", "녹차 세럼"), Doc("serun", "Serun Cream", null, category: "beauty")], []);
        Assert.Equal(["serun"], index.Search("serun").Select(h => h.Document.Id).ToList()); // the literal word wins alone
        Assert.Equal(["serum"], index.Search("serun tea").Select(h => h.Document.Id).ToList()); // ... but not against the rest of the query
    }

    [Fact]
    public void CategoryFilter_NarrowsTheMatches() =>
        Assert.Equal(["serum", "serums"], Ids("세럼", "beauty").Order().ToList());

    [Fact]
    public void DidYouMean_OffersTheNearestCatalogueWord()
    {
        Assert.Empty(Ids("jaju")); // four letters: no typo budget in search
        Assert.Equal("jeju", Index.DidYouMean("jaju"));
        Assert.Null(Index.DidYouMean("xqzvwk"));
        Assert.NotEmpty(Index.NearestMatches("green cabbage", 4));
    }
}
