using Dots.Recommend.Data;
using Dots.Recommend.Models;
using Dots.Recommend.Serving;
using Dots.Recommend.Sparse;

namespace Dots.Recommend.Tests;

public sealed class ModelTests
{
    private static int[] Top(IScoringModel model, TrainingData data, UserHistory h, int k, bool excludeSeen = true)
    {
        var scores = new float[data.ItemCount];
        model.Score(h, scores);
        if (excludeSeen)
        {
            foreach (var i in h.Items)
            {
                scores[i] = float.NegativeInfinity;
            }
        }
        return TopKHeap.Select(scores, k, 0f);
    }

    private static UserHistory Session(TrainingData data, params string[] items) =>
        UserHistory.FromSequence([.. items.Select(id => data.TryGetItem(id, out var i) ? i : throw new ArgumentException(id))]);

    [Fact]
    public void ItemKnn_RecommendsThePartnerOfACoPurchasedPair()
    {
        var data = TrainingData.Build(TestData.CoPurchasedPairs());
        var model = ItemKnnModel.Fit(data);

        for (var p = 0; p < 20; p++)
        {
            var top = Top(model, data, Session(data, $"p{p}a"), 1);
            Assert.Equal($"p{p}b", data.ItemIds[top[0]]);
        }
    }

    [Fact]
    public void Rp3Beta_RecommendsThePartnerOfACoPurchasedPair()
    {
        var data = TrainingData.Build(TestData.CoPurchasedPairs());
        var model = Rp3BetaModel.Fit(data);

        var top = Top(model, data, Session(data, "p3b"), 1);

        Assert.Equal("p3a", data.ItemIds[top[0]]);
    }

    [Fact]
    public void Sequence_RecommendsTheNextStepOfAChain_NotThePreviousOne()
    {
        var data = TrainingData.Build(TestData.Chains());
        var model = SequenceModel.Fit(data);

        var top = Top(model, data, Session(data, "c4-0", "c4-1"), 1);

        Assert.Equal("c4-2", data.ItemIds[top[0]]);
    }

    [Fact]
    public void Repeat_RanksTheStapleFirst_AndFavoursRecentBaskets()
    {
        var data = TrainingData.Build([
            new("u", "old", 1), new("u", "old", 2), new("u", "staple", 1), new("u", "staple", 2), new("u", "staple", 3),
            new("u", "new", 3), new("u", "new", 4),
        ]);
        var model = new RepeatModel(0.5f);

        var top = Top(model, data, data.HistoryOf("u"), 3, excludeSeen: false);

        Assert.Equal(["new", "staple", "old"], top.Select(i => data.ItemIds[i]));
    }

    [Fact]
    public void Neighbourhood_Pruning_KeepsAtMostKNeighboursPerItem()
    {
        var data = TrainingData.Build(TestData.CoPurchasedPairs());
        var model = ItemKnnModel.Fit(data, topK: 3);

        for (var i = 0; i < data.ItemCount; i++)
        {
            Assert.True(model.Similarity.RowCols(i).Length <= 3);
        }
    }

    [Fact]
    public void Models_ScoreNothing_ForAnEmptyHistory()
    {
        var data = TrainingData.Build(TestData.CoPurchasedPairs());
        IScoringModel[] models = [ItemKnnModel.Fit(data), Rp3BetaModel.Fit(data), SequenceModel.Fit(data), new RepeatModel(0.8f)];

        foreach (var model in models)
        {
            var scores = new float[data.ItemCount];
            model.Score(UserHistory.Empty, scores);
            Assert.All(scores, s => Assert.Equal(0f, s));
        }
    }

    [Fact]
    public void TopKHeap_SelectsTheSameItemsAsAFullSort_WithTiesToTheLowerIndex()
    {
        var rng = new Random(5);
        var scores = Enumerable.Range(0, 500).Select(_ => (float)rng.Next(50)).ToArray();

        var top = TopKHeap.Select(scores, 25);

        var expected = Enumerable.Range(0, 500).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(25);
        Assert.Equal(expected, top);
    }

    [Fact]
    public void Blend_OnRebuyData_PutsEachUsersStapleFirst_WhenRepeatsAreAllowed()
    {
        var model = Recommender.Train(TestData.RebuyCycles(), new RecommenderOptions { KeepSeen = true });

        for (var u = 0; u < 40; u++)
        {
            var top = model.ForUser($"u{u}", new RecommendRequest { Count = 3 });
            Assert.Equal($"s{u % 40}", top[0].ItemId);
            Assert.Equal(ReasonKind.BuyAgain, top[0].Reason.Kind);
        }
    }

    [Fact]
    public void Blend_OnChains_RecommendsTheNextStep_WithHistoryExcluded()
    {
        var model = Recommender.Train(TestData.Chains());

        var hits = 0;
        for (var c = 0; c < 15; c++)
        {
            var top = model.ForSession([$"c{c}-0", $"c{c}-1"], new RecommendRequest { Count = 1 });
            hits += top[0].ItemId == $"c{c}-2" ? 1 : 0;
        }

        Assert.True(hits >= 14, $"next step ranked first for {hits} of 15 chains");
    }
}
