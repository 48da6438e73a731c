namespace Dots.Routing.Tests;

public sealed class VrptwSolverTests
{
    // Iteration caps, not the clock, end these runs, so results do not depend on the machine's load.
    private static readonly SolverOptions Quick = new() { TimeLimit = TimeSpan.FromMinutes(2), MaxIterations = 300, Seed = 7 };

    // Solomon-sized runs in tests only need to exercise the search, not to reach benchmark quality.
    private static readonly SolverOptions Small = Quick with { PopulationSize = 8, GenerationSize = 8, MaxIterations = 30 };

    /// <summary>Every solution a test produces goes through the independent checker.</summary>
    private static VrptwSolution SolveAndCheck(VrptwInstance instance, SolverOptions options)
    {
        var solution = VrptwSolver.Solve(instance, options);
        var report = FeasibilityChecker.Check(instance, solution.Routes, solution.Unassigned.ToArray());
        Assert.True(report.IsFeasible, string.Join("; ", report.Violations));
        Assert.True(solution.IsFeasible);
        Assert.Equal(report.Distance, solution.Distance, 9);
        Assert.Equal(report.Vehicles, solution.Vehicles);
        return solution;
    }

    /// <summary>Optimum by enumeration: every order of the customers and every way to cut it into routes.</summary>
    private static double BruteForce(VrptwInstance instance)
    {
        int n = instance.Customers.Count;
        var ids = instance.Customers.Select(c => c.Id).ToArray();
        double best = double.PositiveInfinity;
        foreach (var perm in Permutations(ids, n))
        {
            for (int mask = 0; mask < 1 << (n - 1); mask++)
            {
                if (System.Numerics.BitOperations.PopCount((uint)mask) + 1 > instance.VehicleCount) continue;
                var routes = new List<IReadOnlyList<int>>();
                var current = new List<int> { perm[0] };
                for (int k = 1; k < n; k++)
                {
                    if ((mask >> (k - 1) & 1) == 1) { routes.Add(current); current = []; }
                    current.Add(perm[k]);
                }
                routes.Add(current);
                var report = FeasibilityChecker.Check(instance, routes);
                if (report.IsFeasible && report.Distance < best) best = report.Distance;
            }
        }
        return best;
    }

    private static IEnumerable<int[]> Permutations(int[] items, int k)
    {
        if (k == 1) { yield return (int[])items.Clone(); yield break; }
        for (int i = 0; i < k; i++)
        {
            foreach (var p in Permutations(items, k - 1)) yield return p;
            int j = k % 2 == 0 ? i : 0;
            (items[j], items[k - 1]) = (items[k - 1], items[j]);
        }
    }

    [Theory]
    [InlineData(1, 6, 3, 60.0)]
    [InlineData(2, 6, 4, 100.0)]
    [InlineData(3, 6, 5, 60.0)]
    [InlineData(4, 6, 6, 30.0)]
    [InlineData(5, 6, 3, 1000.0)]
    public void Solve_TinyInstance_FindsTheBruteForceOptimum(int seed, int customers, int vehicles, double capacity)
    {
        var instance = TestData.Random(seed, customers, vehicles, capacity);
        double optimum = BruteForce(instance);
        Assert.False(double.IsPositiveInfinity(optimum), "the generator made an infeasible instance");
        var solution = SolveAndCheck(instance, Quick with { MaxIterations = 500, TimeLimit = TimeSpan.FromMinutes(2) });
        Assert.Equal(optimum, solution.Distance, 6);
    }

    [SharedDataFact]
    public void Solve_SolomonInstance_ReturnsAFeasibleSolutionThatTheCheckerAccepts()
    {
        var instance = SolomonFormat.Load(TestData.Instance("RC101"));
        var solution = SolveAndCheck(instance, Small);
        Assert.Equal(100, solution.Routes.Sum(r => r.Count));
    }

    [SharedDataFact]
    public void Solve_SameSeedAndIterationCap_GivesTheSameSolution()
    {
        var instance = SolomonFormat.Load(TestData.Instance("RC101"));
        var options = Small;
        var a = SolveAndCheck(instance, options);
        var b = SolveAndCheck(instance, options);
        Assert.Equal(a.Distance, b.Distance);
        Assert.Equal(a.Routes, b.Routes);
    }

    [Fact]
    public void Solve_CustomerWhoseWindowCannotBeReached_ThrowsAnErrorNamingIt()
    {
        var depot = new VrptwStop(0, 0, 0, 0, 0, 1000, 0);
        var customers = new[]
        {
            new VrptwStop(11, 10, 0, 5, 0, 500, 1),
            new VrptwStop(42, 300, 400, 5, 0, 100, 1), // 500 away, due at 100
            new VrptwStop(13, 0, 10, 5, 0, 500, 1),
        };
        var instance = VrptwInstance.FromCoordinates("unreachable", 3, 100, depot, customers);
        var e = Assert.Throws<UnservableCustomerException>(() => VrptwSolver.Solve(instance, Quick));
        Assert.Equal(42, e.CustomerId);
        Assert.Contains("Customer 42", e.Message);
        Assert.Contains("due time", e.Message);

        var dropped = SolveAndCheck(instance, Quick with { AllowDropping = true });
        Assert.Equal([42], dropped.Unassigned);
        Assert.Equal(2, dropped.Routes.Sum(r => r.Count));
    }

    [Fact]
    public void Solve_CustomerHeavierThanAVehicle_IsReportedAsUnservable()
    {
        var depot = new VrptwStop(0, 0, 0, 0, 0, 1000, 0);
        var instance = VrptwInstance.FromCoordinates("heavy", 2, 10, depot, [new VrptwStop(1, 1, 1, 11, 0, 500, 0), new VrptwStop(2, 2, 2, 3, 0, 500, 0)]);
        var e = Assert.Throws<UnservableCustomerException>(() => VrptwSolver.Solve(instance, Quick));
        Assert.Contains("capacity", e.Message);
    }

    [Fact]
    public void Solve_ZeroDemandCustomers_AreStillVisited()
    {
        var depot = new VrptwStop(0, 50, 50, 0, 0, 500, 0);
        var customers = Enumerable.Range(1, 8).Select(i => new VrptwStop(i, 10 * i, 90 - 10 * i, 0, 0, 400, 3)).ToArray();
        var solution = SolveAndCheck(VrptwInstance.FromCoordinates("zero", 2, 0, depot, customers), Quick);
        Assert.Equal(8, solution.Routes.Sum(r => r.Count));
        Assert.Equal(1, solution.Vehicles);
    }

    [Fact]
    public void Solve_SingleCustomer_GoesThereAndBack()
    {
        var depot = new VrptwStop(0, 0, 0, 0, 0, 100, 0);
        var solution = SolveAndCheck(VrptwInstance.FromCoordinates("one", 5, 10, depot, [new VrptwStop(7, 3, 4, 2, 20, 30, 1)]), Quick);
        Assert.Equal([[7]], solution.Routes);
        Assert.Equal(10.0, solution.Distance, 9);
    }

    [Fact]
    public void Solve_MoreVehiclesThanCustomers_UsesOnlyWhatItNeeds()
    {
        var instance = TestData.Random(11, 3, 10, 1000, tightWindows: false);
        var solution = SolveAndCheck(instance, Quick);
        Assert.Equal(BruteForce(instance), solution.Distance, 6);
        Assert.True(solution.Vehicles <= 3);
    }

    [Fact]
    public void Solve_NoCustomers_ReturnsNoRoutes()
    {
        var solution = VrptwSolver.Solve(VrptwInstance.FromCoordinates("empty", 1, 10, new VrptwStop(0, 0, 0, 0, 0, 10, 0), []), Quick);
        Assert.Empty(solution.Routes);
        Assert.True(solution.IsFeasible);
    }

    [Fact]
    public void Solve_FleetTooSmall_ReportsTheBestSolutionAsInfeasible()
    {
        // Three customers far apart with tight simultaneous windows cannot share one vehicle.
        var depot = new VrptwStop(0, 0, 0, 0, 0, 1000, 0);
        var customers = new[] { new VrptwStop(1, 100, 0, 1, 100, 101, 0), new VrptwStop(2, -100, 0, 1, 100, 101, 0), new VrptwStop(3, 0, 100, 1, 100, 101, 0) };
        var solution = VrptwSolver.Solve(VrptwInstance.FromCoordinates("small-fleet", 1, 10, depot, customers), Quick with { MaxIterations = 50 });
        Assert.False(solution.IsFeasible);
    }

    [Fact]
    public void Solve_MatrixWithSlowVehicles_RespectsTravelTimesSeparateFromDistances()
    {
        var depot = new VrptwStop(0, 0, 0, 0, 0, 100, 0);
        var customers = new[] { new VrptwStop(1, 0, 10, 1, 0, 25, 0), new VrptwStop(2, 0, 20, 1, 0, 45, 0) };
        // Speed 0.5: depot→1 takes 20, 1→2 takes 20, so 2 is reached at 40 only through 1.
        var instance = VrptwInstance.FromCoordinates("speed", 2, 10, depot, customers, speed: 0.5);
        var solution = SolveAndCheck(instance, Quick);
        Assert.Equal([[1, 2]], solution.Routes);
        Assert.Equal(40.0, solution.Distance, 9);
    }

    [SharedDataFact]
    public void Solve_CancelledToken_StillReturnsTheBestSoFar()
    {
        var instance = SolomonFormat.Load(TestData.Instance("C101"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var solution = VrptwSolver.Solve(instance, new SolverOptions { TimeLimit = TimeSpan.FromMinutes(5) }, cts.Token);
        Assert.True(solution.Elapsed < TimeSpan.FromSeconds(30));
        Assert.True(FeasibilityChecker.Check(instance, solution.Routes).IsFeasible);
    }

    [Fact]
    public void Solve_MaximumRouteDuration_SplitsRoutesThatWouldLastTooLong()
    {
        // Together the two stops take 10 + 10 + 14.1 + 2 service = 36.1 > 30; alone 21 and 29.3.
        var depot = new VrptwStop(0, 0, 0, 0, 0, 1000, 0);
        var customers = new[] { new VrptwStop(1, 10, 0, 1, 0, 500, 1), new VrptwStop(2, 10, 10, 1, 0, 500, 1) };
        var limited = VrptwInstance.FromCoordinates("duration", 2, 10, depot, customers, maxRouteDuration: 30);
        var solution = SolveAndCheck(limited, Quick);
        Assert.Equal(2, solution.Vehicles);
        var free = SolveAndCheck(VrptwInstance.FromCoordinates("free", 2, 10, depot, customers), Quick);
        Assert.Equal(1, free.Vehicles);
    }

    [SharedDataFact]
    public void Solve_WithProgress_ReportsEachBetterSolutionInDecreasingDistance()
    {
        var reports = new List<SolverProgress>();
        var progress = new SynchronousProgress(reports.Add);
        var solution = VrptwSolver.Solve(SolomonFormat.Load(TestData.Instance("R105")), Small, default, progress);
        Assert.NotEmpty(reports);
        Assert.Equal(reports.OrderByDescending(r => r.BestDistance).Select(r => r.BestDistance), reports.Select(r => r.BestDistance));
        Assert.Equal(solution.Distance, reports[^1].BestDistance, 6);
    }

    private sealed class SynchronousProgress(Action<SolverProgress> report) : IProgress<SolverProgress>
    {
        public void Report(SolverProgress value) => report(value);
    }
}
