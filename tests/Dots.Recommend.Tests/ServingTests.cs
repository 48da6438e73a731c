using Dots.Recommend.Data;
using Dots.Recommend.Models;
using Dots.Recommend.Serving;

namespace Dots.Recommend.Tests;

public sealed class ServingTests
{
    private static Recommender PairsModel() => Recommender.Train(TestData.CoPurchasedPairs());

    [Fact]
    public void CoPurchaseRecommendation_NamesThePurchaseThatCausedIt()
    {
        var model = PairsModel();

        var first = model.ForSession(["p5a"], new RecommendRequest { Count = 3 })[0];

        Assert.Equal("p5b", first.ItemId);
        Assert.True(first.Reason.Kind is ReasonKind.BecauseYouBought or ReasonKind.BoughtAfter,
            $"{first.Reason.Describe()}; weights {string.Join(" ", model.Summary.Models.Zip(model.Summary.Weights))}");
        Assert.Equal("p5a", first.Reason.AnchorItemId);
        Assert.Equal(["p5a"], first.Reason.Items);
    }

    [Fact]
    public void EveryResult_CarriesAReason()
    {
        var model = PairsModel();

        var lists = new[]
        {
            model.ForUser("u5", new RecommendRequest { Count = 30 }),
            model.ForUser("nobody", new RecommendRequest { Count = 30 }),
            model.ForSession(["p1a", "unknown"], new RecommendRequest { Count = 30 }),
            model.SimilarItems("p2a", new RecommendRequest { Count = 30 }),
        };

        Assert.All(lists.SelectMany(l => l), r => Assert.False(string.IsNullOrWhiteSpace(r.Reason.Describe())));
    }

    [Fact]
    public void ForUser_ExcludesBoughtItems_ByDefaultOnNonRepeatData()
    {
        var model = PairsModel();
        var bought = model.Data.HistoryOf("u1").Items.Select(i => model.Data.ItemIds[i]).ToHashSet();

        var top = model.ForUser("u1", new RecommendRequest { Count = 20 });

        Assert.Equal(20, top.Count);
        Assert.DoesNotContain(top, r => bought.Contains(r.ItemId));
    }

    [Fact]
    public void ForUser_SkipsOutOfStockItems_GivenBySetOrPredicate()
    {
        var model = PairsModel();
        var unfiltered = model.ForUser("u2", new RecommendRequest { Count = 5 }).Select(r => r.ItemId).ToList();
        var outOfStock = new HashSet<string> { unfiltered[0] };

        var bySet = model.ForUser("u2", new RecommendRequest { Count = 5, Exclude = outOfStock });
        var byPredicate = model.ForUser("u2", new RecommendRequest { Count = 5, IsAvailable = id => id != unfiltered[1] });

        Assert.DoesNotContain(bySet, r => r.ItemId == unfiltered[0]);
        Assert.Equal(5, bySet.Count);
        Assert.DoesNotContain(byPredicate, r => r.ItemId == unfiltered[1]);
        Assert.Equal(5, byPredicate.Count);
    }

    [Fact]
    public void DiversityCap_LimitsItemsPerShop_AndStillFillsTheList()
    {
        var model = PairsModel();
        // Two big shops and no others: "a" items in one, "b" items in the other.
        var shops = model.Data.ItemIdList.ToDictionary(id => id, id => id.EndsWith('a') ? "shop-a" : "shop-b");

        var top = model.ForUser("u3", new RecommendRequest { Count = 6, ShopOf = shops, MaxPerShop = 3 });

        Assert.Equal(6, top.Count);
        Assert.All(top.GroupBy(r => shops[r.ItemId]), g => Assert.True(g.Count() <= 3));
    }

    [Fact]
    public void UnknownUser_GetsPopularItems()
    {
        var model = PairsModel();

        var top = model.ForUser("never-seen", new RecommendRequest { Count = 5 });

        Assert.Equal(5, top.Count);
        Assert.Equal(model.ForSession([], new RecommendRequest { Count = 5 }).Select(r => r.ItemId), top.Select(r => r.ItemId));
        Assert.All(top, r => Assert.Contains(r.Reason.Kind, new[] { ReasonKind.PopularNow, ReasonKind.Trending }));
    }

    [Fact]
    public void Session_IgnoresUnknownItems_AndUsesTheKnownOnes()
    {
        var model = PairsModel();

        var top = model.ForSession(["no-such-item", "p7a"], new RecommendRequest { Count = 1 });

        Assert.Equal("p7b", top[0].ItemId);
    }

    [Fact]
    public void SimilarItems_ReturnsThePartner_AndNeverTheItemItself()
    {
        var model = PairsModel();

        var similar = model.SimilarItems("p9b", new RecommendRequest { Count = 10 });

        Assert.Equal("p9a", similar[0].ItemId);
        Assert.DoesNotContain(similar, r => r.ItemId == "p9b");
    }

    [Fact]
    public void SimilarItems_ForAnUnknownItemWithoutContent_FallsBackToPopularItems()
    {
        var model = PairsModel();

        var similar = model.SimilarItems("brand-new", new RecommendRequest { Count = 4 });

        Assert.Equal(4, similar.Count);
        Assert.All(similar, r => Assert.Contains(r.Reason.Kind, new[] { ReasonKind.PopularNow, ReasonKind.Trending }));
    }

    [Fact]
    public void OneItemCatalog_Works_WithAndWithoutRepeats()
    {
        Interaction[] rows = [new("u", "only", 1), new("u", "only", 2), new("v", "only", 1)];

        var repeat = Recommender.Train(rows, new RecommenderOptions { KeepSeen = true });
        var fresh = Recommender.Train(rows);

        Assert.Equal(["only"], repeat.ForUser("u").Select(r => r.ItemId));
        Assert.Empty(fresh.ForUser("u"));
        Assert.Equal(["only"], fresh.ForUser("stranger").Select(r => r.ItemId));
        Assert.Empty(fresh.SimilarItems("only"));
    }

    [Fact]
    public void EmptyTrainingData_ReturnsEmptyLists()
    {
        var model = Recommender.Train([]);

        Assert.Empty(model.ForUser("u"));
        Assert.Empty(model.ForSession(["x"]));
        Assert.Empty(model.SimilarItems("x"));
    }

    [Fact]
    public void DuplicateRows_DoNotChangeRecommendations()
    {
        var rows = TestData.CoPurchasedPairs(users: 120);
        var once = Recommender.Train(rows, new RecommenderOptions { TuneBlend = false });
        var twice = Recommender.Train(rows.Concat(rows), new RecommenderOptions { TuneBlend = false });

        Assert.Equal(once.ForUser("u4").Select(r => r.ItemId), twice.ForUser("u4").Select(r => r.ItemId));
    }

    [Fact]
    public void ColdStartItem_GetsContentNeighbours_InKorean()
    {
        var rows = TestData.CoPurchasedPairs(users: 60, pairs: 3);
        var content = new List<ItemContent>
        {
            new("new-cream", "촉촉한 수분크림 50ml", Categories: ["스킨케어"]),
            new("p0a", "수분 크림 대용량", Categories: ["스킨케어"]),
            new("p1a", "매트 립스틱 레드", Categories: ["메이크업"]),
            new("p2a", "남성용 운동화", Categories: ["신발"]),
        };
        var model = Recommender.Train(rows, new RecommenderOptions { Content = content });

        var similar = model.SimilarItems("new-cream", new RecommendRequest { Count = 3 });
        var session = model.ForSession(["new-cream"], new RecommendRequest { Count = 3 });

        Assert.Equal("p0a", similar[0].ItemId);
        Assert.Equal(ReasonKind.SimilarTo, similar[0].Reason.Kind);
        Assert.Equal(["new-cream"], similar[0].Reason.Items);
        Assert.Equal("similar to New cream", similar[0].Reason.Describe(id => id == "new-cream" ? "New cream" : id));
        Assert.Equal("p0a", session[0].ItemId);
        Assert.Equal(3, session.Count);
    }
}
