using System.Diagnostics;
using System.Globalization;
using Dots.Routing.Search;

namespace Dots.Routing;

/// <summary>Solves VRPTW instances with a hybrid genetic search (see docs/decisions/0005-route-solver.md).</summary>
public static class VrptwSolver
{
    /// <summary>
    /// Searches until <see cref="SolverOptions.TimeLimit"/>, <see cref="SolverOptions.MaxIterations"/> or cancellation,
    /// and returns the best feasible solution found (anytime). Cancellation is not an error: it ends the search early.
    /// </summary>
    /// <exception cref="UnservableCustomerException">A customer cannot be served by any vehicle and dropping is not allowed.</exception>
    public static VrptwSolution Solve(VrptwInstance instance, SolverOptions? options = null, CancellationToken cancellationToken = default,
        IProgress<SolverProgress>? progress = null)
    {
        options ??= new SolverOptions();
        var clock = Stopwatch.StartNew();
        var keep = new List<int> { 0 };
        var dropped = new List<int>();
        for (int node = 1; node < instance.NodeCount; node++)
        {
            var why = WhyUnservable(instance, node);
            if (why == null) keep.Add(node);
            else if (options.AllowDropping) dropped.Add(instance.Node(node).Id);
            else throw new UnservableCustomerException(instance.Node(node).Id, $"Customer {instance.Node(node).Id} cannot be served: {why}.");
        }
        if (keep.Count == 1) return new VrptwSolution([], 0, true, dropped, 0, clock.Elapsed);

        var data = new ProblemData(instance, keep, options.Neighbours ?? (keep.Count - 1 <= 150 ? 40 : 20));
        var search = new HybridGeneticSearch(data, options);
        search.Run(clock, cancellationToken, progress);
        var best = search.Best ?? search.BestInfeasible;
        if (best == null) return new VrptwSolution([], 0, false, dropped, search.Iterations, clock.Elapsed);
        var routes = best.Routes.Select(r => (IReadOnlyList<int>)r.Select(c => instance.Node(data.InstanceNode[c]).Id).ToArray()).ToList();
        // The independent checker, not the search's bookkeeping, decides what is reported as feasible.
        var report = FeasibilityChecker.Check(instance, routes, dropped);
        return new VrptwSolution(routes, report.Distance, report.IsFeasible, dropped, search.Iterations, clock.Elapsed);
    }

    /// <summary>Why a customer cannot be served even by a vehicle that visits it alone, or null if it can.</summary>
    public static string? WhyUnservable(VrptwInstance instance, int node)
    {
        var c = instance.Node(node);
        var depot = instance.Depot;
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        if (c.Demand > instance.Capacity) return $"its demand {F(c.Demand)} exceeds the vehicle capacity {F(instance.Capacity)}";
        double arrival = depot.ReadyTime + instance.TravelTime(0, node);
        if (arrival > c.DueTime + FeasibilityChecker.TimeTolerance)
            return $"the earliest arrival from the depot is {F(arrival)}, after its due time {F(c.DueTime)}";
        double start = Math.Max(arrival, c.ReadyTime);
        double back = start + c.ServiceTime + instance.TravelTime(node, 0);
        if (back > depot.DueTime + FeasibilityChecker.TimeTolerance)
            return $"a vehicle serving it cannot be back at the depot before it closes at {F(depot.DueTime)} (earliest return {F(back)})";
        if (instance.MaxRouteDuration is { } max)
        {
            double departure = Math.Max(depot.ReadyTime, c.ReadyTime - instance.TravelTime(0, node));
            if (back - departure > max + FeasibilityChecker.TimeTolerance)
                return $"a route to it lasts at least {F(back - departure)}, above the maximum route duration {F(max)}";
        }
        return null;
    }
}
