using Dots.Recommend.Serving;

namespace Dots.Recommend.Tests;

public sealed class TrainingControlTests
{
    [Fact]
    public void Train_StopsWhenCancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Recommender.Train(TestData.CoPurchasedPairs(users: 80), new RecommenderOptions(), null, cts.Token));
    }

    [Fact]
    public void Train_OnOneCore_GivesTheSameModelAsEveryCore()
    {
        var rows = TestData.CoPurchasedPairs(users: 80);

        var all = Recommender.Train(rows);
        var one = Recommender.Train(rows, new RecommenderOptions { MaxDegreeOfParallelism = 1 }, null, CancellationToken.None);

        Assert.Equal(all.Summary.Weights, one.Summary.Weights);
        Assert.Equal(all.ForUser("u5", new RecommendRequest { Count = 10 }).Select(r => r.ItemId),
            one.ForUser("u5", new RecommendRequest { Count = 10 }).Select(r => r.ItemId));
    }

    [Fact]
    public void FixedWeights_SkipTuning_AndRebuildTheSameRanking()
    {
        var rows = TestData.CoPurchasedPairs(users: 80);
        var tuned = Recommender.Train(rows);

        var rebuilt = Recommender.Train(rows, new RecommenderOptions { Weights = tuned.Summary.Weights }, null, CancellationToken.None);

        Assert.Equal(0, rebuilt.Summary.ValidationUsers);
        Assert.Equal(tuned.ForUser("u3", new RecommendRequest { Count = 10 }).Select(r => r.ItemId),
            rebuilt.ForUser("u3", new RecommendRequest { Count = 10 }).Select(r => r.ItemId));
    }

    [Fact]
    public void ForUser_WithRecentItems_UsesThemAsTheNewestBasket()
    {
        var model = Recommender.Train(TestData.CoPurchasedPairs());

        var fresh = model.ForUser("nobody-yet", ["p5a"], new RecommendRequest { Count = 3 });

        Assert.Equal("p5b", fresh[0].ItemId);
        Assert.Equal(["p5a"], fresh[0].Reason.Items);
    }
}
