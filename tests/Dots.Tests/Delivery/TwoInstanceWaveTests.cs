using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.Delivery;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dots.Tests.Delivery;

/// <summary>Two hosts on one PostgreSQL, both running the cut-off job and taking operators' POST /api/ops/waves at once: one wave, planned once.</summary>
public sealed class TwoInstanceWaveTests(DeliveryPlatform platform) : IClassFixture<DeliveryPlatform>
{
    [PostgresFact]
    public async Task TwoInstancesOnOnePostgres_TheCutoffJobAndOperatorsAtOnce_MakeOneWave_PlannedOnce()
    {
        var op = await platform.NewOperatorAsync();
        var (centreId, _) = await platform.CityAsync(op, 52.52, 13.40);
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 100);
        var promise = await (await platform.CreateClient().GetAsync("/api/delivery/promise?latitude=52.52&longitude=13.4")).JsonAsync(HttpStatusCode.OK);
        var orders = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var buyer = await platform.NewUserAsync();
            var order = await (await buyer.PlaceOrderAsync(DeliveryPlatform.OrderTo(product.FirstVariantId(), 52.52 + i * 0.005, 13.40 - i * 0.004), "two" + i)).JsonAsync(HttpStatusCode.Created);
            orders.Add((string)order["id"]!);
        }
        var date = DeliveryPlatform.Date(promise);

        // A second host on the same database (WithWebHostBuilder keeps the fixture's data directory and database).
        await using var second = platform.WithWebHostBuilder(_ => { });
        _ = second.Services;
        var secondOp = second.CreateClient();
        secondOp.DefaultRequestHeaders.Authorization = op.Http.DefaultRequestHeaders.Authorization;
        // Each host's cut-off job runs as if it were 30 s past tonight's cut-off.
        var afterCutoff = new FakeTimeProvider(DateTimeOffset.Parse((string)promise["cutoff"]!).AddSeconds(30));

        async Task<string?> RunJobAsync(WebApplicationFactory<Program> host)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            await new NightlyWaveJob(sp.GetRequiredService<DotsDbContext>(), sp.GetRequiredService<WaveService>(), sp.GetRequiredService<WavePlanner>(), afterCutoff)
                .Execute(null!, CancellationToken.None);
            return null;
        }
        async Task<string?> PostAsync(HttpClient client)
        {
            var response = await client.PostAsJsonAsync("/api/ops/waves", new { date, centreId });
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{response.StatusCode}");
            return response.StatusCode + " " + (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
        }

        var results = await Task.WhenAll(
            Task.Run(() => RunJobAsync(platform)), Task.Run(() => RunJobAsync(second)),
            Task.Run(() => PostAsync(op.Http)), Task.Run(() => PostAsync(secondOp)),
            Task.Run(() => PostAsync(op.Http)), Task.Run(() => PostAsync(secondOp)));

        var answers = results.OfType<string>().ToList();
        Assert.True(answers.Count(a => a.StartsWith("Created", StringComparison.Ordinal)) <= 1, string.Join(", ", answers));
        var ids = answers.Select(a => a.Split(' ')[1]).Distinct().ToList();
        Assert.Single(ids);
        var waves = await platform.DbAsync(db => db.Set<DeliveryWave>().AsNoTracking().Where(w => w.CentreId == centreId && w.Date == date).ToListAsync());
        var wave = Assert.Single(waves);
        Assert.Equal(ids[0], wave.Id);
        Assert.Equal(6, wave.Orders);

        // Planned once, by one of the two planners: revision 1, every order on exactly one route.
        await Eventually.UntilAsync(async () => (string)(await (await secondOp.GetAsync($"/api/ops/waves/{wave.Id}")).JsonAsync(HttpStatusCode.OK))["status"]! == "Planned", "the wave is planned");
        var planned = await (await op.Http.GetAsync($"/api/ops/waves/{wave.Id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)planned["revision"]!);
        var stops = planned["routes"]!.AsArray().SelectMany(r => r!["stops"]!.AsArray()).Select(s => (string)s!["orderId"]!).ToList();
        Assert.Equal(orders.Order(), stops.Order());
        var routeRows = await platform.DbAsync(db => db.Set<DeliveryRoute>().AsNoTracking().CountAsync(r => r.WaveId == wave.Id));
        Assert.Equal(planned["routes"]!.AsArray().Count, routeRows);
    }
}
