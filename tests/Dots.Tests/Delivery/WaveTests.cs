using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.Delivery;
using Dots.Routing;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Delivery;

public sealed class WaveTests(DeliveryPlatform platform) : IClassFixture<DeliveryPlatform>
{
    private async Task<(UserClient Op, string CentreId, string Date, List<(UserClient Buyer, string OrderId)> Orders)> NightAsync(double lat, double lon, int orders, int vans = 4)
    {
        var op = await platform.NewOperatorAsync();
        var (centreId, _) = await platform.CityAsync(op, lat, lon, capacity: 500, vans: vans);
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 1000);
        var promise = await (await platform.CreateClient().GetAsync(FormattableString.Invariant($"/api/delivery/promise?latitude={lat}&longitude={lon}"))).JsonAsync(HttpStatusCode.OK);
        var random = new Random(orders);
        var placed = new List<(UserClient, string)>();
        for (var i = 0; i < orders; i++)
        {
            var buyer = await platform.NewUserAsync();
            var order = await (await buyer.PlaceOrderAsync(DeliveryPlatform.OrderTo(product.FirstVariantId(), lat + (random.NextDouble() - 0.5) * 0.09, lon + (random.NextDouble() - 0.5) * 0.09), "w" + i))
                .JsonAsync(HttpStatusCode.Created);
            placed.Add((buyer, (string)order["id"]!));
        }
        return (op, centreId, DeliveryPlatform.Date(promise), placed);
    }

    [Fact]
    public async Task RunningAWave_FreezesTheNight_AndPlansFeasibleRoutesWithEtasBySevenAm()
    {
        var (op, centreId, date, orders) = await NightAsync(34.70, 135.50, 12);

        var wave = await (await op.Http.PostAsJsonAsync("/api/ops/waves", new { date, centreId })).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(date, (string)wave["date"]!);
        Assert.Equal(12, (int)wave["orders"]!);
        Assert.Equal("Planned", (string)wave["status"]!);
        var stops = wave["routes"]!.AsArray().SelectMany(r => r!["stops"]!.AsArray()).Select(s => (string)s!["orderId"]!).ToList();
        Assert.Equal(orders.Select(o => o.OrderId).Order(), stops.Order());
        Assert.NotEmpty(wave["pickLists"]!.AsArray());
        var deliverBy = DateTimeOffset.Parse(date + "T07:00:00+09:00").AddDays(1);
        AssertRoutesRespectTheNight(wave, 40, deliverBy, TimeSpan.FromHours(6));
        await AssertLibraryCheckerAgreesAsync((string)wave["id"]!);

        // Tracking: the buyer sees the ETA; another user gets 404.
        var (buyer, orderId) = orders[0];
        var tracking = await (await buyer.Http.GetAsync($"/api/orders/{orderId}/tracking")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Preparing", (string)tracking["status"]!);
        Assert.NotNull((string?)tracking["eta"]);
        await (await orders[1].Buyer.Http.GetAsync($"/api/orders/{orderId}/tracking")).JsonAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AWave_RunsExactlyOnce_HoweverManyAskAtOnce()
    {
        var (op, centreId, date, _) = await NightAsync(33.50, 126.50, 3);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => op.Http.PostAsJsonAsync("/api/ops/waves", new { date, centreId })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK));
        var ids = await Task.WhenAll(responses.Select(async r => (string)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await platform.DbAsync(db => db.Set<DeliveryWave>().CountAsync(w => w.CentreId == centreId && w.Date == date)));
        // A cut-off job that runs afterwards finds the wave there.
        await using var scope = platform.Services.CreateAsyncScope();
        var (again, created) = await scope.ServiceProvider.GetRequiredService<WaveService>().CreateAsync(centreId, DateOnly.Parse(date), "job", CancellationToken.None);
        Assert.False(created);
        Assert.Equal(ids[0], again);
    }

    [Fact]
    public async Task ABrokenDownVan_IsReplanned_KeepingTheStopsItAlreadyDrove_AndACancelledOrderLeavesItsRoute()
    {
        var (op, centreId, date, orders) = await NightAsync(35.70, 139.70, 16, vans: 3);
        var wave = await (await op.Http.PostAsJsonAsync("/api/ops/waves", new { date, centreId })).JsonAsync(HttpStatusCode.Created);
        var waveId = (string)wave["id"]!;
        var route = wave["routes"]!.AsArray().OrderByDescending(r => r!["stops"]!.AsArray().Count).First()!;
        var routeId = (string)route["id"]!;
        var driven = route["stops"]!.AsArray().Take(2).Select(s => (string)s!["orderId"]!).ToList();
        Assert.True(route["stops"]!.AsArray().Count > 2);

        await (await op.Http.PostAsync($"/api/drive/routes/{routeId}/start", null)).JsonAsync(HttpStatusCode.OK);
        foreach (var orderId in driven)
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]), "photo", "proof.png" } };
            await (await op.Http.PostAsync($"/api/drive/routes/{routeId}/stops/{orderId}/delivered", form)).JsonAsync(HttpStatusCode.OK);
        }
        (await op.Http.PostAsync($"/api/ops/routes/{routeId}/breakdown", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => (string)(await (await op.Http.GetAsync($"/api/ops/waves/{waveId}")).JsonAsync(HttpStatusCode.OK))["status"]! == "Planned"
            && (int)(await (await op.Http.GetAsync($"/api/ops/waves/{waveId}")).JsonAsync(HttpStatusCode.OK))["revision"]! >= 2, "the re-plan");

        var replanned = await (await op.Http.GetAsync($"/api/ops/waves/{waveId}")).JsonAsync(HttpStatusCode.OK);
        var broken = replanned["routes"]!.AsArray().Single(r => (string)r!["id"]! == routeId)!;
        // Only what must change: every other van keeps its stops in their order (the orphans are inserted among them).
        var orphans = route["stops"]!.AsArray().Skip(2).Select(s => (string)s!["orderId"]!).ToHashSet();
        foreach (var before in wave["routes"]!.AsArray().Where(r => (string)r!["id"]! != routeId))
        {
            var kept = replanned["routes"]!.AsArray().Single(r => (string)r!["id"]! == (string)before!["id"]!)!;
            Assert.Equal(StopsOf(before!), StopsOf(kept).Where(id => !orphans.Contains(id)).ToList());
        }
        Assert.Equal("BrokenDown", (string)broken["status"]!);
        Assert.Equal(driven, broken["stops"]!.AsArray().Select(s => (string)s!["orderId"]!).ToList());
        var everywhere = replanned["routes"]!.AsArray().SelectMany(r => r!["stops"]!.AsArray()).Select(s => (string)s!["orderId"]!)
            .Concat(replanned["unservable"]!.AsArray().Select(u => (string)u!["orderId"]!)).ToList();
        Assert.Equal(orders.Select(o => o.OrderId).Order(), everywhere.Order());
        AssertRoutesRespectTheNight(replanned, 40, DateTimeOffset.Parse(date + "T07:00:00+09:00").AddDays(1), TimeSpan.FromHours(6), skipStatus: "BrokenDown");

        // A cancelled order leaves its route (and its slot) and the wave re-plans around it.
        var (buyer, cancelled) = orders.First(o => !driven.Contains(o.OrderId));
        (await buyer.Http.PostAsync($"/api/orders/{cancelled}/cancel", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () =>
        {
            var w = await (await op.Http.GetAsync($"/api/ops/waves/{waveId}")).JsonAsync(HttpStatusCode.OK);
            return (string)w["status"]! == "Planned" && !w["routes"]!.AsArray().SelectMany(r => r!["stops"]!.AsArray()).Any(s => (string)s!["orderId"]! == cancelled);
        }, "the cancelled order leaves the plan");
        var after = await (await op.Http.GetAsync($"/api/ops/waves/{waveId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(driven, after["routes"]!.AsArray().Single(r => (string)r!["id"]! == routeId)!["stops"]!.AsArray().Select(s => (string)s!["orderId"]!).ToList());
        // Only what must change: the cancelled stop's route loses it, every route keeps its other stops in their order.
        foreach (var before in replanned["routes"]!.AsArray())
        {
            var now = after["routes"]!.AsArray().Single(r => (string)r!["id"]! == (string)before!["id"]!)!;
            Assert.Equal(StopsOf(before!).Where(id => id != cancelled).ToList(), StopsOf(now));
        }
    }

    private static List<string> StopsOf(JsonNode route) => route["stops"]!.AsArray().Select(s => (string)s!["orderId"]!).ToList();

    /// <summary>An independent check on the published routes: load within the van, every ETA by the deliver-by time and in order, duration within the maximum.</summary>
    internal static void AssertRoutesRespectTheNight(JsonNode wave, int vanUnits, DateTimeOffset deliverBy, TimeSpan maxDuration, string? skipStatus = null)
    {
        foreach (var route in wave["routes"]!.AsArray().Where(r => (string)r!["status"]! != skipStatus))
        {
            Assert.True((int)route!["load"]! <= vanUnits, $"route {(string)route["vehicle"]!} carries {(int)route["load"]!} units");
            Assert.True((double)route["durationMinutes"]! <= maxDuration.TotalMinutes + 1e-6);
            Assert.Equal(0, (double)route["latenessMinutes"]!);
            DateTimeOffset? previous = null;
            foreach (var stop in route["stops"]!.AsArray())
            {
                var eta = DateTimeOffset.Parse((string)stop!["eta"]!);
                Assert.True(eta <= deliverBy, $"stop {(string)stop["orderId"]!} at {eta} is after {deliverBy}");
                Assert.True(previous is null || eta >= previous);
                previous = eta;
            }
        }
    }

    private async Task AssertLibraryCheckerAgreesAsync(string waveId)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        var night = await scope.ServiceProvider.GetRequiredService<WaveRouting>().BuildAsync(waveId, CancellationToken.None);
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var routes = await db.Set<DeliveryRoute>().AsNoTracking().Where(r => r.WaveId == waveId).ToListAsync();
        var idOf = night.Bookings.Select((b, i) => (b.OrderId, i)).ToDictionary(x => x.OrderId, x => x.i + 1);
        var plan = routes.Select(r => (Stops: (IReadOnlyList<int>)night.Bookings.Where(b => b.RouteId == r.Id).OrderBy(b => b.Sequence).Select(b => idOf[b.OrderId]).ToList(),
            Vehicle: night.Vehicles.FindIndex(v => v.Id == r.VehicleId))).ToList();
        var report = FeasibilityChecker.Check(night.Instance, plan.Select(p => p.Stops), null, plan.Select(p => p.Vehicle).ToList());
        Assert.True(report.IsFeasible, string.Join("; ", report.Violations));
    }
}
