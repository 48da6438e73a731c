namespace Dots.Routing.Tests;

/// <summary>The constraints of a real night, each solved and then judged by the independent checker.</summary>
public sealed class ConstraintTests
{
    private static readonly SolverOptions Quick = new() { TimeLimit = TimeSpan.FromMinutes(2), MaxIterations = 200, Seed = 3, PopulationSize = 10, GenerationSize = 10 };

    private static VrptwSolution SolveAndCheck(VrptwInstance instance, SolverOptions? options = null)
    {
        var solution = VrptwSolver.Solve(instance, options ?? Quick);
        var report = FeasibilityChecker.Check(instance, solution.Routes, solution.Unassigned.ToArray(), solution.RouteVehicles);
        Assert.True(report.IsFeasible, string.Join("; ", report.Violations));
        Assert.True(solution.IsFeasible);
        Assert.Equal(report.Distance, solution.Distance, 9);
        Assert.Equal(report.Cost, solution.Cost, 9);
        return solution;
    }

    private static List<VrptwStop> Customers(int seed, int count, double horizon = 400)
    {
        var rng = new Random(seed);
        return Enumerable.Range(1, count).Select(i => new VrptwStop(i, rng.Next(0, 101), rng.Next(0, 101), rng.Next(1, 10), 0, horizon - 80, 2)).ToList();
    }

    private static readonly VrptwStop Depot = new(0, 50, 50, 0, 0, 400, 0);

    private static int VehicleOf(VrptwSolution s, int customerId) =>
        s.RouteVehicles[s.Routes.Select((r, k) => (r, k)).Single(t => t.r.Contains(customerId)).k];

    [Fact]
    public void Solve_VolumeTighterThanWeight_KeepsEveryRouteWithinBothCapacities()
    {
        var customers = Customers(1, 30).Select(c => c with { Loads = [c.Demand, 10] }).ToList();
        var vans = Enumerable.Range(0, 6).Select(_ => new Vehicle { Capacities = [1000, 60] }).ToArray();
        var instance = VrptwInstance.FromCoordinates("volume", 6, 1000, Depot, customers, vehicles: vans);

        var solution = SolveAndCheck(instance);

        Assert.True(solution.Vehicles >= 5, "300 units of volume need at least five vans of 60");
        Assert.All(solution.Routes, r => Assert.True(r.Count <= 6));
    }

    [Fact]
    public void Solve_ChilledAndFrozenSlots_GoOnlyToVansThatHaveThem()
    {
        // Dimensions: weight, volume, chilled slots, frozen slots. Only van 1 has frozen slots.
        var customers = Customers(2, 20).Select((c, k) => c with { Loads = [c.Demand, 1, k % 3 == 0 ? 1 : 0, k % 5 == 0 ? 1 : 0] }).ToList();
        var vans = new[]
        {
            new Vehicle { Name = "dry", Capacities = [500, 50, 10, 0] },
            new Vehicle { Name = "freezer", Capacities = [500, 50, 10, 10] },
            new Vehicle { Name = "dry 2", Capacities = [500, 50, 10, 0] },
        };
        var instance = VrptwInstance.FromCoordinates("slots", 3, 500, Depot, customers, vehicles: vans);

        var solution = SolveAndCheck(instance);

        foreach (var c in customers.Where((_, k) => k % 5 == 0)) Assert.Equal(1, VehicleOf(solution, c.Id));
    }

    [Fact]
    public void Solve_HeterogeneousFleetWithFixedCosts_UsesTheCheapVanWhenEverythingFitsInIt()
    {
        var customers = Customers(3, 12);
        var vans = new[]
        {
            new Vehicle { Name = "truck", Capacities = [1000], FixedCost = 500 },
            new Vehicle { Name = "small van", Capacities = [200], FixedCost = 50 },
            new Vehicle { Name = "second van", Capacities = [200], FixedCost = 50 },
        };
        var instance = VrptwInstance.FromCoordinates("fleet", 3, 1000, Depot, customers, vehicles: vans);

        var solution = SolveAndCheck(instance);

        Assert.Single(solution.Routes);
        Assert.NotEqual(0, solution.RouteVehicles[0]);
        Assert.Equal(solution.Distance + 50, solution.Cost, 9);
    }

    [Fact]
    public void Solve_PinnedStop_RidesOnItsVanAndItsPrecedenceHolds()
    {
        var customers = Customers(4, 25);
        customers[3] = customers[3] with { Vehicle = 2 };
        customers[7] = customers[7] with { After = customers[12].Id };
        customers[12] = customers[12] with { After = customers[20].Id };
        var instance = VrptwInstance.FromCoordinates("pins", 4, 60, Depot, customers, vehicles: Enumerable.Range(0, 4).Select(_ => new Vehicle { Capacities = [60] }).ToArray());

        var solution = SolveAndCheck(instance);

        Assert.Equal(2, VehicleOf(solution, customers[3].Id));
        var route = solution.Routes.Single(r => r.Contains(customers[7].Id)).ToList();
        Assert.True(route.IndexOf(customers[20].Id) < route.IndexOf(customers[12].Id));
        Assert.True(route.IndexOf(customers[12].Id) < route.IndexOf(customers[7].Id));
    }

    [Fact]
    public void Solve_VansStartingAndEndingAtTheirOwnPlacesWithinShifts_RespectTheirShifts()
    {
        var customers = Customers(5, 20, horizon: 1000).Select(c => c with { DueTime = 1000 }).ToList();
        var places = new[] { new VrptwStop(900, 0, 0, 0, 0, 1000, 0), new VrptwStop(901, 100, 100, 0, 0, 1000, 0) };
        int p0 = customers.Count + 1, p1 = customers.Count + 2;
        var vans = new[]
        {
            new Vehicle { Capacities = [100], StartNode = p0, EndNode = p1, ShiftStart = 100, ShiftEnd = 400 },
            new Vehicle { Capacities = [100], StartNode = p1, EndNode = 0, ShiftStart = 0, ShiftEnd = 300, MaxDuration = 200 },
        };
        var instance = VrptwInstance.FromCoordinates("shifts", 2, 100, Depot with { DueTime = 1000 }, customers, vehicles: vans, places: places);

        var solution = SolveAndCheck(instance);

        Assert.Equal(20, solution.Routes.Sum(r => r.Count));
    }

    [Fact]
    public void Solve_AsymmetricTravelTimes_AreFollowedInTheDirectionDriven()
    {
        var customers = Customers(6, 15);
        int n = customers.Count + 1;
        var dist = new double[n, n];
        var time = new double[n, n];
        var rng = new Random(6);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                var a = i == 0 ? Depot : customers[i - 1];
                var b = j == 0 ? Depot : customers[j - 1];
                double d = Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
                dist[i, j] = d * (i < j ? 1.0 : 1.6) + rng.Next(0, 5); // one-way streets: back is longer
                time[i, j] = dist[i, j] * 1.2;
            }
        var instance = VrptwInstance.FromMatrices("asym", 4, 60, Depot, customers, dist, time);

        var solution = SolveAndCheck(instance);
        var reversed = FeasibilityChecker.Check(instance, solution.Routes.Select(r => (IReadOnlyList<int>)r.Reverse().ToList()).ToList());

        Assert.NotEqual(solution.Distance, reversed.Distance, 3);
    }

    [Fact]
    public void Solve_DriverBreakAsAPinnedStopAtTheHub_IsTakenInsideItsWindow()
    {
        // A 30-minute break between 150 and 200, taken at the hub: a stop without load pinned to the van.
        var customers = Customers(7, 12);
        customers.Add(new VrptwStop(100, 50, 50, 0, 150, 200, 30) { Vehicle = 0 });
        var instance = VrptwInstance.FromCoordinates("break", 2, 200, Depot, customers, vehicles: [new Vehicle { Capacities = [200] }, new Vehicle { Capacities = [200] }]);

        var solution = SolveAndCheck(instance);

        Assert.Equal(0, VehicleOf(solution, 100));
    }

    [Fact]
    public void Solve_StopsOverEveryVansCapacityOrOutOfReach_AreReportedWithAReason()
    {
        var customers = Customers(8, 10);
        customers[0] = customers[0] with { Loads = [5, 999] };
        customers[1] = customers[1] with { ReadyTime = 0, DueTime = 1 };
        var instance = VrptwInstance.FromCoordinates("unservable", 2, 100, Depot, customers,
            vehicles: [new Vehicle { Capacities = [100, 50] }, new Vehicle { Capacities = [100, 80] }]);

        var solution = SolveAndCheck(instance, Quick with { AllowDropping = true });

        Assert.Equal([customers[0].Id, customers[1].Id], solution.Unassigned.Order());
        Assert.Contains("every vehicle's capacity", solution.UnassignedReasons[customers[0].Id]);
        Assert.Contains("after its due time", solution.UnassignedReasons[customers[1].Id]);
        var error = Assert.Throws<UnservableCustomerException>(() => VrptwSolver.Solve(instance, Quick));
        Assert.Equal(customers[0].Id, error.CustomerId);
    }

    [Fact]
    public void Solve_StopThatMustFollowAnUnservableStop_IsReportedAsUnservableToo()
    {
        var customers = Customers(9, 8);
        customers[0] = customers[0] with { Loads = [999] };
        customers[1] = customers[1] with { After = customers[0].Id };
        customers[2] = customers[2] with { After = customers[1].Id };
        var instance = VrptwInstance.FromCoordinates("chain", 2, 100, Depot, customers, vehicles: [new Vehicle { Capacities = [100] }, new Vehicle { Capacities = [100] }]);

        var solution = SolveAndCheck(instance, Quick with { AllowDropping = true });

        Assert.Equal([customers[0].Id, customers[1].Id, customers[2].Id], solution.Unassigned.Order());
        Assert.Contains($"must follow customer {customers[0].Id}", solution.UnassignedReasons[customers[1].Id]);
    }

    [Fact]
    public void Checker_RouteThatBreaksAPinAPrecedenceOrASecondDimension_NamesEachRule()
    {
        var customers = new List<VrptwStop>
        {
            new(1, 10, 10, 5, 0, 400, 0) { Loads = [5, 70], Vehicle = 1 },
            new(2, 20, 20, 5, 0, 400, 0) { After = 3 },
            new(3, 30, 30, 5, 0, 400, 0),
        };
        var instance = VrptwInstance.FromCoordinates("broken", 2, 100, Depot, customers,
            vehicles: [new Vehicle { Capacities = [100, 50] }, new Vehicle { Capacities = [100, 50], Served = [] }]);

        var report = FeasibilityChecker.Check(instance, [[1, 2, 3]], routeVehicles: [0]);

        Assert.False(report.IsFeasible);
        Assert.Contains(report.Violations, v => v.Contains("pinned to vehicle 1"));
        Assert.Contains(report.Violations, v => v.Contains("must come after customer 3"));
        Assert.Contains(report.Violations, v => v.Contains("in dimension 1"));
    }
}
