using Dots.Recommend.Serving;

namespace Dots.Recommend.Tests;

public sealed class LibraryShapeTests
{
    [Fact]
    public void TheLibrary_DependsOnTheBaseClassLibraryOnly()
    {
        var references = typeof(Recommender).Assembly.GetReferencedAssemblies().Select(a => a.Name!);

        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"{name} is not part of the base class library"));
    }

    [Fact]
    public void BatchRecommendations_MatchSingleRequests_ForEveryUser()
    {
        var model = Recommender.Train(TestData.CoPurchasedPairs(users: 80));
        var users = model.Data.UserIdList.Take(20).ToList();

        var batch = model.RecommendBatch(users, 10, excludeSeen: true);

        for (var u = 0; u < users.Count; u++)
        {
            Assert.Equal(model.ForUser(users[u], new RecommendRequest { Count = 10 }).Select(r => r.ItemId), batch[u]);
        }
    }
}
