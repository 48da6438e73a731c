using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Delivery;

/// <summary>
/// `dots bench delivery`: a Seoul-like night (the demo's zones and fleet, N orders) frozen into a wave and planned by the
/// same code the background planner runs, on a throwaway SQLite database. Reports the night's planning time, distance
/// per order and lateness, beside the baseline measured in the same run: every order driven on its own (depot, door, depot).
/// </summary>
internal static class DeliveryBench
{
    public static Command Create()
    {
        var orders = new Option<int>("--orders") { Description = "Orders in the night.", DefaultValueFactory = _ => 320 };
        var vans = new Option<int>("--vans") { Description = "Vans of 90 units.", DefaultValueFactory = _ => 14 };
        var budget = new Option<double>("--budget") { Description = "Solver budget in seconds (Delivery:PlanningBudget).", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the night's addresses.", DefaultValueFactory = _ => 2026 };
        var command = new Command("delivery", "Plan a Seoul-like night of N orders as a wave; planning time, km per order, lateness, ratio to one trip per order.")
        {
            orders, vans, budget, seed,
        };
        command.SetAction(async (parse, ct) => await RunAsync(parse.GetValue(orders), parse.GetValue(vans), parse.GetValue(budget), parse.GetValue(seed), ct));
        return command;
    }

    private static async Task<int> RunAsync(int orders, int vans, double budget, int seed, CancellationToken ct)
    {
        if (orders < 1 || vans < 1 || budget <= 0)
        {
            Console.Error.WriteLine("--orders, --vans and --budget must be positive.");
            return 2;
        }
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-bench-delivery-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var app = DotsApp.Build([$"--DataDir={dataDir}", "--Seed:Demo=false", "--Logging:LogLevel:Default=Warning",
                $"--Delivery:PlanningBudget={TimeSpan.FromSeconds(budget).ToString("c", CultureInfo.InvariantCulture)}"]);
            string waveId;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
                await DatabaseSetup.MigrateAsync(db, ct);
                var setup = scope.ServiceProvider.GetRequiredService<DeliverySetup>();
                var centre = await setup.CreateCentreAsync(new CentreRequest("Bench centre", null, DeliveryDemoSeed.Depot.Latitude, DeliveryDemoSeed.Depot.Longitude, null, null, null), ct);
                var zones = new List<ZoneDto>();
                foreach (var (name, nameKo, polygon) in DeliveryDemoSeed.Zones)
                {
                    zones.Add(await setup.SaveZoneAsync(null, new ZoneRequest(name, nameKo, centre.Id, polygon.ToList(), orders), ct));
                }
                for (var i = 1; i <= vans; i++)
                {
                    await setup.AddVehicleAsync(new VehicleRequest(centre.Id, $"Van {i:00}", 90, 600), ct);
                }
                var night = new DateOnly(2026, 11, 28);
                DeliveryDemoSeed.AddNight(db, centre.Id, zones, night, orders, ["bench"], [], new Dictionary<string, PackagingClass>(), new Random(seed), DateTimeOffset.UtcNow);
                await db.SaveChangesAsync(ct);
                (waveId, _) = await scope.ServiceProvider.GetRequiredService<WaveService>().CreateAsync(centre.Id, night, "bench", ct);
            }
            var watch = Stopwatch.StartNew();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<WaveRouting>().PlanAsync(waveId, ct);
            }
            var wall = watch.Elapsed.TotalSeconds;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var wave = (await scope.ServiceProvider.GetRequiredService<WaveService>().GetAsync(waveId, ct, withPickLists: false))!;
                var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
                var bookings = await db.Set<DeliveryBooking>().AsNoTracking().Where(b => b.WaveId == waveId).ToListAsync(ct);
                var matrix = scope.ServiceProvider.GetRequiredService<ITravelMatrix>();
                var (km, _) = matrix.Build([DeliveryDemoSeed.Depot, .. bookings.Select(b => new GeoPoint(b.Latitude, b.Longitude))]);
                var direct = Enumerable.Range(1, bookings.Count).Sum(i => km[0, i] + km[i, 0]);
                var routed = wave.Routes.Sum(r => r.Stops.Count);
                var lateness = wave.Routes.Sum(r => r.LatenessMinutes);
                var inv = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(inv, $"orders={orders} vans={vans} budget={budget}s status={wave.Status} routes={wave.Routes.Count} routed={routed} unservable={wave.Unservable.Count}"));
                Console.WriteLine(string.Create(inv, $"planning: {wall:0.00} s wall (solver budget {budget:0.##} s), recorded on the wave {wave.PlanningSeconds:0.00} s"));
                Console.WriteLine(string.Create(inv, $"distance: {wave.Distance:0.0} km, {wave.Distance / Math.Max(1, routed):0.00} km per order; lateness {lateness:0.0} min"));
                Console.WriteLine(string.Create(inv, $"baseline (one trip per order): {direct:0.0} km, {direct / Math.Max(1, bookings.Count):0.00} km per order; ratio planned/baseline = {wave.Distance / direct:0.000}"));
                Console.WriteLine(string.Create(inv, $"load average: {LoadAverage()}"));
            }
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
