using System.Diagnostics;

namespace Dots.Routing.Search;

/// <summary>
/// Hybrid genetic search (Vidal et al. 2012, 2013; Vidal 2022): order crossover on giant tours,
/// split, penalised local search, repair, adaptive penalties towards a target share of feasible
/// offspring, diversity-aware survivor selection, and restarts after long stagnation.
/// </summary>
internal sealed class HybridGeneticSearch
{
    private const double TargetFeasible = 0.2;
    private static readonly double[] RepairBoosts = [10, 100, 1_000, 10_000];
    private readonly ProblemData _d;
    private readonly SolverOptions _options;
    private readonly Rng _rng;
    private readonly Penalties _penalties;
    private readonly Splitter _splitter;
    private readonly LocalSearch _localSearch;
    private readonly Population _population;
    private readonly Queue<bool> _loadFeasible = new();
    private readonly Queue<bool> _warpFeasible = new();
    private readonly int[] _tourBuffer;
    private readonly bool[] _used;
    private long _educations;

    public HybridGeneticSearch(ProblemData data, SolverOptions options)
    {
        _d = data;
        _options = options;
        _rng = new Rng(options.Seed);
        _penalties = new Penalties(data.InitialCapacityPenalty, 1.0);
        _splitter = new Splitter(data);
        _localSearch = new LocalSearch(data, _rng);
        _population = new Population(options, _rng, _penalties);
        _tourBuffer = new int[data.Customers];
        _used = new bool[data.N];
    }

    public Individual? Best { get; private set; }
    public Individual? BestInfeasible { get; private set; }
    public long Iterations { get; private set; }

    public void Run(Stopwatch clock, CancellationToken cancel, IProgress<SolverProgress>? progress)
    {
        var deadline = _options.TimeLimit;
        bool Stop() => clock.Elapsed >= deadline || cancel.IsCancellationRequested || (_options.MaxIterations is { } max && Iterations >= max);

        InitialPopulation(clock, deadline, progress, Stop);
        long sinceImprovement = 0;
        while (!Stop())
        {
            Iterations++;
            var tour = Crossover(_population.SelectParent().Tour, _population.SelectParent().Tour);
            bool improved = Educate(_splitter.Split(tour, _penalties), clock, deadline, progress);
            sinceImprovement = improved ? 0 : sinceImprovement + 1;
            if (sinceImprovement >= _options.IterationsWithoutImprovement)
            {
                _population.Clear();
                InitialPopulation(clock, deadline, progress, Stop);
                sinceImprovement = 0;
            }
        }
    }

    private void InitialPopulation(Stopwatch clock, TimeSpan deadline, IProgress<SolverProgress>? progress, Func<bool> stop)
    {
        var tour = Enumerable.Range(1, _d.Customers).ToArray();
        // Building the initial population must leave most of a short budget to the genetic search.
        var initialBudget = clock.Elapsed + (deadline - clock.Elapsed) * 0.3;
        for (int k = 0; k < 4 * _options.PopulationSize; k++)
        {
            if (stop() || (k >= 2 && clock.Elapsed > initialBudget)) break;
            // On large instances half of the start tours are sweeps around the depot from a random angle:
            // the local search converges from them in a fraction of the time a random tour takes.
            if (_d.Customers >= 200 && k % 2 == 1) Sweep(tour);
            else _rng.Shuffle(tour);
            Educate(_splitter.Split(tour, _penalties), clock, deadline, progress);
        }
    }

    private void Sweep(int[] tour)
    {
        double offset = _rng.NextDouble() * 2 * Math.PI;
        var key = new double[_d.N];
        foreach (int c in tour)
        {
            double angle = Math.Atan2(_d.Y[c] - _d.Y[0], _d.X[c] - _d.X[0]) - offset;
            key[c] = angle < 0 ? angle + 2 * Math.PI : angle;
        }
        Array.Sort(tour, (a, b) => key[a].CompareTo(key[b]));
    }

    /// <summary>Local search, insertion, and a repair attempt for infeasible results; true if the best improved.</summary>
    private bool Educate(List<int[]> routes, Stopwatch clock, TimeSpan deadline, IProgress<SolverProgress>? progress)
    {
        var improvedRoutes = _localSearch.Run(routes, _penalties, clock, deadline);
        var child = new Individual(_d, improvedRoutes);
        Track(_loadFeasible, child.CapacityExcess <= 1e-9);
        Track(_warpFeasible, child.TimeWarp <= 1e-9);
        // Adapting every 25 educations over a sliding window of 100 lets short runs on large instances,
        // which see only a few hundred offspring, still steer their penalties.
        if (++_educations % 25 == 0) AdaptPenalties();
        _population.Add(child);
        bool improved = Consider(child, clock, progress);
        // Repair half of the infeasible offspring (HGS), all of them while nothing feasible is known.
        // The boost escalates past HGS's x10 because on large tightly-windowed instances a short run
        // never adapts the penalties far enough for a small lateness to outweigh opening a route.
        if (!child.IsFeasible && (Best == null || _rng.Next(2) == 0))
        {
            var repaired = child;
            foreach (double boost in RepairBoosts)
            {
                var strict = new Penalties(_penalties.Capacity * boost, _penalties.TimeWarp * boost);
                repaired = new Individual(_d, _localSearch.Run(repaired.Routes, strict, clock, deadline));
                if (repaired.IsFeasible) break;
            }
            if (repaired.IsFeasible)
            {
                _population.Add(repaired);
                improved |= Consider(repaired, clock, progress);
            }
        }
        return improved;
    }

    private bool Consider(Individual ind, Stopwatch clock, IProgress<SolverProgress>? progress)
    {
        if (!ind.IsFeasible)
        {
            if (Best == null && (BestInfeasible == null || ind.Cost(_penalties) < BestInfeasible.Cost(_penalties))) BestInfeasible = ind;
            return false;
        }
        if (Best != null && ind.Distance >= Best.Distance - 1e-9) return false;
        Best = ind;
        progress?.Report(new SolverProgress(clock.Elapsed, Iterations, ind.Distance, ind.Routes.Count));
        return true;
    }

    private static void Track(Queue<bool> queue, bool value)
    {
        queue.Enqueue(value);
        if (queue.Count > 100) queue.Dequeue();
    }

    private void AdaptPenalties()
    {
        _penalties.Capacity = Adapt(_penalties.Capacity, _loadFeasible);
        _penalties.TimeWarp = Adapt(_penalties.TimeWarp, _warpFeasible);

        static double Adapt(double penalty, Queue<bool> history)
        {
            if (history.Count == 0) return penalty;
            double share = history.Count(f => f) / (double)history.Count;
            if (share < 0.05) return Math.Min(penalty * 1.5, 100_000);
            if (share < TargetFeasible - 0.05) return Math.Min(penalty * 1.2, 100_000);
            if (share > TargetFeasible + 0.05) return Math.Max(penalty * 0.85, 0.1);
            return penalty;
        }
    }

    /// <summary>Order crossover (OX): a random slice of one parent, the rest in the other's order.</summary>
    private int[] Crossover(int[] a, int[] b)
    {
        int n = a.Length;
        var child = _tourBuffer;
        Array.Clear(_used);
        int start = _rng.Next(n), end = _rng.Next(n);
        while (n > 1 && end == start) end = _rng.Next(n);
        int k = start;
        while (true)
        {
            child[k] = a[k];
            _used[a[k]] = true;
            if (k == end) break;
            k = (k + 1) % n;
        }
        int write = (end + 1) % n;
        for (int t = 1; t <= n; t++)
        {
            int c = b[(end + t) % n];
            if (_used[c]) continue;
            child[write] = c;
            write = (write + 1) % n;
        }
        return child;
    }
}
