using Dots.Modules.Stores;

namespace Dots.Tests.Stores;

public sealed class FulfilmentRouterTests
{
    private static RouteCandidate C(string id, double? lat, double? lon, params (string V, int N)[] stock) =>
        new(id, id, lat, lon, stock.ToDictionary(s => s.V, s => s.N));

    private static readonly RouteLine[] TwoItems = [new("a", 1), new("b", 2)];

    [Fact]
    public void OneLocationWithEverything_BeatsANearerOneWithPart()
    {
        var route = FulfilmentRouter.Route(TwoItems, [C("near", 37.50, 127.03, ("a", 5)), C("far", 37.60, 127.10, ("a", 1), ("b", 2))], 37.50, 127.03)!;
        Assert.All(route, r => Assert.Equal("far", r.LocationId));
        Assert.Contains("only location", route[0].Reason);
    }

    [Fact]
    public void AmongLocationsWithEverything_TheNearestWins()
    {
        var route = FulfilmentRouter.Route(TwoItems, [C("far", 37.60, 127.10, ("a", 9), ("b", 9)), C("near", 37.51, 127.04, ("a", 1), ("b", 2))], 37.50, 127.03)!;
        Assert.All(route, r => Assert.Equal("near", r.LocationId));
        Assert.Contains("nearest", route[0].Reason);
    }

    [Fact]
    public void EquallyNear_TheOneWithMoreStockLeftWins()
    {
        var route = FulfilmentRouter.Route(TwoItems, [C("thin", null, null, ("a", 1), ("b", 2)), C("deep", null, null, ("a", 4), ("b", 6))], null, null)!;
        Assert.All(route, r => Assert.Equal("deep", r.LocationId));
        Assert.Contains("most stock", route[0].Reason);
    }

    [Fact]
    public void NoSingleLocation_SplitsNearestFirst_OnlyAsMuchAsNeeded()
    {
        var route = FulfilmentRouter.Route([new RouteLine("a", 3)], [C("x", 37.60, 127.10, ("a", 2)), C("y", 37.51, 127.04, ("a", 2))], 37.50, 127.03)!;
        Assert.Equal([("y", 2), ("x", 1)], route.Select(r => (r.LocationId, r.Quantity)).ToArray());
        Assert.All(route, r => Assert.StartsWith("split", r.Reason));
    }

    [Fact]
    public void NotEnoughAnywhere_IsNull() =>
        Assert.Null(FulfilmentRouter.Route([new RouteLine("a", 5)], [C("x", null, null, ("a", 2)), C("y", null, null, ("a", 2))], null, null));
}
