using Dots.Recommend.Blending;
using Dots.Recommend.Data;

namespace Dots.Recommend.Tests;

public sealed class BlendTunerTests
{
    [Fact]
    public void ValidationSplit_HoldsOutEachUsersLastBasket_FromTheTrainingDataOnly()
    {
        var data = TrainingData.Build([
            new("u", "a", 1), new("u", "b", 2), new("u", "c", 3), new("u", "d", 3),
            new("v", "a", 1),
        ]);

        var (train, targets) = BlendTuner.Split(data, keepSeen: true, maxUsers: 100);

        var (user, target) = Assert.Single(targets);
        Assert.Equal("u", data.UserIds[user]);
        Assert.Equal(["c", "d"], target.Select(i => data.ItemIds[i]).Order());
        Assert.Equal(["a", "b"], train.HistoryOf("u").Items.Select(i => data.ItemIds[i]));
        Assert.Equal(1, train.HistoryOf("v").EventCount);
    }

    [Fact]
    public void ValidationSplit_DropsAlreadySeenTargets_WhenRepeatsAreExcluded()
    {
        var data = TrainingData.Build([new("u", "a", 1), new("u", "a", 2), new("u", "b", 2)]);

        var (_, targets) = BlendTuner.Split(data, keepSeen: false, maxUsers: 100);

        Assert.Equal(["b"], targets.Single().Target.Select(i => data.ItemIds[i]));
    }
}
