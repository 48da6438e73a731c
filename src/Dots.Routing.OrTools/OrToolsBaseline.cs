using Google.OrTools.ConstraintSolver;
using Google.Protobuf.WellKnownTypes;

namespace Dots.Routing.OrTools;

/// <summary>What Google OR-Tools returned for an instance.</summary>
/// <param name="Routes">Routes as customer ids (served customers only).</param>
/// <param name="Dropped">Customers OR-Tools left out (a solution that drops anyone does not count).</param>
/// <param name="Status">OR-Tools' routing status.</param>
public sealed record OrToolsResult(IReadOnlyList<IReadOnlyList<int>> Routes, IReadOnlyList<int> Dropped, string Status);

/// <summary>
/// The reference baseline of the benchmark: OR-Tools' routing solver with path-cheapest-arc start and
/// guided local search, as commonly configured for VRPTW. OR-Tools needs integers, so distances and
/// times are scaled by <see cref="Scale"/>; travel times are rounded up, which can only make its routes
/// later than in reality, so a route it thinks feasible is feasible with exact times too.
/// </summary>
public static class OrToolsBaseline
{
    /// <summary>Fixed-point scale for distances and times.</summary>
    public const double Scale = 1000;

    /// <summary>Solves with the given time budget; customers are droppable at a penalty far above any route cost.</summary>
    public static OrToolsResult Solve(VrptwInstance instance, TimeSpan timeLimit)
    {
        int n = instance.NodeCount;
        var cost = new long[n][];
        var time = new long[n][];
        long maxArc = 0;
        for (int i = 0; i < n; i++)
        {
            cost[i] = new long[n];
            time[i] = new long[n];
            for (int j = 0; j < n; j++)
            {
                cost[i][j] = (long)Math.Round(instance.Distance(i, j) * Scale);
                time[i][j] = (long)Math.Ceiling(instance.Node(i).ServiceTime * Scale) + (long)Math.Ceiling(instance.TravelTime(i, j) * Scale - 1e-6);
                maxArc = Math.Max(maxArc, cost[i][j]);
            }
        }
        var manager = new RoutingIndexManager(n, instance.VehicleCount, 0);
        var routing = new RoutingModel(manager);
        int costCallback = routing.RegisterTransitMatrix(cost);
        routing.SetArcCostEvaluatorOfAllVehicles(costCallback);

        long horizon = (long)Math.Floor(instance.Depot.DueTime * Scale);
        int timeCallback = routing.RegisterTransitMatrix(time);
        routing.AddDimension(timeCallback, horizon, horizon, false, "Time");
        var timeDimension = routing.GetMutableDimension("Time");
        for (int node = 1; node < n; node++)
        {
            var c = instance.Node(node);
            timeDimension.CumulVar(manager.NodeToIndex(node)).SetRange((long)Math.Ceiling(c.ReadyTime * Scale), (long)Math.Floor(c.DueTime * Scale));
        }
        long depotReady = (long)Math.Ceiling(instance.Depot.ReadyTime * Scale);
        for (int v = 0; v < instance.VehicleCount; v++)
        {
            timeDimension.CumulVar(routing.Start(v)).SetRange(depotReady, horizon);
            timeDimension.CumulVar(routing.End(v)).SetRange(depotReady, horizon);
        }

        var demand = new long[n];
        for (int node = 0; node < n; node++) demand[node] = (long)Math.Ceiling(instance.Node(node).Demand);
        int demandCallback = routing.RegisterUnaryTransitVector(demand);
        var capacities = Enumerable.Repeat((long)Math.Floor(instance.Capacity), instance.VehicleCount).ToArray();
        routing.AddDimensionWithVehicleCapacity(demandCallback, 0, capacities, true, "Capacity");

        // Larger than any complete solution's cost, so dropping is only ever a way to a first solution.
        long dropPenalty = maxArc * (n + 1) * 10;
        for (int node = 1; node < n; node++) routing.AddDisjunction([manager.NodeToIndex(node)], dropPenalty);

        var parameters = operations_research_constraint_solver.DefaultRoutingSearchParameters();
        parameters.FirstSolutionStrategy = FirstSolutionStrategy.Types.Value.PathCheapestArc;
        parameters.LocalSearchMetaheuristic = LocalSearchMetaheuristic.Types.Value.GuidedLocalSearch;
        parameters.TimeLimit = Duration.FromTimeSpan(timeLimit);
        var assignment = routing.SolveWithParameters(parameters);
        string status = routing.GetStatus().ToString();
        if (assignment == null) return new OrToolsResult([], instance.Customers.Select(c => c.Id).ToArray(), status);

        var routes = new List<IReadOnlyList<int>>();
        var served = new HashSet<int>();
        for (int v = 0; v < instance.VehicleCount; v++)
        {
            var route = new List<int>();
            for (long index = assignment.Value(routing.NextVar(routing.Start(v))); !routing.IsEnd(index); index = assignment.Value(routing.NextVar(index)))
            {
                int node = manager.IndexToNode(index);
                route.Add(instance.Node(node).Id);
                served.Add(node);
            }
            if (route.Count > 0) routes.Add(route);
        }
        var dropped = Enumerable.Range(1, n - 1).Where(node => !served.Contains(node)).Select(node => instance.Node(node).Id).ToArray();
        return new OrToolsResult(routes, dropped, status);
    }
}
