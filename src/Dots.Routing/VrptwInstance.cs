namespace Dots.Routing;

/// <summary>A place to visit: the depot or a customer, with its demand and time window.</summary>
/// <param name="Id">The caller's identifier (the <c>CUST NO.</c> of a Solomon file); the depot is usually 0.</param>
/// <param name="X">Horizontal coordinate (used for distances when no matrix is given, and for the search's geometry).</param>
/// <param name="Y">Vertical coordinate.</param>
/// <param name="Demand">Load the stop takes from a vehicle; zero is allowed.</param>
/// <param name="ReadyTime">Earliest start of service; a vehicle arriving earlier waits.</param>
/// <param name="DueTime">Latest start of service (for the depot: latest return).</param>
/// <param name="ServiceTime">How long the service takes once started.</param>
public sealed record VrptwStop(int Id, double X, double Y, double Demand, double ReadyTime, double DueTime, double ServiceTime);

/// <summary>
/// A vehicle-routing problem with time windows: one depot, a homogeneous fleet, customers with
/// demands, service times and windows, a distance matrix and a travel-time matrix.
/// Node index 0 is the depot and customer <c>k</c> (0-based in <see cref="Customers"/>) is node <c>k + 1</c>.
/// </summary>
public sealed class VrptwInstance
{
    private readonly double[] _distance;
    private readonly double[] _travelTime;

    private VrptwInstance(string name, int vehicleCount, double capacity, VrptwStop depot, IReadOnlyList<VrptwStop> customers,
        double[] distance, double[] travelTime, double? maxRouteDuration)
    {
        if (vehicleCount < 1) throw new ArgumentOutOfRangeException(nameof(vehicleCount), "At least one vehicle is needed.");
        if (capacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity), "Capacity cannot be negative.");
        var ids = new HashSet<int>();
        foreach (var c in customers)
        {
            if (!ids.Add(c.Id)) throw new ArgumentException($"Customer id {c.Id} appears twice.", nameof(customers));
            if (c.DueTime < c.ReadyTime) throw new ArgumentException($"Customer {c.Id} has a due time before its ready time.", nameof(customers));
            if (c.Demand < 0 || c.ServiceTime < 0) throw new ArgumentException($"Customer {c.Id} has a negative demand or service time.", nameof(customers));
        }
        Name = name;
        VehicleCount = vehicleCount;
        Capacity = capacity;
        Depot = depot;
        Customers = customers;
        MaxRouteDuration = maxRouteDuration;
        _distance = distance;
        _travelTime = travelTime;
    }

    /// <summary>Instance name (the first line of a Solomon file).</summary>
    public string Name { get; }

    /// <summary>How many vehicles may be used at most.</summary>
    public int VehicleCount { get; }

    /// <summary>Capacity of every vehicle, in the unit of <see cref="VrptwStop.Demand"/>.</summary>
    public double Capacity { get; }

    /// <summary>The depot: its ready time opens the horizon, its due time is the latest return.</summary>
    public VrptwStop Depot { get; }

    /// <summary>The customers, each visited exactly once.</summary>
    public IReadOnlyList<VrptwStop> Customers { get; }

    /// <summary>Optional limit on a route's duration (from leaving the depot to returning, waiting included).</summary>
    public double? MaxRouteDuration { get; }

    /// <summary>Number of nodes: the depot plus the customers.</summary>
    public int NodeCount => Customers.Count + 1;

    /// <summary>Distance from node <paramref name="from"/> to node <paramref name="to"/> (0 = depot).</summary>
    public double Distance(int from, int to) => _distance[from * NodeCount + to];

    /// <summary>Travel time from node <paramref name="from"/> to node <paramref name="to"/> (0 = depot).</summary>
    public double TravelTime(int from, int to) => _travelTime[from * NodeCount + to];

    /// <summary>The stop at node index <paramref name="node"/> (0 = depot).</summary>
    public VrptwStop Node(int node) => node == 0 ? Depot : Customers[node - 1];

    internal double[] DistanceMatrix => _distance;
    internal double[] TravelTimeMatrix => _travelTime;

    /// <summary>
    /// Builds an instance whose distances are unrounded Euclidean distances of the coordinates and whose
    /// travel times are distance divided by <paramref name="speed"/> (speed 1: time equals distance, as in the benchmarks).
    /// </summary>
    public static VrptwInstance FromCoordinates(string name, int vehicleCount, double capacity, VrptwStop depot,
        IReadOnlyList<VrptwStop> customers, double speed = 1.0, double? maxRouteDuration = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        int n = customers.Count + 1;
        var dist = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            var a = i == 0 ? depot : customers[i - 1];
            for (int j = 0; j < n; j++)
            {
                var b = j == 0 ? depot : customers[j - 1];
                double dx = a.X - b.X, dy = a.Y - b.Y;
                dist[i * n + j] = Math.Sqrt(dx * dx + dy * dy);
            }
        }
        var time = dist;
        if (speed != 1.0)
        {
            time = new double[n * n];
            for (int k = 0; k < time.Length; k++) time[k] = dist[k] / speed;
        }
        return new VrptwInstance(name, vehicleCount, capacity, depot, customers, dist, time, maxRouteDuration);
    }

    /// <summary>
    /// Builds an instance from given matrices (for road distances and times). Both are indexed
    /// [from, to] with 0 the depot and <c>k + 1</c> the customer at index <c>k</c>.
    /// </summary>
    public static VrptwInstance FromMatrices(string name, int vehicleCount, double capacity, VrptwStop depot,
        IReadOnlyList<VrptwStop> customers, double[,] distance, double[,] travelTime, double? maxRouteDuration = null)
    {
        int n = customers.Count + 1;
        if (distance.GetLength(0) != n || distance.GetLength(1) != n || travelTime.GetLength(0) != n || travelTime.GetLength(1) != n)
            throw new ArgumentException($"Matrices must be {n} x {n} (depot plus {customers.Count} customers).");
        var dist = new double[n * n];
        var time = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                dist[i * n + j] = distance[i, j];
                time[i * n + j] = travelTime[i, j];
                if (dist[i * n + j] < 0 || time[i * n + j] < 0) throw new ArgumentException($"Negative distance or time from node {i} to {j}.");
            }
        return new VrptwInstance(name, vehicleCount, capacity, depot, customers, dist, time, maxRouteDuration);
    }

    /// <summary>Reads a Solomon / Gehring-Homberger text file.</summary>
    /// <exception cref="VrptwFormatException">The file is malformed (the message names file and line).</exception>
    public static VrptwInstance Load(string path) => SolomonFormat.Load(path);
}
