using System.Numerics;

namespace Dots.Routing.Search;

/// <summary>
/// The search's view of an instance: dense arrays over the nodes it must route (node 0 the depot),
/// which may be a subset of the instance's customers when unservable ones were dropped.
/// </summary>
internal sealed class ProblemData
{
    public ProblemData(VrptwInstance instance, IReadOnlyList<int> instanceNodes, int neighbourCount)
    {
        InstanceNode = instanceNodes.ToArray();
        N = InstanceNode.Length;
        Customers = N - 1;
        Fleet = instance.VehicleCount;
        Capacity = instance.Capacity;
        MaxDuration = instance.MaxRouteDuration ?? double.PositiveInfinity;
        Dist = new double[N * N];
        Time = new double[N * N];
        Demand = new double[N];
        Ready = new double[N];
        Due = new double[N];
        Service = new double[N];
        X = new double[N];
        Y = new double[N];
        for (int i = 0; i < N; i++)
        {
            var s = instance.Node(InstanceNode[i]);
            Demand[i] = s.Demand;
            Ready[i] = s.ReadyTime;
            Due[i] = s.DueTime;
            Service[i] = s.ServiceTime;
            X[i] = s.X;
            Y[i] = s.Y;
            for (int j = 0; j < N; j++)
            {
                Dist[i * N + j] = instance.Distance(InstanceNode[i], InstanceNode[j]);
                Time[i * N + j] = instance.TravelTime(InstanceNode[i], InstanceNode[j]);
            }
        }
        Angle = new int[N];
        for (int i = 1; i < N; i++)
        {
            double a = Math.Atan2(Y[i] - Y[0], X[i] - X[0]);
            Angle[i] = (int)Math.Round(32768 * a / Math.PI) & 0xFFFF;
        }
        NodeSegment = new Segment[N];
        for (int i = 0; i < N; i++) NodeSegment[i] = Segment.Single(this, i);
        Neighbours = BuildNeighbours(Math.Min(neighbourCount, Math.Max(Customers - 1, 0)));
        double maxDist = Dist.Max(), maxDemand = Math.Max(Demand.Max(), 1e-9);
        InitialCapacityPenalty = Math.Clamp(maxDist / maxDemand, 0.1, 1000);
    }

    public int N { get; }
    public int Customers { get; }
    public int Fleet { get; }
    public double Capacity { get; }
    public double MaxDuration { get; }
    public int[] InstanceNode { get; }
    public double[] Dist { get; }
    public double[] Time { get; }
    public double[] Demand { get; }
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

    /// <summary>
    /// Neighbours by the time-aware proximity of Vidal et al. (2013) as used in PyVRP: distance plus
    /// a weight on the least waiting and on the least lateness the arc forces, symmetrised by the minimum
    /// of both directions, so that granular moves try arcs that can be feasible in time as well as short.
    /// </summary>
    private int[][] BuildNeighbours(int k)
    {
        const double waitWeight = 0.2, warpWeight = 1.0;
        var result = new int[N][];
        result[0] = [];
        var prox = new double[N];
        var order = new int[N - 1];
        for (int i = 1; i < N; i++)
        {
            for (int j = 1; j < N; j++)
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
    public int First, Last;
    public double Distance, Load, Duration, TimeWarp, Earliest, Latest;

    public static Segment Single(ProblemData d, int node) => new()
    {
        First = node,
        Last = node,
        Load = d.Demand[node],
        Duration = d.Service[node],
        Earliest = d.Ready[node],
        Latest = d.Due[node],
    };

    public static Segment Merge(ProblemData d, in Segment a, in Segment b)
    {
        int arc = a.Last * d.N + b.First;
        double travel = d.Time[arc];
        double delta = a.Duration - a.TimeWarp + travel;
        double deltaWait = Math.Max(b.Earliest - delta - a.Latest, 0);
        double deltaWarp = Math.Max(a.Earliest + delta - b.Latest, 0);
        Segment s;
        s.First = a.First;
        s.Last = b.Last;
        s.Distance = a.Distance + d.Dist[arc] + b.Distance;
        s.Load = a.Load + b.Load;
        s.Duration = a.Duration + b.Duration + travel + deltaWait;
        s.TimeWarp = a.TimeWarp + b.TimeWarp + deltaWarp;
        s.Earliest = Math.Max(b.Earliest - delta, a.Earliest) - deltaWait;
        s.Latest = Math.Min(b.Latest - delta, a.Latest) + deltaWarp;
        return s;
    }

    /// <summary>Time warp of a complete route, including any excess over the maximum duration.</summary>
    public readonly double RouteTimeWarp(ProblemData d) => TimeWarp + Math.Max(Duration - d.MaxDuration, 0);
}

/// <summary>Penalty weights for infeasibility; adapted by the genetic search.</summary>
internal sealed class Penalties(double capacity, double timeWarp)
{
    public double Capacity = capacity;
    public double TimeWarp = timeWarp;

    public double RouteCost(ProblemData d, in Segment route) =>
        route.Distance + Capacity * Math.Max(route.Load - d.Capacity, 0) + TimeWarp * route.RouteTimeWarp(d);
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
