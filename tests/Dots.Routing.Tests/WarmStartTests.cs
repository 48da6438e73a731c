namespace Dots.Routing.Tests;

/// <summary>
/// Re-planning from an existing plan. The warm-started runs have no iterations at all (MaxIterations = 0),
/// so what they return is the old plan adapted by the local search alone: fast by construction, and
/// independent of the machine's speed.
/// </summary>
public sealed class WarmStartTests
{
    private static readonly SolverOptions Plan = new() { TimeLimit = TimeSpan.FromMinutes(2), MaxIterations = 40, Seed = 5, PopulationSize = 8, GenerationSize = 8 };
    private static readonly SolverOptions WarmOnly = new() { TimeLimit = TimeSpan.FromMinutes(2), MaxIterations = 0, Seed = 5 };

    private static VrptwInstance Night(IReadOnlyList<Vehicle>? vans = null, IReadOnlyList<VrptwStop>? extra = null)
    {
        var random = TestData.Random(11, 300, 40, 200, horizon: 1000, tightWindows: false);
        var customers = random.Customers.Concat(extra ?? []).ToList();
        vans ??= Enumerable.Range(0, 40).Select(_ => new Vehicle { Capacities = [200] }).ToArray();
        return VrptwInstance.FromCoordinates("night", vans.Count, 200, random.Depot, customers, vehicles: vans);
    }

    private static VrptwSolution SolveAndCheck(VrptwInstance instance, SolverOptions options)
    {
        var solution = VrptwSolver.Solve(instance, options);
        var report = FeasibilityChecker.Check(instance, solution.Routes, solution.Unassigned.ToArray(), solution.RouteVehicles);
        Assert.True(report.IsFeasible, string.Join("; ", report.Violations));
        Assert.True(solution.IsFeasible);
        return solution;
    }

    /// <summary>The plan as one list of customer ids per vehicle index, as <see cref="SolverOptions.InitialRoutes"/> takes it.</summary>
    private static IReadOnlyList<IReadOnlyList<int>> PerVehicle(VrptwSolution plan, int vehicles)
    {
        var result = Enumerable.Range(0, vehicles).Select(_ => (IReadOnlyList<int>)[]).ToArray();
        for (int k = 0; k < plan.Routes.Count; k++) result[plan.RouteVehicles[k]] = plan.Routes[k];
        return result;
    }

    [Fact]
    public void WarmStart_AfterAnOrderIsCancelled_ReturnsAFeasiblePlanWithoutItFromTheOldPlanAlone()
    {
        var night = Night();
        var plan = SolveAndCheck(night, Plan);
        int cancelled = plan.Routes[0][1];

        var replanned = SolveAndCheck(night.WithoutCustomers([cancelled]), WarmOnly with { InitialRoutes = PerVehicle(plan, 40) });

        Assert.DoesNotContain(replanned.Routes, r => r.Contains(cancelled));
        Assert.Equal(299, replanned.Routes.Sum(r => r.Count));
        Assert.True(replanned.Distance <= plan.Distance + 1e-6, "removing a stop and re-optimising locally never lengthens the plan");
    }

    [Fact]
    public void WarmStart_WhenAVanBreaksDown_KeepsEveryServedStopAndMovesTheRestToOtherVans()
    {
        var night = Night();
        var plan = SolveAndCheck(night, Plan);
        var routes = PerVehicle(plan, 40);
        int broken = plan.RouteVehicles[0];
        // Every van in use has driven its first stop; the broken one its first two, and goes no further.
        var vans = Enumerable.Range(0, 40).Select(v => new Vehicle
        {
            Capacities = [200],
            Served = routes[v].Take(v == broken ? 2 : 1).ToArray(),
            Closed = v == broken,
        }).ToArray();

        var replanned = SolveAndCheck(night.WithVehicles(vans), WarmOnly with { InitialRoutes = routes });

        var brokenRoute = replanned.Routes[replanned.RouteVehicles.ToList().IndexOf(broken)];
        Assert.Equal(routes[broken].Take(2), brokenRoute);
        for (int k = 0; k < replanned.Routes.Count; k++)
            Assert.Equal(vans[replanned.RouteVehicles[k]].Served, replanned.Routes[k].Take(vans[replanned.RouteVehicles[k]].Served.Count));
        Assert.Equal(300, replanned.Routes.Sum(r => r.Count));
    }

    [Fact]
    public void WarmStart_WithANewStopPinnedToAVan_PutsItOnThatVan()
    {
        var night = Night();
        var plan = SolveAndCheck(night, Plan);
        var newStop = new VrptwStop(5000, 20, 80, 1, 0, 900, 5) { Vehicle = plan.RouteVehicles[1] };

        var replanned = SolveAndCheck(Night(extra: [newStop]), WarmOnly with { InitialRoutes = PerVehicle(plan, 40) });

        int k = replanned.Routes.Select((r, i) => (r, i)).Single(t => t.r.Contains(5000)).i;
        Assert.Equal(plan.RouteVehicles[1], replanned.RouteVehicles[k]);
    }

    [SharedDataFact]
    public void WarmStart_OnIdenticalVehiclesWithoutAFleetList_AcceptsThePlanAsPlainRoutes()
    {
        var instance = SolomonFormat.Load(TestData.Instance("R101"));
        var plan = VrptwSolver.Solve(instance, Plan);

        var replanned = VrptwSolver.Solve(instance.WithoutCustomers([plan.Routes[0][0]]), WarmOnly with { InitialRoutes = plan.Routes });

        Assert.True(replanned.IsFeasible);
        Assert.Equal(99, replanned.Routes.Sum(r => r.Count));
    }
}
