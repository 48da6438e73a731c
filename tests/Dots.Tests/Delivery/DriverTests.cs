using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Delivery;

/// <summary>The driver role: only drivers are given routes; a driver sees only their own; anyone else gets 404.</summary>
public sealed class DriverTests(DeliveryPlatform platform) : IClassFixture<DeliveryPlatform>
{
    [Fact]
    public async Task OnlyDrivers_AreGivenRoutes_AndADriverSeesOnlyTheirOwn_AnyoneElseGets404()
    {
        var op = await platform.NewOperatorAsync();
        var (centreId, _) = await platform.CityAsync(op, 31.20, 121.40, vans: 3, vanUnits: 3);
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 100);
        var promise = await (await platform.CreateClient().GetAsync("/api/delivery/promise?latitude=31.2&longitude=121.4")).JsonAsync(HttpStatusCode.OK);
        for (var i = 0; i < 7; i++)
        {
            var buyer = await platform.NewUserAsync();
            (await buyer.PlaceOrderAsync(DeliveryPlatform.OrderTo(product.FirstVariantId(), 31.2 + i * 0.004, 121.4 - i * 0.003), "d" + i)).EnsureSuccessStatusCode();
        }
        var wave = await (await op.Http.PostAsJsonAsync("/api/ops/waves", new { date = DeliveryPlatform.Date(promise), centreId })).JsonAsync(HttpStatusCode.Created);
        var routes = wave["routes"]!.AsArray().Select(r => (string)r!["id"]!).ToList();
        Assert.True(routes.Count >= 3, $"{routes.Count} routes");
        var waveId = (string)wave["id"]!;

        var alice = await platform.NewUserAsync();
        var bob = await platform.NewUserAsync();
        var stranger = await platform.NewUserAsync();

        // A route goes only to a driver's account.
        var refused = await (await op.Http.PostAsJsonAsync($"/api/ops/routes/{routes[0]}/driver", new { email = alice.Email })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(refused["errors"]!["email"]);
        await (await op.Http.PostAsJsonAsync("/api/ops/delivery/drivers", new { email = "nobody@example.test", name = "X" })).JsonAsync(HttpStatusCode.BadRequest);
        await (await op.Http.PostAsJsonAsync("/api/ops/delivery/drivers", new { email = alice.Email })).JsonAsync(HttpStatusCode.BadRequest);
        await (await op.Http.PostAsJsonAsync("/api/ops/delivery/drivers", new { email = alice.Email, name = "Alice", phone = "010-1" })).JsonAsync(HttpStatusCode.Created);
        await (await op.Http.PostAsJsonAsync("/api/ops/delivery/drivers", new { email = alice.Email, name = "Alice K" })).JsonAsync(HttpStatusCode.OK);
        await (await op.Http.PostAsJsonAsync("/api/ops/delivery/drivers", new { email = bob.Email, name = "Bob" })).JsonAsync(HttpStatusCode.Created);
        await (await stranger.Http.PostAsJsonAsync("/api/ops/delivery/drivers", new { email = stranger.Email, name = "Me" })).JsonAsync(HttpStatusCode.Forbidden);
        (await op.Http.PostAsJsonAsync($"/api/ops/routes/{routes[0]}/driver", new { email = alice.Email })).EnsureSuccessStatusCode();

        // Alice sees her route and can open it; Bob (a driver without it) and a stranger get 404 on it.
        var mine = await (await alice.Http.GetAsync("/api/drive/routes")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([routes[0]], mine.AsArray().Select(r => (string)r!["id"]!).ToList());
        Assert.True((int)mine[0]!["stops"]! > 0);
        await (await alice.Http.GetAsync($"/api/drive/routes/{routes[0]}")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty((await (await bob.Http.GetAsync("/api/drive/routes")).JsonAsync(HttpStatusCode.OK)).AsArray());
        await (await bob.Http.GetAsync($"/api/drive/routes/{routes[0]}")).JsonAsync(HttpStatusCode.NotFound);
        await (await bob.Http.PostAsync($"/api/drive/routes/{routes[0]}/start", null)).JsonAsync(HttpStatusCode.NotFound);
        await (await stranger.Http.GetAsync($"/api/drive/routes/{routes[0]}")).JsonAsync(HttpStatusCode.NotFound);
        await (await stranger.Http.GetAsync("/api/drive/routes")).JsonAsync(HttpStatusCode.NotFound);
        await (await alice.Http.GetAsync($"/api/drive/routes/{routes[1]}")).JsonAsync(HttpStatusCode.NotFound);

        // The free drivers get a route each (Bob only: Alice has one in this wave).
        var assigned = await (await op.Http.PostAsync($"/api/ops/waves/{waveId}/assign-drivers", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)assigned["assigned"]!);
        var bobs = await (await bob.Http.GetAsync("/api/drive/routes")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(bobs.AsArray());
        Assert.NotEqual(routes[0], (string)bobs[0]!["id"]!);
        await (await op.Http.PostAsync("/api/ops/waves/nope/assign-drivers", null)).JsonAsync(HttpStatusCode.NotFound);
        var drivers = await (await op.Http.GetAsync("/api/ops/delivery/drivers")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(drivers.AsArray(), d => (string)d!["name"]! == "Alice K");
    }
}
