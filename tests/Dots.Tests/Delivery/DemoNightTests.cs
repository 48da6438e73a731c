using System.Net;
using System.Net.Http.Json;
using Dots.Infrastructure.Database;
using Dots.Modules.Delivery;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Delivery;

public sealed class DemoNightTests(DeliveryPlatform platform) : IClassFixture<DeliveryPlatform>
{
    [Fact]
    public async Task ADemoNightOf320Orders_IsPlannedWithinItsBudget_EveryRouteFeasible_NoOrderDroppedSilently()
    {
        var op = await platform.NewOperatorAsync();
        string centreId;
        DateOnly night;
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var setup = scope.ServiceProvider.GetRequiredService<DeliverySetup>();
            var centre = await setup.CreateCentreAsync(new CentreRequest("Demo night", null, DeliveryDemoSeed.Depot.Latitude, DeliveryDemoSeed.Depot.Longitude, null, null, null), CancellationToken.None);
            centreId = centre.Id;
            var zones = new List<ZoneDto>();
            foreach (var (name, nameKo, polygon) in DeliveryDemoSeed.Zones)
            {
                zones.Add(await setup.SaveZoneAsync(null, new ZoneRequest(name + " (test)", nameKo, centre.Id, polygon.ToList(), 150), CancellationToken.None));
            }
            for (var i = 1; i <= 14; i++)
            {
                await setup.AddVehicleAsync(new VehicleRequest(centre.Id, $"Van {i:00}", 90, 600), CancellationToken.None);
            }
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var entity = await db.Set<FulfilmentCentre>().AsNoTracking().FirstAsync(c => c.Id == centreId);
            night = DeliveryService.NightOf(entity, DateTimeOffset.UtcNow);
            DeliveryDemoSeed.AddNight(db, centreId, zones, night, DeliveryDemoSeed.DemoNightOrders, ["buyer"], [], new Dictionary<string, PackagingClass>(), new Random(7), DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        var wave = await (await op.Http.PostAsJsonAsync("/api/ops/waves", new { date = night.ToString("yyyy-MM-dd"), centreId })).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("Planned", (string)wave["status"]!);
        Assert.Equal(DeliveryDemoSeed.DemoNightOrders, (int)wave["orders"]!);
        var routed = wave["routes"]!.AsArray().Sum(r => r!["stops"]!.AsArray().Count);
        var unservable = wave["unservable"]!.AsArray();
        Assert.Equal(DeliveryDemoSeed.DemoNightOrders, routed + unservable.Count);
        Assert.All(unservable, u => Assert.False(string.IsNullOrEmpty((string?)u!["reason"])));
        Assert.Empty(unservable);
        WaveTests.AssertRoutesRespectTheNight(wave, 90, DeliveryService.DeliverByOf(new FulfilmentCentre { Id = "x", Name = "x" }, night), TimeSpan.FromHours(6));
        // The solver's budget is 2 s here; the whole wave (matrix, solve, checks, writes) is recorded on the wave.
        Assert.True((double)wave["planningSeconds"]! > 0);
    }
}
