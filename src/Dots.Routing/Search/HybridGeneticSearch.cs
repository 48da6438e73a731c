
namespace Dots.Routing.Search;

/// <summary>
/// Hybrid genetic search (Vidal et al. 2012, 2013; Vidal 2022): order crossover on giant tours,
/// split, penalised local search, repair, adaptive penalties towards a target share of feasible
/// offspring, diversity-aware survivor selection, and restarts after long stagnation.
/// </summary>
internal sealed class HybridGeneticSearch
{
    private const double TargetFeasible = 0.2;

    /// <summary>Above this size SWAP* is off by default: measured at 30 s on R1_10_1 and R2_10_1 it cost more offspring than it gained.</summary>
    private const int SwapStarMaxCustomers = 400;
    /// <summary>Above this size the initial population is 2 x mu descents instead of 4 x mu (the 200-customer and Solomon runs keep 4 x mu).</summary>
    private const int LargeInstance = 400;
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
    private readonly bool[] _srexInA;
    private readonly bool[] _srexInB;
    private readonly int[] _srexRouteOf;
    private bool[]? _srexClean;
    private readonly double _routeCrossoverShare;
    private long _educations;
    private CancellationToken _cancel;

    public HybridGeneticSearch(ProblemData data, SolverOptions options)
    {
        _d = data;
        _options = options;
        _rng = new Rng(options.Seed);
        _penalties = new Penalties(data.InitialCapacityPenalty, 1.0);
        _splitter = new Splitter(data);
        _localSearch = new LocalSearch(data, _rng) { SwapStarEnabled = options.SwapStar ?? data.Customers <= SwapStarMaxCustomers };
        _population = new Population(options, _rng, _penalties);
        _tourBuffer = new int[data.Customers];
        _used = new bool[data.N];
        _srexInA = new bool[data.N];
        _srexInB = new bool[data.N];
        _srexRouteOf = new int[data.N];
        _routeCrossoverShare = options.RouteCrossoverShare ?? 1.0;
    }

    public Individual? Best { get; private set; }
    public Individual? BestInfeasible { get; private set; }
    public long Iterations { get; private set; }

    public void Run(SearchClock clock, CancellationToken cancel, IProgress<SolverProgress>? progress)
    {
        _cancel = cancel;
        var deadline = _options.TimeLimit;
        bool Stop() => clock.Elapsed >= deadline || cancel.IsCancellationRequested || (_options.MaxIterations is { } max && Iterations >= max);

        InitialPopulation(clock, deadline, progress, Stop);
        long sinceImprovement = 0;
        while (!Stop())
        {
            Iterations++;
            var pa = _population.SelectParent();
            var pb = _population.SelectParent();
            // SREX keeps most routes of a parent whole, so the local search converges in a fraction of the time
            // an OX child needs; OX stays beside it for the diversity of recombining tours across routes.
            bool srex = _rng.NextDouble() < _routeCrossoverShare;
            var childRoutes = srex ? Srex(pa, pb) : _splitter.Split(Crossover(pa.Tour, pb.Tour), _penalties);
            bool improved = Educate(childRoutes, clock, deadline, progress, clean: srex ? _srexClean : null);
            sinceImprovement = improved ? 0 : sinceImprovement + 1;
            if (sinceImprovement >= _options.IterationsWithoutImprovement)
            {
                _population.Clear();
                InitialPopulation(clock, deadline, progress, Stop);
                sinceImprovement = 0;
            }
        }
    }

    /// <summary>A plan to start from (re-planning): routes per slot and the customers it lacks, inserted where they cost least.</summary>
    public (List<int[]> Routes, int[] Slots, List<int> Missing)? WarmStart { get; set; }

    private void InitialPopulation(SearchClock clock, TimeSpan deadline, IProgress<SolverProgress>? progress, Func<bool> stop)
    {
        if (WarmStart is { } warm)
        {
            // The plan itself when nothing is missing; then educated under penalties ten times the current
            // ones, so the descent stays near feasibility instead of trading the plan's feasibility for
            // distance, and escalated like any offspring if still infeasible.
            if (warm.Missing.Count == 0)
            {
                var plan = new Individual(_d, warm.Routes, warm.Slots);
                _population.Add(plan);
                Consider(plan, clock, progress);
            }
            var saved = (_penalties.Capacity, _penalties.TimeWarp);
            _penalties.Capacity *= 10;
            _penalties.TimeWarp *= 10;
            Educate(warm.Routes, clock, deadline, progress, warm.Slots, warm.Missing);
            (_penalties.Capacity, _penalties.TimeWarp) = saved;
        }
        var tour = Enumerable.Range(1, _d.Customers).ToArray();
        // Building the initial population must leave most of a short budget to the genetic search.
        var initialBudget = clock.Elapsed + (deadline - clock.Elapsed) * 0.3;
        // HGS starts from 4 x mu descents. Above LargeInstance customers a descent from a random or sweep tour
        // costs about ten SREX offspring (0.1 s against 8 ms on R1_10_1), so larger instances start from
        // 2 x mu and spend the rest on offspring (measured side by side at 30 s of CPU, docs/benchmarks.md §2).
        int initialCount = (_d.Customers > LargeInstance ? 2 : 4) * _options.PopulationSize;
        for (int k = 0; k < initialCount; k++)
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
    private bool Educate(List<int[]> routes, SearchClock clock, TimeSpan deadline, IProgress<SolverProgress>? progress,
        int[]? slots = null, IReadOnlyList<int>? insert = null, bool[]? clean = null)
    {
        var improvedRoutes = _localSearch.Run(routes, _penalties, clock, deadline, _cancel, slots, insert, clean);
        var child = new Individual(_d, improvedRoutes, _localSearch.ExportedSlots);
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
                // Routes without overload or time warp stay locally optimal under higher penalties (a move
                // between them can only gain penalty), so the repair descends from the violated ones.
                repaired = new Individual(_d, _localSearch.Run(repaired.Routes, strict, clock, deadline, _cancel, repaired.Slots, clean: FeasibleRoutes(repaired)),
                    _localSearch.ExportedSlots);
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

    private bool[] FeasibleRoutes(Individual ind)
    {
        var result = new bool[ind.Routes.Count];
        for (int k = 0; k < result.Length; k++)
        {
            int slot = ind.Slots[k];
            var seg = _d.StartSegment[slot];
            foreach (int c in ind.Routes[k]) seg = Segment.Merge(_d, seg, _d.NodeSegment[c]);
            seg = Segment.Merge(_d, seg, _d.EndSegment[slot]);
            result[k] = _d.Excess(seg, slot) <= 1e-9 && seg.RouteTimeWarp(_d, slot) <= 1e-9;
        }
        return result;
    }

    private bool Consider(Individual ind, SearchClock clock, IProgress<SolverProgress>? progress)
    {
        if (!ind.IsFeasible)
        {
            if (Best == null && (BestInfeasible == null || ind.Cost(_penalties) < BestInfeasible.Cost(_penalties))) BestInfeasible = ind;
            return false;
        }
        if (Best != null && ind.Objective >= Best.Objective - 1e-9) return false;
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

    /// <summary>
    /// Selective route exchange (SREX, Nagata &amp; Kobayashi 2010, as in PyVRP): a run of consecutive routes
    /// (in polar order) of parent A is replaced by the run of B's routes that covers the most similar
    /// customers; duplicates are removed and the customers left out are inserted greedily near their
    /// neighbours. Of the two ways to remove duplicates, the cheaper child is kept.
    /// </summary>
    private List<int[]> Srex(Individual a, Individual b)
    {
        int nA = a.Routes.Count, nB = b.Routes.Count;
        if (nA == 0 || nB == 0 || ReferenceEquals(a, b)) return a.Routes.Select(r => r.ToArray()).ToList();
        int moved = 1 + _rng.Next(Math.Min(nA, nB));
        int startA = _rng.Next(nA);
        // Start B at the route sharing most customers with A's first selected route.
        var routeOfB = _srexRouteOf;
        for (int r = 0; r < nB; r++) foreach (int c in b.Routes[r]) routeOfB[c] = r;
        var common = new int[nB];
        foreach (int c in a.Routes[startA]) common[routeOfB[c]]++;
        int startB = 0;
        for (int r = 1; r < nB; r++) if (common[r] > common[startB]) startB = r;

        var inA = _srexInA;
        var inB = _srexInB;
        Array.Clear(inA);
        Array.Clear(inB);
        for (int k = 0; k < moved; k++)
        {
            foreach (int c in a.Routes[(startA + k) % nA]) inA[c] = true;
            foreach (int c in b.Routes[(startB + k) % nB]) inB[c] = true;
        }
        // Shift either window by one route while that shrinks the symmetric difference of the selections.
        for (int step = 0; step < 2 * (nA + nB); step++)
        {
            int bestGain = 0, bestMove = -1;
            if (moved < nA)
            {
                int g = ShiftGain(a.Routes[(startA + nA - 1) % nA], a.Routes[(startA + moved - 1) % nA], inB);
                if (g > bestGain) { bestGain = g; bestMove = 0; }
                g = ShiftGain(a.Routes[(startA + moved) % nA], a.Routes[startA], inB);
                if (g > bestGain) { bestGain = g; bestMove = 1; }
            }
            if (moved < nB)
            {
                int g = ShiftGain(b.Routes[(startB + nB - 1) % nB], b.Routes[(startB + moved - 1) % nB], inA);
                if (g > bestGain) { bestGain = g; bestMove = 2; }
                g = ShiftGain(b.Routes[(startB + moved) % nB], b.Routes[startB], inA);
                if (g > bestGain) { bestGain = g; bestMove = 3; }
            }
            if (bestMove < 0) break;
            switch (bestMove)
            {
                case 0: Swap(a.Routes[(startA + nA - 1) % nA], a.Routes[(startA + moved - 1) % nA], inA); startA = (startA + nA - 1) % nA; break;
                case 1: Swap(a.Routes[(startA + moved) % nA], a.Routes[startA], inA); startA = (startA + 1) % nA; break;
                case 2: Swap(b.Routes[(startB + nB - 1) % nB], b.Routes[(startB + moved - 1) % nB], inB); startB = (startB + nB - 1) % nB; break;
                default: Swap(b.Routes[(startB + moved) % nB], b.Routes[startB], inB); startB = (startB + 1) % nB; break;
            }
        }

        var keptA = new List<int[]>();
        for (int k = moved; k < nA; k++) keptA.Add(a.Routes[(startA + k) % nA]);
        var selectedB = new List<int[]>();
        for (int k = 0; k < moved; k++) selectedB.Add(b.Routes[(startB + k) % nB]);

        // Child 1: A's other routes intact, B's selected routes without what A's other routes hold.
        var child1 = keptA.Select(r => r.ToList()).Concat(selectedB.Select(r => r.Where(c => inA[c]).ToList())).ToList();
        var clean1 = keptA.Select(_ => true).Concat(selectedB.Select(r => r.All(c => inA[c]))).ToList();
        // Child 2: B's selected routes intact, A's other routes without what those hold.
        var child2 = keptA.Select(r => r.Where(c => !inB[c]).ToList()).Concat(selectedB.Select(r => r.ToList())).ToList();
        var clean2 = keptA.Select(r => !r.Any(c => inB[c])).Concat(selectedB.Select(_ => true)).ToList();
        var (first, firstClean) = InsertMissing(child1, clean1, inA, inB);
        var (second, secondClean) = InsertMissing(child2, clean2, inA, inB);
        bool takeFirst = new Individual(_d, first).Cost(_penalties) <= new Individual(_d, second).Cost(_penalties);
        // Routes taken whole from a parent are already locally optimal: the descent starts from the others.
        _srexClean = takeFirst ? firstClean : secondClean;
        return takeFirst ? first : second;

        static int ShiftGain(int[] added, int[] removed, bool[] other)
        {
            // Adding a route whose customers the other side selected shrinks the difference, and vice versa.
            int g = 0;
            foreach (int c in added) g += other[c] ? 1 : -1;
            foreach (int c in removed) g += other[c] ? -1 : 1;
            return g;
        }

        static void Swap(int[] added, int[] removed, bool[] mine)
        {
            foreach (int c in removed) mine[c] = false;
            foreach (int c in added) mine[c] = true;
        }
    }

    /// <summary>Inserts the customers selected in A but not in B where the distance and the overload grow least, next to a neighbour.</summary>
    private (List<int[]>, bool[]) InsertMissing(List<List<int>> routes, List<bool> clean, bool[] inA, bool[] inB)
    {
        for (int k = routes.Count - 1; k >= 0; k--)
            if (routes[k].Count == 0) { routes.RemoveAt(k); clean.RemoveAt(k); }
        var routeOf = _srexRouteOf;
        Array.Fill(routeOf, -1);
        var load = new double[routes.Count + _d.Customers];
        for (int r = 0; r < routes.Count; r++)
            foreach (int c in routes[r]) { routeOf[c] = r; load[r] += _d.Demand[c]; }
        var missing = new List<int>();
        for (int c = 1; c < _d.N; c++) if (inA[c] && !inB[c]) missing.Add(c);
        _rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(missing));
        int n = _d.N;
        foreach (int c in missing)
        {
            double best = double.PositiveInfinity;
            int bestRoute = -1, bestPos = 0;
            foreach (int w in _d.Neighbours[c])
            {
                int r = routeOf[w];
                if (r < 0) continue;
                var route = routes[r];
                int i = route.IndexOf(w);
                double over = _penalties.Capacity * (Math.Max(load[r] + _d.Demand[c] - _d.Capacity, 0) - Math.Max(load[r] - _d.Capacity, 0));
                // Before w and after w.
                for (int pos = i; pos <= i + 1; pos++)
                {
                    int prev = pos == 0 ? 0 : route[pos - 1], next = pos == route.Count ? 0 : route[pos];
                    double cost = _d.Dist[prev * n + c] + _d.Dist[c * n + next] - _d.Dist[prev * n + next] + over
                        + _penalties.TimeWarp * Math.Max(_d.Ready[prev] + _d.Service[prev] + _d.Time[prev * n + c] - _d.Due[c], 0)
                        + _penalties.TimeWarp * Math.Max(_d.Ready[c] + _d.Service[c] + _d.Time[c * n + next] - _d.Due[next], 0);
                    if (cost < best) { best = cost; bestRoute = r; bestPos = pos; }
                }
            }
            double alone = _d.Dist[c] + _d.Dist[c * n];
            if (bestRoute < 0 || (routes.Count < _d.Fleet && alone < best))
            {
                routes.Add([c]);
                clean.Add(false);
                routeOf[c] = routes.Count - 1;
                load[routes.Count - 1] = _d.Demand[c];
                continue;
            }
            routes[bestRoute].Insert(bestPos, c);
            clean[bestRoute] = false;
            routeOf[c] = bestRoute;
            load[bestRoute] += _d.Demand[c];
        }
        return (routes.Select(r => r.ToArray()).ToList(), clean.ToArray());
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
