namespace Dots.Routing.Tests;

/// <summary>The "real night" example of docs/routing.md, with coordinates instead of road matrices.</summary>
public sealed class DocumentationExampleTests
{
    [Fact]
    public void RealNightExample_PlansEveryStopWithinItsRulesAndExplainsWhatItCannotServe()
    {
        var depot = new VrptwStop(0, 0, 0, 0, ReadyTime: 0, DueTime: 600, ServiceTime: 0);
        var stops = new List<VrptwStop>
        {
            new(101, 3.2, 1.1, 0, 30, 120, 4) { Loads = [12, 40, 1, 0] },
            new(102, 2.9, 0.4, 0, 60, 240, 4) { Loads = [8, 25, 0, 2] },
            new(103, 1.0, 2.5, 0, 0, 600, 3) { Loads = [30, 90, 0, 0], Vehicle = 1 },
            new(104, 1.2, 2.6, 0, 0, 600, 3) { Loads = [5, 10, 0, 0], After = 103 },
            new(900, 0, 0, 0, 240, 300, 30) { Vehicle = 0 },
            new(105, 2.0, 2.0, 0, 0, 600, 3) { Loads = [5000, 1, 0, 0] },   // heavier than any van
        };
        var places = new[] { new VrptwStop(7001, 5, 5, 0, 0, 600, 0) };
        var vans = new[]
        {
            new Vehicle { Name = "small", Capacities = [600, 2000, 4, 0], FixedCost = 20 },
            new Vehicle { Name = "freezer", Capacities = [900, 3000, 6, 8], FixedCost = 35, MaxDuration = 480 },
            new Vehicle { Name = "home start", Capacities = [600, 2000, 4, 0], StartNode = stops.Count + 1, EndNode = 0, ShiftStart = 60, ShiftEnd = 540 },
        };
        var instance = VrptwInstance.FromCoordinates("night", vans.Length, 0, depot, stops, speed: 0.1, vehicles: vans, places: places);

        var plan = VrptwSolver.Solve(instance, new SolverOptions { MaxIterations = 50, TimeLimit = TimeSpan.FromMinutes(1), AllowDropping = true });

        var report = FeasibilityChecker.Check(instance, plan.Routes, plan.Unassigned.ToArray(), plan.RouteVehicles);
        Assert.True(report.IsFeasible, string.Join("; ", report.Violations));
        Assert.Equal([105], plan.Unassigned);
        Assert.Contains("every vehicle's capacity", plan.UnassignedReasons[105]);
        int VanOf(int id) => plan.RouteVehicles[plan.Routes.Select((r, k) => (r, k)).Single(t => t.r.Contains(id)).k];
        Assert.Equal(1, VanOf(102));   // frozen slots: only the freezer has them
        Assert.Equal(1, VanOf(103));
        Assert.Equal(1, VanOf(104));
        Assert.Equal(0, VanOf(900));
    }
}
