using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dots.Routing.Search;

/// <summary>
/// Granular local search of HGS (Vidal 2022) for time windows: for each customer u and each of its
/// neighbours v, relocate / swap / 2-opt / 2-opt* moves, first improvement. Every move is evaluated in
/// O(1) (inter-route) or O(span) (intra-route) from forward and backward segment data, after a cheap
/// lower bound from distances and loads; nothing is allocated while searching.
/// </summary>
internal sealed class LocalSearch
{
    private const double Epsilon = 1e-7;

    private readonly ProblemData _d;
    private readonly double[] _dist;
    private readonly int _n;
    private readonly Rng _rng;
    private readonly Route[] _routes;
    private readonly int[] _routeOf;
    private readonly int[] _posOf;
    private readonly int[] _order;
    private readonly int[] _lastTested;
    private readonly int[] _scratch;
    private readonly bool _symmetric;
    private readonly double[] _insCost;
    private readonly int[] _insPos;
    private readonly int[] _lastSwapStar;
    private readonly int[] _swapBuffer;
    private readonly double[] _removal;
    private readonly bool[] _pairMark;
    private const int SwapStarNeighbours = 10;
    private Penalties _p = new(1, 1);
    private int _clock;

    public LocalSearch(ProblemData data, Rng rng)
    {
        _d = data;
        _dist = data.Dist;
        _n = data.N;
        _rng = rng;
        _routes = new Route[data.Fleet];
        for (int r = 0; r < _routes.Length; r++) _routes[r] = new Route { Slot = r };
        _routeOf = new int[data.N];
        _posOf = new int[data.N];
        _order = new int[data.Customers];
        for (int i = 0; i < _order.Length; i++) _order[i] = i + 1;
        _lastTested = new int[data.N];
        _scratch = new int[data.N + 2];
        _insCost = new double[data.N * 3];
        _insPos = new int[data.N * 3];
        _lastSwapStar = new int[data.Fleet];
        _swapBuffer = new int[2 * data.N + 4];
        _removal = new double[data.N + 2];
        _pairMark = new bool[data.Fleet];
        _seenStamp = new int[data.N];
        _symmetric = true;
        for (int i = 0; i < data.N && _symmetric; i++)
            for (int j = 0; j < i; j++)
                if (data.Dist[i * data.N + j] != data.Dist[j * data.N + i]) { _symmetric = false; break; }
    }

    /// <summary>Whether SWAP* (Vidal 2022) runs between route pairs whose polar sectors overlap.</summary>
    internal bool SwapStarEnabled { get; set; } = true;

    /// <summary>Test hook: called with the predicted change of penalised cost after each applied move.</summary>
    internal Action<double>? MoveApplied { get; set; }

    /// <summary>The routes as they stand (tests compare them with an independent recomputation).</summary>
    internal List<int[]> CurrentRoutes() => _routes.Where(r => r.Len > 0).Select(r => r.Seq.AsSpan(1, r.Len).ToArray()).ToList();

    /// <summary>The routes of every slot, empty ones included (tests with differing vehicles).</summary>
    internal List<int[]> CurrentRoutesBySlot() => _routes.Select(r => r.Seq.AsSpan(1, r.Len).ToArray()).ToList();

    /// <summary>Improves <paramref name="routes"/> until no move improves the penalised cost (or the deadline passes).</summary>
    public List<int[]> Run(List<int[]> routes, Penalties penalties, SearchClock clock, TimeSpan deadline, CancellationToken cancel = default,
        int[]? slots = null, IReadOnlyList<int>? insert = null, bool[]? clean = null)
    {
        _p = penalties;
        var slotOf = Load(routes, slots);
        // Routes marked clean (taken whole from a locally optimal parent) count as tested at time 0,
        // so the first pass only tries moves that touch a changed route.
        if (clean != null)
            for (int k = 0; k < routes.Count && k < clean.Length; k++)
                if (clean[k]) _routes[slotOf[k]].Modified = 0;
        if (insert != null)
            foreach (int c in insert) InsertBestAnywhere(c);
        _rng.Shuffle(_order);
        Array.Fill(_lastTested, clean != null ? 0 : -1);
        // SWAP* only between routes that changed during this descent: after a route crossover most routes
        // are a parent's, already locally optimal, and a full SWAP* sweep would cost more than the descent.
        Array.Fill(_lastSwapStar, _clock);
        // At least two passes: moves into an empty route are only tried from the second one on.
        for (int loop = 0; ; loop++)
        {
            bool improved = false;
            if (loop > 0 && (clock.Elapsed > deadline || cancel.IsCancellationRequested)) break;
            foreach (int u in _order)
            {
                int lastTest = _lastTested[u];
                _lastTested[u] = _clock;
                foreach (int v in _d.Neighbours[u])
                {
                    if (Math.Max(_routes[_routeOf[u]].Modified, _routes[_routeOf[v]].Modified) <= lastTest) continue;
                    if (TryMoves(u, _routeOf[v], _posOf[v])) { improved = true; continue; }
                    // v first in its route: also try u (and x) right after that route's depot.
                    if (_posOf[v] == 1 && TryDepotMoves(u, _routeOf[v])) improved = true;
                }
                if (loop > 0)
                {
                    // Moves into an empty route are tried from the second pass on, and again only once u's
                    // route or the empty route changed: an unchanged pair gives the same rejected move.
                    int empty = _firstEmpty;
                    if (empty >= 0 && (loop == 1 || Math.Max(_routes[_routeOf[u]].Modified, _routes[empty].Modified) > lastTest)
                        && TryDepotMoves(u, empty)) improved = true;
                }
            }
            // SWAP* costs O(|U| |V|) per route pair: it runs once the cheap moves are exhausted, as a last resort.
            if (!improved && loop >= 1 && SwapStarEnabled && SwapStarPass()) improved = true;
            if (!improved && loop >= 1) break;
        }
        return Export();
    }

    /// <summary>The lowest-numbered empty route, or -1; kept up to date by <see cref="Update"/>.</summary>
    private int _firstEmpty = -1;

    private int FirstEmptyRoute(int from = 0)
    {
        for (int r = from; r < _routes.Length; r++)
            if (_routes[r].Len == 0) return r;
        return -1;
    }

    /// <summary>Slot (vehicle) of each route returned by the last <see cref="Run"/>, in the same order.</summary>
    public int[] ExportedSlots { get; private set; } = [];

    private int[] Load(List<int[]> routes, int[]? slots)
    {
        _clock = 0;
        var slotOf = slots != null && slots.Length == routes.Count && slots.Distinct().Count() == slots.Length ? slots
            : _d.Uniform || routes.Count == 0 ? Enumerable.Range(0, routes.Count).ToArray()
            : AssignSlots(routes);
        for (int r = 0; r < _routes.Length; r++) _routes[r].Len = -1;
        // Customers missing from the routes (to be inserted) must not look placed from an earlier run.
        Array.Fill(_routeOf, -1);
        for (int k = 0; k < routes.Count; k++) Fill(slotOf[k], routes[k]);
        for (int r = 0; r < _routes.Length; r++) if (_routes[r].Len < 0) Fill(r, []);
        if (_d.HasPins) RepairPins();
        if (_d.HasPrecedence) RepairPrecedence();
        _firstEmpty = FirstEmptyRoute();
        return slotOf;

        void Fill(int r, int[] src)
        {
            var R = _routes[r];
            R.Ensure(src.Length + 2);
            R.Seq[0] = _d.StartNode[r];
            src.CopyTo(R.Seq, 1);
            R.Len = src.Length;
            R.Seq[R.Len + 1] = _d.EndNode[r];
            Update(r);
        }
    }

    /// <summary>Greedy assignment of routes to differing vehicles: heaviest route first, to the free vehicle where it costs least.</summary>
    private int[] AssignSlots(List<int[]> routes)
    {
        var result = new int[routes.Count];
        var taken = new bool[_d.Fleet];
        foreach (int k in Enumerable.Range(0, routes.Count).OrderByDescending(k => routes[k].Sum(c => _d.Demand[c])))
        {
            double best = double.PositiveInfinity;
            int bestSlot = -1;
            for (int r = 0; r < _d.Fleet; r++)
            {
                if (taken[r]) continue;
                var seg = _d.StartSegment[r];
                int misplaced = 0;
                foreach (int c in routes[k])
                {
                    seg = Segment.Merge(_d, seg, _d.NodeSegment[c]);
                    if (!_d.Allowed(c, r)) misplaced++;
                }
                seg = Segment.Merge(_d, seg, _d.EndSegment[r]);
                double cost = _p.RouteCost(_d, seg, r) + misplaced * 1e6;
                if (cost < best) { best = cost; bestSlot = r; }
            }
            taken[bestSlot] = true;
            result[k] = bestSlot;
        }
        return result;
    }

    /// <summary>Moves every customer pinned elsewhere into its own vehicle, at the position where it costs least.</summary>
    private void RepairPins()
    {
        for (int c = 1; c <= _d.Customers; c++)
        {
            int target = _d.Pin[c];
            if (target < 0 || _routeOf[c] < 0 || _routeOf[c] == target) continue;
            int from = _routeOf[c];
            _routes[from].RemoveAt(_posOf[c]);
            Update(from);
            InsertBest(c, target);
        }
    }

    /// <summary>Puts every customer that comes before its required predecessor right after it, until none does.</summary>
    private void RepairPrecedence()
    {
        for (int round = 0; round <= _d.Customers; round++)
        {
            bool moved = false;
            for (int c = 1; c <= _d.Customers; c++)
            {
                int a = _d.AfterNode[c];
                if (a < 0 || _routeOf[c] < 0 || _routeOf[a] < 0 || (_routeOf[a] == _routeOf[c] && _posOf[a] < _posOf[c])) continue;
                int from = _routeOf[c];
                _routes[from].RemoveAt(_posOf[c]);
                Update(from);
                int to = _routeOf[a];
                _routes[to].InsertAt(_posOf[a] + 1, c);
                Update(to);
                moved = true;
            }
            if (!moved) return;
        }
    }

    /// <summary>Inserts c where the penalised cost grows least, over every vehicle it may use.</summary>
    private void InsertBestAnywhere(int c)
    {
        double best = double.PositiveInfinity;
        int bestRoute = -1, bestPos = 1;
        bool triedEmpty = false;
        for (int r = 0; r < _routes.Length; r++)
        {
            var R = _routes[r];
            if (!_d.Allowed(c, r) || (R.Len == 0 && _d.Uniform && triedEmpty)) continue;
            triedEmpty |= R.Len == 0;
            for (int j = 0; j <= R.Len; j++)
            {
                double cost = Cost(M(R.Fwd[j], _d.NodeSegment[c], R.Bwd[j + 1]), r) - R.Cost;
                if (cost < best) { best = cost; bestRoute = r; bestPos = j + 1; }
            }
        }
        int a = _d.AfterNode[c];
        if (a >= 0 && _routeOf[a] >= 0)
        {
            // Its predecessor decides the route and the earliest position.
            bestRoute = _routeOf[a];
            bestPos = _posOf[a] + 1;
        }
        else if (bestRoute < 0)
        {
            bestRoute = Math.Max(_d.Pin[c], 0);
            bestPos = 1;
        }
        _routes[bestRoute].InsertAt(bestPos, c);
        Update(bestRoute);
    }

    private void InsertBest(int c, int r)
    {
        var R = _routes[r];
        double best = double.PositiveInfinity;
        int bestPos = 1;
        for (int j = 0; j <= R.Len; j++)
        {
            double cost = Cost(M(R.Fwd[j], _d.NodeSegment[c], R.Bwd[j + 1]), r);
            if (cost < best) { best = cost; bestPos = j + 1; }
        }
        R.InsertAt(bestPos, c);
        Update(r);
    }

    private List<int[]> Export()
    {
        var result = new List<(double Angle, int[] Route, int Slot)>();
        for (int r = 0; r < _routes.Length; r++)
        {
            var R = _routes[r];
            if (R.Len == 0) continue;
            double sx = 0, sy = 0;
            for (int p = 1; p <= R.Len; p++) { sx += _d.X[R.Seq[p]]; sy += _d.Y[R.Seq[p]]; }
            double angle = Math.Atan2(sy / R.Len - _d.Y[0], sx / R.Len - _d.X[0]);
            result.Add((angle, R.Seq.AsSpan(1, R.Len).ToArray(), r));
        }
        // Routes in polar order make the giant tour geometrically coherent for the crossover.
        result.Sort((a, b) => a.Angle.CompareTo(b.Angle));
        ExportedSlots = result.Select(t => t.Slot).ToArray();
        return result.Select(t => t.Route).ToList();
    }

    // ---- precedence: a move that would put a customer before its required predecessor is undone ----

    private int[] _savedU = new int[16], _savedV = new int[16];
    private int _savedLenU, _savedLenV;
    private readonly int[] _seenStamp = [];
    private int _stamp;

    private void Save(int ru, int rv)
    {
        if (!_d.HasPrecedence) return;
        SaveOne(_routes[ru], ref _savedU, out _savedLenU);
        if (rv >= 0) SaveOne(_routes[rv], ref _savedV, out _savedLenV);

        static void SaveOne(Route R, ref int[] buffer, out int len)
        {
            if (buffer.Length < R.Len + 2) buffer = new int[Math.Max(R.Len + 2, 2 * buffer.Length)];
            Array.Copy(R.Seq, buffer, R.Len + 2);
            len = R.Len;
        }
    }

    private bool Commit(int ru, int rv, double delta)
    {
        if (_d.HasPrecedence && (Violates(ru) || (rv >= 0 && Violates(rv))))
        {
            Restore(_routes[ru], _savedU, _savedLenU);
            if (rv >= 0) Restore(_routes[rv], _savedV, _savedLenV);
            return false;
        }
        Update(ru);
        if (rv >= 0) Update(rv);
        MoveApplied?.Invoke(delta);
        return true;

        static void Restore(Route R, int[] buffer, int len)
        {
            R.Ensure(len + 2);
            Array.Copy(buffer, R.Seq, len + 2);
            R.Len = len;
        }
    }

    private bool Violates(int r)
    {
        var R = _routes[r];
        _stamp++;
        for (int p = 1; p <= R.Len; p++)
        {
            int c = R.Seq[p];
            int a = _d.AfterNode[c];
            if (a >= 0 && _seenStamp[a] != _stamp) return true;
            _seenStamp[c] = _stamp;
        }
        return false;
    }

    private bool TailAllowed(Route R, int i, int slot)
    {
        for (int p = i + 1; p <= R.Len; p++)
            if (!_d.Allowed(R.Seq[p], slot)) return false;
        return true;
    }

    private void Update(int r)
    {
        var R = _routes[r];
        int last = R.Len + 1;
        var seg = _d.NodeSegment;
        R.Fwd[0] = _d.StartSegment[r];
        for (int p = 1; p < last; p++)
        {
            int c = R.Seq[p];
            R.Fwd[p] = Segment.Merge(_d, R.Fwd[p - 1], seg[c]);
            _routeOf[c] = r;
            _posOf[c] = p;
        }
        R.Fwd[last] = Segment.Merge(_d, R.Fwd[last - 1], _d.EndSegment[r]);
        R.Bwd[last] = _d.EndSegment[r];
        for (int p = last - 1; p >= 1; p--) R.Bwd[p] = Segment.Merge(_d, seg[R.Seq[p]], R.Bwd[p + 1]);
        R.Bwd[0] = Segment.Merge(_d, _d.StartSegment[r], R.Bwd[1]);
        // Arc lengths by position: the moves read a route's own arcs from here rather than from the matrix.
        for (int p = 0; p < last; p++) R.Arc[p] = Dist(R.Seq[p], R.Seq[p + 1]);
        var full = R.Fwd[last];
        R.Load = full.Load;
        R.Cost = _p.RouteCost(_d, full, r);
        R.WarpPenalty = _p.TimeWarp * full.RouteTimeWarp(_d, r);
        R.ExcessPenalty = _p.Capacity * _d.Excess(full, r);
        R.Fixed = R.Len > 0 ? _d.FixedCost[r] : 0;
        R.Modified = ++_clock;
        if (R.Len == 0) { if (_firstEmpty < 0 || r < _firstEmpty) _firstEmpty = r; }
        else if (r == _firstEmpty) _firstEmpty = FirstEmptyRoute(r + 1);
        if (R.Len > 0)
        {
            R.SectorStart = R.SectorEnd = _d.Angle[R.Seq[1]];
            for (int p = 2; p <= R.Len; p++) ExtendSector(R, _d.Angle[R.Seq[p]]);
        }
    }

    private static int Mod(int a) => a & 0xFFFF;

    /// <summary>Grows the route's polar sector (HGS-CVRP's CircleSector) to cover <paramref name="angle"/>.</summary>
    private static void ExtendSector(Route R, int angle)
    {
        if (Mod(angle - R.SectorStart) <= Mod(R.SectorEnd - R.SectorStart)) return;
        if (Mod(angle - R.SectorEnd) <= Mod(R.SectorStart - angle)) R.SectorEnd = angle;
        else R.SectorStart = angle;
    }

    private static bool SectorsOverlap(Route a, Route b) =>
        Mod(b.SectorStart - a.SectorStart) <= Mod(a.SectorEnd - a.SectorStart) || Mod(a.SectorStart - b.SectorStart) <= Mod(b.SectorEnd - b.SectorStart);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Dist(int a, int b) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_dist), a * _n + b);

    /// <summary>
    /// Arc from a node of the other route (b) back into u's route (a): on a symmetric matrix it is read from
    /// a's row, which the moves of u keep in cache, instead of b's; the same value either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Back(int b, int a) => _symmetric ? Dist(a, b) : Dist(b, a);

    /// <summary>Overload in the first dimension on slot r (the other dimensions are bounded through <see cref="Route.ExcessPenalty"/>).</summary>
    private double Excess(double load, int r) => Math.Max(load - _d.Cap[r * VrptwInstance.MaxLoadDimensions], 0);

    private double Cost(in Segment full, int r) => _p.RouteCost(_d, full, r);

    private Segment M(in Segment a, in Segment b) => Segment.Merge(_d, a, b);

    private Segment M(in Segment a, in Segment b, in Segment c) => Segment.Merge(_d, Segment.Merge(_d, a, b), c);

    private Segment M(in Segment a, in Segment b, in Segment c, in Segment e) => Segment.Merge(_d, Segment.Merge(_d, Segment.Merge(_d, a, b), c), e);

    /// <summary>Lower bound on an inter-route move's gain: time warp can only vanish, never go negative.</summary>
    private bool Hopeless(Route U, Route V, double distDelta, double newLoadU, double newLoadV) =>
        distDelta + _p.Capacity * (Excess(newLoadU, U.Slot) + Excess(newLoadV, V.Slot)) - U.ExcessPenalty - V.ExcessPenalty
            - U.WarpPenalty - V.WarpPenalty - U.Fixed - V.Fixed > -Epsilon;

    /// <summary>Tries the moves between u and the node at position j of route rv; applies the first improving one.</summary>
    private bool TryMoves(int u, int rv, int j)
    {
        int ru = _routeOf[u];
        return ru == rv ? TryIntra(u, j) : TryInter(u, rv, j);
    }

    private bool TryDepotMoves(int u, int rv)
    {
        int ru = _routeOf[u];
        if (ru == rv) return IntraRelocate(u, 0, 1) || IntraRelocate(u, 0, 2) || IntraRelocate(u, 0, 3);
        var U = _routes[ru];
        var V = _routes[rv];
        int i = _posOf[u];
        return Relocate(U, V, ru, rv, i, 0) || RelocatePair(U, V, ru, rv, i, 0, false) || RelocatePair(U, V, ru, rv, i, 0, true) || TwoOptStar(U, V, ru, rv, i, 0);
    }

    private bool TryInter(int u, int rv, int j)
    {
        int ru = _routeOf[u];
        var U = _routes[ru];
        var V = _routes[rv];
        int i = _posOf[u];
        return Relocate(U, V, ru, rv, i, j)
            || RelocatePair(U, V, ru, rv, i, j, false)
            || RelocatePair(U, V, ru, rv, i, j, true)
            || Swap(U, V, ru, rv, i, j)
            || SwapPairWithOne(U, V, ru, rv, i, j)
            || SwapPairs(U, V, ru, rv, i, j)
            || TwoOptStar(U, V, ru, rv, i, j);
    }

    // ---- inter-route moves: u at position i of U, v at position j of V (j = 0: V's depot) ----

    private bool Relocate(Route U, Route V, int ru, int rv, int i, int j)
    {
        int u = U.Seq[i], pu = U.Seq[i - 1], x = U.Seq[i + 1], v = V.Seq[j], y = V.Seq[j + 1];
        if (_d.HasPins && !_d.Allowed(u, rv)) return false;
        double dd = Dist(pu, x) - U.Arc[i - 1] - U.Arc[i] + Back(v, u) + Dist(u, y) - V.Arc[j];
        double du = _d.Demand[u];
        if (Hopeless(U, V, dd, U.Load - du, V.Load + du)) return false;
        var nu = M(U.Fwd[i - 1], U.Bwd[i + 1]);
        var nv = M(V.Fwd[j], _d.NodeSegment[u], V.Bwd[j + 1]);
        double delta = Cost(nu, ru) + Cost(nv, rv) - U.Cost - V.Cost;
        if (delta > -Epsilon) return false;
        Save(ru, rv);
        U.RemoveAt(i);
        V.InsertAt(j + 1, u);
        return Commit(ru, rv, delta);
    }

    private bool RelocatePair(Route U, Route V, int ru, int rv, int i, int j, bool reversed)
    {
        int u = U.Seq[i], x = U.Seq[i + 1];
        if (!_d.IsCustomer(x)) return false;
        int pu = U.Seq[i - 1], xx = U.Seq[i + 2], v = V.Seq[j], y = V.Seq[j + 1];
        int first = reversed ? x : u, second = reversed ? u : x;
        if (_d.HasPins && (!_d.Allowed(u, rv) || !_d.Allowed(x, rv))) return false;
        double dd = Dist(pu, xx) - U.Arc[i - 1] - U.Arc[i] - U.Arc[i + 1] + Back(v, first) + Dist(first, second) + Dist(second, y) - V.Arc[j];
        double dl = _d.Demand[u] + _d.Demand[x];
        if (Hopeless(U, V, dd, U.Load - dl, V.Load + dl)) return false;
        var nu = M(U.Fwd[i - 1], U.Bwd[i + 2]);
        var nv = M(V.Fwd[j], _d.NodeSegment[first], _d.NodeSegment[second], V.Bwd[j + 1]);
        double delta = Cost(nu, ru) + Cost(nv, rv) - U.Cost - V.Cost;
        if (delta > -Epsilon) return false;
        Save(ru, rv);
        U.RemoveAt(i);
        U.RemoveAt(i);
        V.InsertAt(j + 1, first);
        V.InsertAt(j + 2, second);
        return Commit(ru, rv, delta);
    }

    private bool Swap(Route U, Route V, int ru, int rv, int i, int j)
    {
        if (j == 0) return false;
        int u = U.Seq[i], pu = U.Seq[i - 1], x = U.Seq[i + 1], v = V.Seq[j], pv = V.Seq[j - 1], y = V.Seq[j + 1];
        if (_d.HasPins && (!_d.Allowed(u, rv) || !_d.Allowed(v, ru))) return false;
        double dd = Dist(pu, v) + Back(v, x) - U.Arc[i - 1] - U.Arc[i] + Back(pv, u) + Dist(u, y) - V.Arc[j - 1] - V.Arc[j];
        double dl = _d.Demand[v] - _d.Demand[u];
        if (Hopeless(U, V, dd, U.Load + dl, V.Load - dl)) return false;
        var nu = M(U.Fwd[i - 1], _d.NodeSegment[v], U.Bwd[i + 1]);
        var nv = M(V.Fwd[j - 1], _d.NodeSegment[u], V.Bwd[j + 1]);
        double delta = Cost(nu, ru) + Cost(nv, rv) - U.Cost - V.Cost;
        if (delta > -Epsilon) return false;
        Save(ru, rv);
        U.Seq[i] = v;
        V.Seq[j] = u;
        return Commit(ru, rv, delta);
    }

    private bool SwapPairWithOne(Route U, Route V, int ru, int rv, int i, int j)
    {
        int x = U.Seq[i + 1];
        if (j == 0 || !_d.IsCustomer(x)) return false;
        int u = U.Seq[i], pu = U.Seq[i - 1], xx = U.Seq[i + 2], v = V.Seq[j], pv = V.Seq[j - 1], y = V.Seq[j + 1];
        if (_d.HasPins && (!_d.Allowed(u, rv) || !_d.Allowed(x, rv) || !_d.Allowed(v, ru))) return false;
        double dd = Dist(pu, v) + Back(v, xx) - U.Arc[i - 1] - U.Arc[i + 1] + Back(pv, u) + Dist(x, y) - V.Arc[j - 1] - V.Arc[j];
        double dl = _d.Demand[v] - _d.Demand[u] - _d.Demand[x];
        if (Hopeless(U, V, dd, U.Load + dl, V.Load - dl)) return false;
        var nu = M(U.Fwd[i - 1], _d.NodeSegment[v], U.Bwd[i + 2]);
        var nv = M(V.Fwd[j - 1], _d.NodeSegment[u], _d.NodeSegment[x], V.Bwd[j + 1]);
        double delta = Cost(nu, ru) + Cost(nv, rv) - U.Cost - V.Cost;
        if (delta > -Epsilon) return false;
        Save(ru, rv);
        U.Seq[i] = v;
        U.RemoveAt(i + 1);
        V.Seq[j] = u;
        V.InsertAt(j + 1, x);
        return Commit(ru, rv, delta);
    }

    private bool SwapPairs(Route U, Route V, int ru, int rv, int i, int j)
    {
        if (j == 0) return false;
        int x = U.Seq[i + 1], y = V.Seq[j + 1];
        if (!_d.IsCustomer(x) || !_d.IsCustomer(y)) return false;
        int u = U.Seq[i], pu = U.Seq[i - 1], xx = U.Seq[i + 2], v = V.Seq[j], pv = V.Seq[j - 1], yy = V.Seq[j + 2];
        if (_d.HasPins && (!_d.Allowed(u, rv) || !_d.Allowed(x, rv) || !_d.Allowed(v, ru) || !_d.Allowed(y, ru))) return false;
        double dd = Dist(pu, v) + Back(y, xx) - U.Arc[i - 1] - U.Arc[i + 1] + V.Arc[j] - U.Arc[i]
                  + Back(pv, u) + Dist(x, yy) - V.Arc[j - 1] - V.Arc[j + 1] + U.Arc[i] - V.Arc[j];
        double dl = _d.Demand[v] + _d.Demand[y] - _d.Demand[u] - _d.Demand[x];
        if (Hopeless(U, V, dd, U.Load + dl, V.Load - dl)) return false;
        var nu = M(U.Fwd[i - 1], _d.NodeSegment[v], _d.NodeSegment[y], U.Bwd[i + 2]);
        var nv = M(V.Fwd[j - 1], _d.NodeSegment[u], _d.NodeSegment[x], V.Bwd[j + 2]);
        double delta = Cost(nu, ru) + Cost(nv, rv) - U.Cost - V.Cost;
        if (delta > -Epsilon) return false;
        Save(ru, rv);
        U.Seq[i] = v; U.Seq[i + 1] = y;
        V.Seq[j] = u; V.Seq[j + 1] = x;
        return Commit(ru, rv, delta);
    }

    /// <summary>2-opt*: U keeps its head up to u and takes V's tail after v; V takes U's tail.</summary>
    private bool TwoOptStar(Route U, Route V, int ru, int rv, int i, int j)
    {
        int u = U.Seq[i], x = U.Seq[i + 1], v = V.Seq[j], y = V.Seq[j + 1];
        if (_d.HasPins && (!TailAllowed(U, i, rv) || !TailAllowed(V, j, ru))) return false;
        Segment nu, nv;
        if (_d.EndClass[ru] == _d.EndClass[rv])
        {
            double dd = Dist(u, y) + Back(v, x) - U.Arc[i] - V.Arc[j];
            double newLoadU = U.Fwd[i].Load + V.Bwd[j + 1].Load, newLoadV = V.Fwd[j].Load + U.Bwd[i + 1].Load;
            if (Hopeless(U, V, dd, newLoadU, newLoadV)) return false;
            nu = M(U.Fwd[i], V.Bwd[j + 1]);
            nv = M(V.Fwd[j], U.Bwd[i + 1]);
        }
        else
        {
            // Different ends: the suffixes carry the other van's end, so the tails are merged node by node.
            nu = U.Fwd[i];
            for (int p = j + 1; p <= V.Len; p++) nu = Segment.Merge(_d, nu, _d.NodeSegment[V.Seq[p]]);
            nu = Segment.Merge(_d, nu, _d.EndSegment[ru]);
            nv = V.Fwd[j];
            for (int p = i + 1; p <= U.Len; p++) nv = Segment.Merge(_d, nv, _d.NodeSegment[U.Seq[p]]);
            nv = Segment.Merge(_d, nv, _d.EndSegment[rv]);
        }
        double delta = Cost(nu, ru) + Cost(nv, rv) - U.Cost - V.Cost;
        if (delta > -Epsilon) return false;
        Save(ru, rv);
        int tailU = U.Len - i, tailV = V.Len - j;
        Array.Copy(U.Seq, i + 1, _scratch, 0, tailU);
        U.Ensure(i + tailV + 2);
        Array.Copy(V.Seq, j + 1, U.Seq, i + 1, tailV);
        U.Len = i + tailV;
        U.Seq[U.Len + 1] = _d.EndNode[ru];
        V.Ensure(j + tailU + 2);
        Array.Copy(_scratch, 0, V.Seq, j + 1, tailU);
        V.Len = j + tailU;
        V.Seq[V.Len + 1] = _d.EndNode[rv];
        return Commit(ru, rv, delta);
    }


    // ---- SWAP* (Vidal 2022, with time windows as in PyVRP): exchange u and v between two routes,
    // each inserted at its best position in the other route rather than in the other's place ----

    private bool SwapStarPass()
    {
        bool any = false;
        for (int ru = 0; ru < _routes.Length; ru++)
        {
            var U = _routes[ru];
            if (U.Len == 0) continue;
            int lastTest = _lastSwapStar[ru];
            _lastSwapStar[ru] = _clock;
            // Only routes that hold a near neighbour of one of U's customers: long routes of wide-window
            // instances overlap in polar sectors almost pairwise, and SWAP* between far routes never pays.
            Array.Clear(_pairMark);
            for (int p = 1; p <= U.Len; p++)
            {
                var nb = _d.Neighbours[U.Seq[p]];
                for (int t = 0; t < nb.Length && t < SwapStarNeighbours; t++) _pairMark[_routeOf[nb[t]]] = true;
            }
            for (int rv = ru + 1; rv < _routes.Length; rv++)
            {
                var V = _routes[rv];
                if (!_pairMark[rv] || V.Len == 0 || Math.Max(U.Modified, V.Modified) <= lastTest || !SectorsOverlap(U, V)) continue;
                if (SwapStar(ru, rv)) any = true;
            }
        }
        return any;
    }

    /// <summary>Distance plus penalised time warp of a complete route (load is handled separately in SWAP*).</summary>
    private double DT(in Segment full, int r) => full.Distance + _p.TimeWarp * full.RouteTimeWarp(_d, r);

    private void CacheInsertions(Route from, Route into)
    {
        double baseCost = DT(into.Fwd[into.Len + 1], into.Slot);
        for (int i = 1; i <= from.Len; i++)
        {
            int u = from.Seq[i], k = u * 3;
            _insCost[k] = _insCost[k + 1] = _insCost[k + 2] = double.PositiveInfinity;
            _insPos[k] = _insPos[k + 1] = _insPos[k + 2] = -1;
            var node = _d.NodeSegment[u];
            for (int j = 0; j <= into.Len; j++)
            {
                double c = DT(M(into.Fwd[j], node, into.Bwd[j + 1]), into.Slot) - baseCost;
                if (c >= _insCost[k + 2]) continue;
                if (c < _insCost[k + 1])
                {
                    _insCost[k + 2] = _insCost[k + 1]; _insPos[k + 2] = _insPos[k + 1];
                    if (c < _insCost[k])
                    {
                        _insCost[k + 1] = _insCost[k]; _insPos[k + 1] = _insPos[k];
                        _insCost[k] = c; _insPos[k] = j;
                    }
                    else { _insCost[k + 1] = c; _insPos[k + 1] = j; }
                }
                else { _insCost[k + 2] = c; _insPos[k + 2] = j; }
            }
        }
    }

    /// <summary>Best way to put v into R in place of the node at position i: (cost change without load, insert-after position).</summary>
    private (double Cost, int After) BestInsertReplacing(Route R, int i, int v, double removal)
    {
        double best = DT(M(R.Fwd[i - 1], _d.NodeSegment[v], R.Bwd[i + 1]), R.Slot) - DT(R.Fwd[R.Len + 1], R.Slot);
        int after = i;
        int k = v * 3;
        for (int t = 0; t < 3; t++)
        {
            int q = _insPos[k + t];
            if (q < 0) break;
            if (q == i - 1 || q == i) continue;
            double c = removal + _insCost[k + t];
            if (c < best) { best = c; after = q; }
            break;
        }
        return (best, after);
    }

    private bool SwapStar(int ru, int rv)
    {
        var U = _routes[ru];
        var V = _routes[rv];
        CacheInsertions(U, V);
        CacheInsertions(V, U);
        double dtU = DT(U.Fwd[U.Len + 1], ru), dtV = DT(V.Fwd[V.Len + 1], rv);
        double bestEstimate = -Epsilon;
        int bi = -1, bj = -1, bqU = -1, bqV = -1;
        for (int j = 1; j <= V.Len; j++) _removal[j] = DT(M(V.Fwd[j - 1], V.Bwd[j + 1]), rv) - dtV;
        for (int i = 1; i <= U.Len; i++)
        {
            int u = U.Seq[i];
            double removeU = DT(M(U.Fwd[i - 1], U.Bwd[i + 1]), ru) - dtU;
            for (int j = 1; j <= V.Len; j++)
            {
                int v = V.Seq[j];
                if (_d.HasPins && (!_d.Allowed(u, rv) || !_d.Allowed(v, ru))) continue;
                double dl = _d.Demand[v] - _d.Demand[u];
                double load = _p.Capacity * (Excess(U.Load + dl, ru) + Excess(V.Load - dl, rv) - Excess(U.Load, ru) - Excess(V.Load, rv));
                double removeV = _removal[j];
                // Insertions never cost less than nothing (triangle inequality, time warp only grows): a quick filter as in HGS-CVRP.
                if (removeU + removeV + load >= bestEstimate) continue;
                var (cu, qU) = BestInsertReplacing(U, i, v, removeU);
                if (cu + removeV + load >= bestEstimate) continue;
                var (cv, qV) = BestInsertReplacing(V, j, u, removeV);
                double estimate = cu + cv + load;
                if (estimate < bestEstimate)
                {
                    bestEstimate = estimate;
                    bi = i; bj = j; bqU = qU; bqV = qV;
                }
            }
        }
        if (bi < 0) return false;
        int bu = U.Seq[bi], bv = V.Seq[bj];
        var (segU, loU, cntU) = Replaced(U, bi, bv, bqU, 0);
        var (segV, loV, cntV) = Replaced(V, bj, bu, bqV, _d.N + 2);
        double delta = Cost(segU, ru) + Cost(segV, rv) - U.Cost - V.Cost;
        if (delta > -Epsilon) return false;
        Save(ru, rv);
        // Both rewritten spans have the length they replace: one node out, one node in.
        Array.Copy(_swapBuffer, 0, U.Seq, loU, cntU);
        Array.Copy(_swapBuffer, _d.N + 2, V.Seq, loV, cntV);
        return Commit(ru, rv, delta);
    }

    /// <summary>
    /// The route R with the node at position r removed and <paramref name="node"/> inserted after original
    /// position q; returns the full route segment and writes the rewritten span [lo, lo + count) to the buffer.
    /// </summary>
    private (Segment Full, int Lo, int Count) Replaced(Route R, int r, int node, int q, int offset)
    {
        int lo = Math.Min(r, q + 1), hi = Math.Max(r, q), k = offset;
        if (q < lo) _swapBuffer[k++] = node;
        for (int p = lo; p <= hi; p++)
        {
            if (p != r) _swapBuffer[k++] = R.Seq[p];
            if (p == q) _swapBuffer[k++] = node;
        }
        var seg = R.Fwd[lo - 1];
        for (int t = offset; t < k; t++) seg = Segment.Merge(_d, seg, _d.NodeSegment[_swapBuffer[t]]);
        seg = Segment.Merge(_d, seg, R.Bwd[hi + 1]);
        return (seg, lo, k - offset);
    }

    // ---- intra-route moves: the changed span [a, b] is rewritten from _scratch ----

    private bool TryIntra(int u, int j)
    {
        int i = _posOf[u];
        return IntraRelocate(u, j, 1) || IntraRelocate(u, j, 2) || IntraRelocate(u, j, 3) || IntraSwap(i, j, _routeOf[u]) || IntraTwoOpt(i, j, _routeOf[u]);
    }

    /// <summary>Moves u (kind 1), u-x (kind 2) or x-u (kind 3) right after position j of its own route.</summary>
    private bool IntraRelocate(int u, int j, int kind)
    {
        int r = _routeOf[u];
        var R = _routes[r];
        int i = _posOf[u];
        int len = kind == 1 ? 1 : 2;
        if (len == 2 && !_d.IsCustomer(R.Seq[i + 1])) return false;
        int end = i + len - 1;
        if (j >= i && j <= end) return false;
        if (j == i - 1 && kind != 3) return false;
        if (j != i - 1 && IntraRelocateHopeless(R, i, j, kind)) return false;
        int a, b, k = 0;
        if (j > end)
        {
            a = i; b = j;
            for (int p = end + 1; p <= j; p++) _scratch[k++] = R.Seq[p];
            k = AppendMoved(R, i, kind, k);
        }
        else
        {
            a = j + 1; b = end;
            k = AppendMoved(R, i, kind, k);
            for (int p = j + 1; p < i; p++) _scratch[k++] = R.Seq[p];
        }
        return ApplyIntraIfBetter(r, a, b, k);
    }

    /// <summary>O(1) distance bound before the O(span) evaluation: capacity is unchanged and time warp can only vanish.</summary>
    private bool IntraRelocateHopeless(Route R, int i, int j, int kind)
    {
        var s = R.Seq;
        int u = s[i], pu = s[i - 1], v = s[j], y = s[j + 1];
        double dd;
        if (kind == 1)
            dd = Dist(pu, s[i + 1]) - R.Arc[i - 1] - R.Arc[i] + Dist(v, u) + Dist(u, y) - R.Arc[j];
        else
        {
            int x = s[i + 1], xx = s[i + 2];
            int first = kind == 2 ? u : x, second = kind == 2 ? x : u;
            dd = Dist(pu, xx) - R.Arc[i - 1] - R.Arc[i] - R.Arc[i + 1] + Dist(v, first) + Dist(first, second) + Dist(second, y) - R.Arc[j];
        }
        return dd - R.WarpPenalty > -Epsilon;
    }

    private int AppendMoved(Route R, int i, int kind, int k)
    {
        int u = R.Seq[i];
        switch (kind)
        {
            case 1: _scratch[k++] = u; break;
            case 2: _scratch[k++] = u; _scratch[k++] = R.Seq[i + 1]; break;
            default: _scratch[k++] = R.Seq[i + 1]; _scratch[k++] = u; break;
        }
        return k;
    }

    private bool IntraSwap(int i, int j, int r)
    {
        if (j == 0 || Math.Abs(i - j) <= 1) return false;
        var R = _routes[r];
        int a = Math.Min(i, j), b = Math.Max(i, j), k = 0;
        var s = R.Seq;
        int na = s[a], nb = s[b];
        double dd = Dist(s[a - 1], nb) + Dist(nb, s[a + 1]) - R.Arc[a - 1] - R.Arc[a]
                  + Dist(s[b - 1], na) + Dist(na, s[b + 1]) - R.Arc[b - 1] - R.Arc[b];
        if (dd - R.WarpPenalty > -Epsilon) return false;
        for (int p = a; p <= b; p++) _scratch[k++] = R.Seq[p];
        (_scratch[0], _scratch[k - 1]) = (_scratch[k - 1], _scratch[0]);
        return ApplyIntraIfBetter(r, a, b, k);
    }

    /// <summary>Reverses the path between u's successor and v (u before v in the route).</summary>
    private bool IntraTwoOpt(int i, int j, int r)
    {
        if (j <= i + 1) return false;
        var R = _routes[r];
        int a = i + 1, b = j, k = 0;
        if (_symmetric)
        {
            double dd = Dist(R.Seq[i], R.Seq[j]) + Dist(R.Seq[i + 1], R.Seq[j + 1]) - R.Arc[i] - R.Arc[j];
            if (dd - R.WarpPenalty > -Epsilon) return false;
        }
        for (int p = b; p >= a; p--) _scratch[k++] = R.Seq[p];
        return ApplyIntraIfBetter(r, a, b, k);
    }

    private bool ApplyIntraIfBetter(int r, int a, int b, int count)
    {
        var R = _routes[r];
        var seg = R.Fwd[a - 1];
        double dist = 0;
        int prev = R.Seq[a - 1];
        for (int k = 0; k < count; k++)
        {
            dist += Dist(prev, _scratch[k]);
            prev = _scratch[k];
        }
        dist += Dist(prev, R.Seq[b + 1]);
        double oldDist = R.Fwd[b + 1].Distance - R.Fwd[a - 1].Distance;
        if (dist - oldDist - R.WarpPenalty > -Epsilon) return false;
        for (int k = 0; k < count; k++) seg = Segment.Merge(_d, seg, _d.NodeSegment[_scratch[k]]);
        seg = Segment.Merge(_d, seg, R.Bwd[b + 1]);
        double delta = Cost(seg, r) - R.Cost;
        if (delta > -Epsilon) return false;
        Save(r, -1);
        Array.Copy(_scratch, 0, R.Seq, a, count);
        return Commit(r, -1, delta);
    }

    private sealed class Route
    {
        public int[] Seq = new int[16];
        public Segment[] Fwd = new Segment[16];
        public Segment[] Bwd = new Segment[16];
        /// <summary>Arc[p]: distance from the node at position p to the next one.</summary>
        public double[] Arc = new double[16];
        public int Len;
        public double Load, Cost, WarpPenalty, ExcessPenalty, Fixed;
        public int Slot;
        public int Modified;
        public int SectorStart, SectorEnd;

        public void Ensure(int size)
        {
            if (size <= Seq.Length) return;
            int n = Math.Max(size, Seq.Length * 2);
            // Kept, not cleared: a move undone for a precedence restores the sequence without recomputing them.
            Array.Resize(ref Seq, n);
            Array.Resize(ref Fwd, n);
            Array.Resize(ref Bwd, n);
            Array.Resize(ref Arc, n);
        }

        public void RemoveAt(int pos)
        {
            Array.Copy(Seq, pos + 1, Seq, pos, Len + 1 - pos);
            Len--;
        }

        public void InsertAt(int pos, int node)
        {
            Ensure(Len + 3);
            Array.Copy(Seq, pos, Seq, pos + 1, Len + 2 - pos);
            Seq[pos] = node;
            Len++;
        }
    }
}
