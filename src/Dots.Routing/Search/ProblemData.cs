using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dots.Routing.Search;

/// <summary>
/// The search's view of an instance: dense arrays over the nodes it must route (node 0 the depot),
/// which may be a subset of the instance's customers when unservable ones were dropped.
/// </summary>
internal sealed class ProblemData
{
    /// <param name="instance">The instance.</param>
    /// <param name="instanceNodes">Depot (0) and the customers to route, as instance node indices.</param>
    /// <param name="neighbourCount">Granular neighbourhood size.</param>
    public ProblemData(VrptwInstance instance, IReadOnlyList<int> instanceNodes, int neighbourCount)
    {
        Customers = instanceNodes.Count - 1;
        // Anchors after the routed customers: the places, and served customers (the last one of a frozen
        // prefix is where its van stands), so that every route end has a node in the matrices.
        var nodes = instanceNodes.ToList();
        for (int k = 0; k < instance.Places.Count; k++) nodes.Add(instance.NodeCount + k);
        var servedNodes = new HashSet<int>();
        for (int v = 0; v < instance.VehicleCount; v++)
            foreach (var id in instance.VehicleAt(v).Served) servedNodes.Add(instance.NodeOfId(id));
        nodes.AddRange(servedNodes.Where(x => !instanceNodes.Contains(x)).Order());
        InstanceNode = nodes.ToArray();
        N = InstanceNode.Length;
        var local = new Dictionary<int, int>();
        for (int i = 0; i < N; i++) local.TryAdd(InstanceNode[i], i);
        Dimensions = instance.LoadDimensions;
        Capacity = instance.Capacity;
        MaxDuration = instance.MaxRouteDuration ?? double.PositiveInfinity;
        Dist = new double[N * N];
        Time = new double[N * N];
        Demand = new double[N];
        ExtraLoad = new double[N * 3];
        Ready = new double[N];
        Due = new double[N];
        Service = new double[N];
        X = new double[N];
        Y = new double[N];
        for (int i = 0; i < N; i++)
        {
            var s = instance.Node(InstanceNode[i]);
            bool isCustomer = InstanceNode[i] >= 1 && InstanceNode[i] < instance.NodeCount;
            Demand[i] = isCustomer ? s.Load(0) : 0;
            for (int dim = 1; dim < Dimensions; dim++) ExtraLoad[i * 3 + dim - 1] = isCustomer ? s.Load(dim) : 0;
            Ready[i] = s.ReadyTime;
            Due[i] = s.DueTime;
            Service[i] = isCustomer ? s.ServiceTime : (i == 0 ? s.ServiceTime : 0);
            X[i] = s.X;
            Y[i] = s.Y;
            for (int j = 0; j < N; j++)
            {
                Dist[i * N + j] = instance.Distance(InstanceNode[i], InstanceNode[j]);
                Time[i * N + j] = instance.TravelTime(InstanceNode[i], InstanceNode[j]);
            }
        }
        // Travel times equal to distances (the benchmarks: speed 1) share one matrix: a segment merge then
        // reads one cache line for both, which matters once the matrices outgrow the cache (1000 customers: 8 MB each).
        if (Time.AsSpan().SequenceEqual(Dist)) Time = Dist;
        NodeSegment = new Segment[N];
        for (int i = 0; i < N; i++) NodeSegment[i] = Segment.Single(this, i);
        Angle = new int[N];
        for (int i = 1; i < N; i++)
        {
            double a = Math.Atan2(Y[i] - Y[0], X[i] - X[0]);
            Angle[i] = (int)Math.Round(32768 * a / Math.PI) & 0xFFFF;
        }

        // The fleet the search routes: vehicles that still take stops, each with its start and end segments.
        var slots = Enumerable.Range(0, instance.VehicleCount).Where(v => !instance.VehicleAt(v).Closed).ToArray();
        VehicleIndex = slots;
        Fleet = slots.Length;
        StartSegment = new Segment[Fleet];
        EndSegment = new Segment[Fleet];
        StartNode = new int[Fleet];
        EndNode = new int[Fleet];
        Cap = new double[Fleet * VrptwInstance.MaxLoadDimensions];
        VehicleMaxDuration = new double[Fleet];
        FixedCost = new double[Fleet];
        bool uniform = instance.Vehicles == null;
        for (int r = 0; r < Fleet; r++)
        {
            int k = slots[r];
            var v = instance.VehicleAt(k);
            for (int dim = 0; dim < VrptwInstance.MaxLoadDimensions; dim++) Cap[r * VrptwInstance.MaxLoadDimensions + dim] = instance.CapacityOf(k, dim);
            VehicleMaxDuration[r] = v.MaxDuration ?? MaxDuration;
            FixedCost[r] = v.FixedCost;
            if (instance.Vehicles == null)
            {
                StartSegment[r] = EndSegment[r] = NodeSegment[0];
                continue;
            }
            double shiftStart = v.ShiftStart ?? instance.Depot.ReadyTime, shiftEnd = v.ShiftEnd ?? instance.Depot.DueTime;
            var start = Segment.Single(this, local[v.StartNode]);
            start.Earliest = shiftStart;
            start.Latest = shiftEnd;
            start.Duration = 0;
            foreach (var id in v.Served) start = Segment.Merge(this, start, NodeSegment[local[instance.NodeOfId(id)]]);
            // Served stops are anchors, not routed customers, but they make the van "used" for its fixed cost.
            start.Stops = v.Served.Count;
            if (v.AvailableAt is { } at)
            {
                var release = new Segment { First = start.Last, Last = start.Last, Earliest = at, Latest = double.PositiveInfinity };
                start = Segment.Merge(this, start, release);
            }
            var end = Segment.Single(this, local[v.EndNode]);
            end.Earliest = shiftStart;
            end.Latest = shiftEnd;
            end.Duration = 0;
            StartSegment[r] = start;
            EndSegment[r] = end;
        }
        EndClass = new int[Fleet];
        for (int r = 0; r < Fleet; r++)
        {
            StartNode[r] = StartSegment[r].Last;
            EndNode[r] = EndSegment[r].First;
            EndClass[r] = r;
            for (int q = 0; q < r; q++)
                if (EndSegment[q].Equals(EndSegment[r])) { EndClass[r] = EndClass[q]; break; }
        }
        if (!uniform)
        {
            uniform = true;
            for (int r = 1; r < Fleet && uniform; r++)
            {
                uniform = StartSegment[r].Equals(StartSegment[0]) && EndSegment[r].Equals(EndSegment[0])
                    && VehicleMaxDuration[r] == VehicleMaxDuration[0] && FixedCost[r] == FixedCost[0];
                for (int dim = 0; dim < VrptwInstance.MaxLoadDimensions; dim++)
                    uniform &= Cap[r * VrptwInstance.MaxLoadDimensions + dim] == Cap[dim];
            }
        }

        // Pins (to a search slot) and precedences, propagated so that a chain shares one van.
        Pin = new int[N];
        AfterNode = new int[N];
        Array.Fill(Pin, -1);
        Array.Fill(AfterNode, -1);
        var slotOf = new Dictionary<int, int>();
        for (int r = 0; r < Fleet; r++) slotOf[slots[r]] = r;
        var servedBy = new Dictionary<int, int>();
        for (int v = 0; v < instance.VehicleCount; v++)
            foreach (var id in instance.VehicleAt(v).Served) servedBy[id] = v;
        for (int c = 1; c <= Customers; c++)
        {
            var s = instance.Node(InstanceNode[c]);
            if (s.Vehicle is { } pv && slotOf.TryGetValue(pv, out int slot)) Pin[c] = slot;
            if (s.After is { } a)
            {
                if (servedBy.TryGetValue(a, out int byVehicle)) { if (slotOf.TryGetValue(byVehicle, out int bs)) Pin[c] = bs; }
                else if (local.TryGetValue(instance.NodeOfId(a), out int an) && an >= 1 && an <= Customers) AfterNode[c] = an;
            }
        }
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int c = 1; c <= Customers; c++)
            {
                int a = AfterNode[c];
                if (a < 0 || Pin[a] == Pin[c]) continue;
                if (Pin[a] >= 0 && Pin[c] >= 0) throw new ArgumentException($"Customer {instance.Node(InstanceNode[c]).Id} must follow customer {instance.Node(InstanceNode[a]).Id} on the same vehicle, but they are pinned to different vehicles.");
                if (Pin[a] < 0) Pin[a] = Pin[c]; else Pin[c] = Pin[a];
                changed = true;
            }
        }
        for (int c = 1; c <= Customers; c++)
        {
            int steps = 0;
            for (int a = AfterNode[c]; a >= 0; a = AfterNode[a])
                if (++steps > Customers) throw new ArgumentException($"The precedences through customer {instance.Node(InstanceNode[c]).Id} form a cycle.");
        }
        HasServed = StartSegment.Any(x => x.Stops > 0 || x.Distance > 0) || EndSegment.Any(x => x.Distance > 0);
        HasPins = Pin.Any(x => x >= 0);
        HasPrecedence = AfterNode.Any(x => x >= 0);
        Uniform = uniform && !HasPins && !HasPrecedence;

        Neighbours = BuildNeighbours(Math.Min(neighbourCount, Math.Max(Customers - 1, 0)));
        double maxDist = Dist.Max(), maxDemand = Math.Max(Demand.Max(), 1e-9);
        InitialCapacityPenalty = Math.Clamp(maxDist / maxDemand, 0.1, 1000);
    }

    public int N { get; }
    public int Customers { get; }
    public int Fleet { get; }
    public int Dimensions { get; }
    /// <summary>Capacity of the instance's implicit vehicles (dimension 0); per-vehicle capacities are in <see cref="Cap"/>.</summary>
    public double Capacity { get; }
    public double MaxDuration { get; }
    public int[] InstanceNode { get; }
    public double[] Dist { get; }
    public double[] Time { get; }
    public double[] Demand { get; }
    /// <summary>Loads in dimensions 1..3, three per node.</summary>
    public double[] ExtraLoad { get; }
    public double[] Ready { get; }
    public double[] Due { get; }
    public double[] Service { get; }
    public double[] X { get; }
    public double[] Y { get; }
    /// <summary>Polar angle of each node around the depot in 1/65536 of a turn (route sectors for SWAP*).</summary>
    public int[] Angle { get; }
    public Segment[] NodeSegment { get; }
    public int[][] Neighbours { get; }
    public double InitialCapacityPenalty { get; }

    /// <summary>Instance vehicle index of each search slot (closed vans have none).</summary>
    public int[] VehicleIndex { get; }
    /// <summary>Start of each slot's route: its start place, shift, served prefix and release time.</summary>
    public Segment[] StartSegment { get; }
    public Segment[] EndSegment { get; }
    public int[] StartNode { get; }
    public int[] EndNode { get; }
    /// <summary>Slots with equal end segments share a class: 2-opt* may swap their tails with the ends attached.</summary>
    public int[] EndClass { get; }
    /// <summary>Capacities, <see cref="VrptwInstance.MaxLoadDimensions"/> per slot.</summary>
    public double[] Cap { get; }
    public double[] VehicleMaxDuration { get; }
    public double[] FixedCost { get; }
    /// <summary>Slot a customer is pinned to, or -1.</summary>
    public int[] Pin { get; }
    /// <summary>Customer that must come earlier on the same route, or -1.</summary>
    public int[] AfterNode { get; }
    public bool HasPins { get; }
    /// <summary>Some slot's route costs something even without new stops (served prefix, start away from the end).</summary>
    public bool HasServed { get; }
    public bool HasPrecedence { get; }
    /// <summary>All slots identical and no pins or precedences: routes may go to any slot.</summary>
    public bool Uniform { get; }

    public bool IsCustomer(int node) => node >= 1 && node <= Customers;

    public bool Allowed(int customer, int slot) => Pin[customer] < 0 || Pin[customer] == slot;

    /// <summary>Overload of a complete route on slot r, summed over dimensions.</summary>
    public double Excess(in Segment s, int r)
    {
        int b = r * VrptwInstance.MaxLoadDimensions;
        double e = Math.Max(s.Load - Cap[b], 0);
        if (Dimensions > 1)
            e += Math.Max(s.L1 - Cap[b + 1], 0) + Math.Max(s.L2 - Cap[b + 2], 0) + Math.Max(s.L3 - Cap[b + 3], 0);
        return e;
    }

    /// <summary>
    /// Neighbours by the time-aware proximity of Vidal et al. (2013) as used in PyVRP: distance plus
    /// a weight on the least waiting and on the least lateness the arc forces, symmetrised by the minimum
    /// of both directions, so that granular moves try arcs that can be feasible in time as well as short.
    /// </summary>
    private int[][] BuildNeighbours(int k)
    {
        const double waitWeight = 0.2, warpWeight = 1.0;
        int n = Customers + 1;
        var result = new int[N][];
        for (int i = 0; i < N; i++) result[i] = [];
        var prox = new double[n];
        var order = new int[n - 1];
        for (int i = 1; i < n; i++)
        {
            for (int j = 1; j < n; j++)
            {
                prox[j] = j == i ? double.PositiveInfinity : Math.Min(Proximity(i, j), Proximity(j, i));
                order[j - 1] = j;
            }
            Array.Sort(order, (a, b) => prox[a].CompareTo(prox[b]));
            result[i] = order.Take(k).ToArray();
        }
        return result;

        double Proximity(int a, int b)
        {
            double t = Time[a * N + b];
            double wait = Math.Max(Ready[b] - t - Service[a] - Due[a], 0);
            double warp = Math.Max(Ready[a] + Service[a] + t - Due[b], 0);
            return Dist[a * N + b] + waitWeight * wait + warpWeight * warp;
        }
    }
}

/// <summary>
/// Summary of a route segment for O(1) concatenation (Vidal et al. 2013, "time-warp" formulation):
/// minimal duration, unavoidable time warp (lateness), and the window of feasible start times.
/// </summary>
internal struct Segment
{
    public int First, Last, Stops;
    public double Distance, Load, L1, L2, L3, Duration, TimeWarp, Earliest, Latest;

    public static Segment Single(ProblemData d, int node) => new()
    {
        First = node,
        Last = node,
        Stops = d.IsCustomer(node) ? 1 : 0,
        Load = d.Demand[node],
        L1 = d.ExtraLoad[node * 3],
        L2 = d.ExtraLoad[node * 3 + 1],
        L3 = d.ExtraLoad[node * 3 + 2],
        Duration = d.Service[node],
        Earliest = d.Ready[node],
        Latest = d.Due[node],
    };

    public static Segment Merge(ProblemData d, in Segment a, in Segment b)
    {
        int arc = a.Last * d.N + b.First;
        // Arc lookups without bounds checks: every node index comes from the instance's own arrays.
        double travel = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(d.Time), arc);
        double delta = a.Duration - a.TimeWarp + travel;
        double deltaWait = Math.Max(b.Earliest - delta - a.Latest, 0);
        double deltaWarp = Math.Max(a.Earliest + delta - b.Latest, 0);
        Segment s;
        s.First = a.First;
        s.Last = b.Last;
        s.Distance = a.Distance + Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(d.Dist), arc) + b.Distance;
        s.Stops = a.Stops + b.Stops;
        s.Load = a.Load + b.Load;
        s.L1 = a.L1 + b.L1;
        s.L2 = a.L2 + b.L2;
        s.L3 = a.L3 + b.L3;
        s.Duration = a.Duration + b.Duration + travel + deltaWait;
        s.TimeWarp = a.TimeWarp + b.TimeWarp + deltaWarp;
        s.Earliest = Math.Max(b.Earliest - delta, a.Earliest) - deltaWait;
        s.Latest = Math.Min(b.Latest - delta, a.Latest) + deltaWarp;
        return s;
    }

    /// <summary>Time warp of a complete route on slot r, including any excess over its maximum duration.</summary>
    public readonly double RouteTimeWarp(ProblemData d, int r) => TimeWarp + Math.Max(Duration - d.VehicleMaxDuration[r], 0);
}

/// <summary>Penalty weights for infeasibility; adapted by the genetic search.</summary>
internal sealed class Penalties(double capacity, double timeWarp)
{
    public double Capacity = capacity;
    public double TimeWarp = timeWarp;

    public double RouteCost(ProblemData d, in Segment route, int r) =>
        route.Distance + (route.Stops > 0 ? d.FixedCost[r] : 0) + Capacity * d.Excess(route, r) + TimeWarp * route.RouteTimeWarp(d, r);
}

/// <summary>xoshiro128** generator: small, fast and stable across runtime versions, for seeded determinism.</summary>
internal sealed class Rng
{
    private uint _a, _b, _c, _d;

    public Rng(int seed)
    {
        ulong s = (ulong)(uint)seed + 0x9E3779B97F4A7C15UL;
        _a = (uint)Next64(ref s); _b = (uint)Next64(ref s); _c = (uint)Next64(ref s); _d = (uint)Next64(ref s);
        if ((_a | _b | _c | _d) == 0) _a = 1;
    }

    private static ulong Next64(ref ulong s)
    {
        ulong z = s += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public uint NextUInt()
    {
        uint result = BitOperations.RotateLeft(_b * 5, 7) * 9;
        uint t = _b << 9;
        _c ^= _a; _d ^= _b; _b ^= _c; _a ^= _d; _c ^= t;
        _d = BitOperations.RotateLeft(_d, 11);
        return result;
    }

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)((ulong)NextUInt() * (ulong)n >> 32);

    public double NextDouble() => NextUInt() / 4294967296.0;

    public void Shuffle(Span<int> a)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
