using Dots.Recommend.Models;

namespace Dots.Recommend.Tests;

public sealed class ContentIndexTests
{
    private static ContentIndex Catalog() => ContentIndex.Build([
        new("cream", "수분크림 50ml", "건성 피부를 위한 촉촉한 크림", ["스킨케어"], ["보습"]),
        new("cream2", "고보습 수분 크림", null, ["스킨케어"]),
        new("lip", "벨벳 립스틱", "선명한 레드 컬러", ["메이크업"]),
        new("shoe", "Running shoes", "Light trainers for road running", ["shoes"]),
        new("shoe2", "Trail runner shoe", null, ["shoes"]),
    ]);

    [Fact]
    public void KoreanProducts_AreSimilar_WhenSpacingAndParticlesDiffer()
    {
        var similar = Catalog().SimilarTo("cream", 2);

        Assert.Equal("cream2", similar[0].Id);
    }

    [Fact]
    public void EnglishProducts_MatchOnSharedWordStems()
    {
        Assert.Equal("shoe2", Catalog().SimilarTo("shoe", 1)[0].Id);
    }

    [Fact]
    public void Search_FindsProductsFromAFreeTextQuery()
    {
        Assert.Equal("lip", Catalog().Search("립스틱 레드", 1)[0].Id);
    }

    [Fact]
    public void UnknownItem_HasNoContentNeighbours()
    {
        Assert.Empty(Catalog().SimilarTo("missing", 3));
    }
}
