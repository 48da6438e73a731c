namespace Dots.Routing;

/// <summary>How long and how the solver searches.</summary>
public sealed record SolverOptions
{
    /// <summary>Wall-clock budget; the best solution found so far is returned when it ends.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Measure <see cref="TimeLimit"/> in CPU time of this process instead of wall time: on a shared machine
    /// the search then gets the same amount of computing whatever the load (benchmarks; not for production deadlines).
    /// </summary>
    public bool CpuTime { get; init; }

    /// <summary>Optional cap on genetic iterations; with it (and no time limit reached) runs are reproducible across machines.</summary>
    public long? MaxIterations { get; init; }

    /// <summary>Seed of the random generator: the same seed, instance and iteration cap give the same solution.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// When true, customers that no vehicle can serve on its own (window unreachable from the depot,
    /// demand above capacity) are left out and reported in <see cref="VrptwSolution.Unassigned"/>;
    /// when false (the default) they raise an <see cref="UnservableCustomerException"/>.
    /// </summary>
    public bool AllowDropping { get; init; }

    /// <summary>
    /// Size of each customer's neighbour list (granular search); null chooses by size and budget: 40 up to
    /// 150 customers with at least 5 s, 20 otherwise (as HGS-CVRP), where the time per local search matters more.
    /// </summary>
    public int? Neighbours { get; init; }

    /// <summary>Minimum size of each sub-population (feasible and infeasible).</summary>
    public int PopulationSize { get; init; } = 25;

    /// <summary>Number of offspring added before a survivor selection.</summary>
    public int GenerationSize { get; init; } = 40;

    /// <summary>
    /// Share of offspring made by the route-based crossover SREX instead of order crossover (OX) on giant tours;
    /// null: all of them (measured best at 1 s on Solomon and at 30 s on 1000 customers, see docs/bench/routing.md).
    /// </summary>
    public double? RouteCrossoverShare { get; init; }

    /// <summary>Whether the local search also tries SWAP* between neighbouring routes; null chooses by size (see ADR 0005).</summary>
    public bool? SwapStar { get; init; }

    /// <summary>
    /// Warm start (re-planning): the routes of an existing plan as customer ids, one list per vehicle in the
    /// order of <see cref="VrptwInstance.Vehicles"/> (any order for identical vehicles). Ids no longer in the
    /// instance (cancelled orders) are ignored, stops a vehicle has already served are recognised, and
    /// customers the plan lacks (new orders) are inserted where they cost least before the search continues.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>>? InitialRoutes { get; init; }

    /// <summary>Iterations without improvement before the population restarts.</summary>
    public int IterationsWithoutImprovement { get; init; } = 20_000;
}

/// <summary>A solution: routes as customer ids in visiting order (the depot implicit at both ends).</summary>
/// <param name="Routes">Non-empty routes.</param>
/// <param name="Distance">Total distance, unrounded.</param>
/// <param name="IsFeasible">False only if no feasible solution was found in the budget (e.g. the fleet is too small).</param>
/// <param name="Unassigned">Customers left out because no vehicle can serve them (only with <see cref="SolverOptions.AllowDropping"/>).</param>
/// <param name="Iterations">Genetic iterations performed.</param>
/// <param name="Elapsed">Time spent.</param>
public sealed record VrptwSolution(IReadOnlyList<IReadOnlyList<int>> Routes, double Distance, bool IsFeasible,
    IReadOnlyList<int> Unassigned, long Iterations, TimeSpan Elapsed)
{
    /// <summary>Number of vehicles used.</summary>
    public int Vehicles => Routes.Count;

    /// <summary>Index in <see cref="VrptwInstance.Vehicles"/> of the vehicle driving each route (for identical vehicles: 0, 1, 2, ...).</summary>
    public IReadOnlyList<int> RouteVehicles { get; init; } = [];

    /// <summary>Distance plus the fixed costs of the vehicles used.</summary>
    public double Cost { get; init; }

    /// <summary>Why each customer in <see cref="Unassigned"/> could not be served.</summary>
    public IReadOnlyDictionary<int, string> UnassignedReasons { get; init; } = new Dictionary<int, string>();
}

/// <summary>Reported each time the search finds a better feasible solution.</summary>
public sealed record SolverProgress(TimeSpan Elapsed, long Iteration, double BestDistance, int Vehicles);

/// <summary>A customer that no vehicle can serve even alone; the message names it and says why.</summary>
public sealed class UnservableCustomerException(int customerId, string message) : Exception(message)
{
    /// <summary>The id of the customer.</summary>
    public int CustomerId { get; } = customerId;
}
