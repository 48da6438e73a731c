namespace Dots.Routing;

/// <summary>A place to visit: the depot or a customer, with its demand and time window.</summary>
/// <param name="Id">The caller's identifier (the <c>CUST NO.</c> of a Solomon file); the depot is usually 0.</param>
/// <param name="X">Horizontal coordinate (used for distances when no matrix is given, and for the search's geometry).</param>
/// <param name="Y">Vertical coordinate.</param>
/// <param name="Demand">Load the stop takes from a vehicle; zero is allowed.</param>
/// <param name="ReadyTime">Earliest start of service; a vehicle arriving earlier waits.</param>
/// <param name="DueTime">Latest start of service (for the depot: latest return).</param>
/// <param name="ServiceTime">How long the service takes once started.</param>
public sealed record VrptwStop(int Id, double X, double Y, double Demand, double ReadyTime, double DueTime, double ServiceTime)
{
    /// <summary>
    /// Load per dimension (weight, volume, chilled slots, frozen slots, ...), matching <see cref="Vehicle.Capacities"/>;
    /// null means <see cref="Demand"/> in the first dimension only. When set it replaces <see cref="Demand"/>.
    /// </summary>
    public IReadOnlyList<double>? Loads { get; init; }

    /// <summary>Pinned: only the vehicle with this index in <see cref="VrptwInstance.Vehicles"/> may serve the stop.</summary>
    public int? Vehicle { get; init; }

    /// <summary>Precedence: the customer with this id must be served earlier on the same vehicle.</summary>
    public int? After { get; init; }

    /// <summary>The load in dimension <paramref name="dimension"/>.</summary>
    public double Load(int dimension) => Loads is { } l ? (dimension < l.Count ? l[dimension] : 0) : dimension == 0 ? Demand : 0;
}

/// <summary>
/// A vehicle-routing problem with time windows: one depot, a homogeneous fleet, customers with
/// demands, service times and windows, a distance matrix and a travel-time matrix.
/// Node index 0 is the depot and customer <c>k</c> (0-based in <see cref="Customers"/>) is node <c>k + 1</c>.
/// </summary>
public sealed class VrptwInstance
{
    private readonly double[] _distance;
    private readonly double[] _travelTime;

    /// <summary>Most load dimensions a stop or vehicle may have.</summary>
    public const int MaxLoadDimensions = 4;

    private VrptwInstance(string name, int vehicleCount, double capacity, VrptwStop depot, IReadOnlyList<VrptwStop> customers,
        double[] distance, double[] travelTime, double? maxRouteDuration, IReadOnlyList<Vehicle>? vehicles, IReadOnlyList<VrptwStop>? places)
    {
        if (vehicles != null) vehicleCount = vehicles.Count;
        if (vehicleCount < 1) throw new ArgumentOutOfRangeException(nameof(vehicleCount), "At least one vehicle is needed.");
        if (capacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity), "Capacity cannot be negative.");
        var ids = new HashSet<int>();
        foreach (var c in customers)
        {
            if (!ids.Add(c.Id)) throw new ArgumentException($"Customer id {c.Id} appears twice.", nameof(customers));
            if (c.DueTime < c.ReadyTime) throw new ArgumentException($"Customer {c.Id} has a due time before its ready time.", nameof(customers));
            if (c.Demand < 0 || c.ServiceTime < 0) throw new ArgumentException($"Customer {c.Id} has a negative demand or service time.", nameof(customers));
            if (c.Loads is { } loads && (loads.Count > MaxLoadDimensions || loads.Any(l => l < 0)))
                throw new ArgumentException($"Customer {c.Id} has more than {MaxLoadDimensions} load dimensions or a negative load.", nameof(customers));
        }
        Places = places ?? [];
        int matrixSize = customers.Count + 1 + Places.Count;
        if (distance.Length != matrixSize * matrixSize || travelTime.Length != matrixSize * matrixSize)
            throw new ArgumentException($"Matrices must be {matrixSize} x {matrixSize} (depot, {customers.Count} customers, {Places.Count} places).");
        foreach (var c in customers)
        {
            if (c.Vehicle is { } v && (v < 0 || v >= vehicleCount)) throw new ArgumentException($"Customer {c.Id} is pinned to vehicle {v}, which does not exist.", nameof(customers));
            if (c.After is { } a && (a == c.Id || !ids.Contains(a))) throw new ArgumentException($"Customer {c.Id} must come after customer {a}, which is not another customer of the instance.", nameof(customers));
        }
        if (vehicles != null)
        {
            var served = new HashSet<int>();
            for (int k = 0; k < vehicles.Count; k++)
            {
                var v = vehicles[k];
                if (v.StartNode < 0 || v.StartNode > 0 && (v.StartNode < customers.Count + 1 || v.StartNode >= matrixSize)
                    || v.EndNode < 0 || v.EndNode > 0 && (v.EndNode < customers.Count + 1 || v.EndNode >= matrixSize))
                    throw new ArgumentException($"Vehicle {k} starts or ends at a node that is neither the depot nor a place.", nameof(vehicles));
                if (v.Capacities is { } caps && (caps.Count > MaxLoadDimensions || caps.Any(x => x < 0)))
                    throw new ArgumentException($"Vehicle {k} has more than {MaxLoadDimensions} capacities or a negative one.", nameof(vehicles));
                foreach (var id in v.Served)
                    if (!ids.Contains(id) || !served.Add(id)) throw new ArgumentException($"Vehicle {k} lists customer {id} as served, but it is unknown or served twice.", nameof(vehicles));
            }
        }
        Vehicles = vehicles;
        MatrixSize = matrixSize;
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

    /// <summary>Number of nodes: the depot plus the customers (places come after them).</summary>
    public int NodeCount => Customers.Count + 1;

    /// <summary>The fleet when vehicles differ or have shifts, start places or served stops; null: <see cref="VehicleCount"/> identical vehicles of <see cref="Capacity"/> at the depot.</summary>
    public IReadOnlyList<Vehicle>? Vehicles { get; }

    /// <summary>Extra locations where vehicles start or end (node <c>NodeCount + k</c>); never visited as customers.</summary>
    public IReadOnlyList<VrptwStop> Places { get; }

    /// <summary>Side of the distance and time matrices: depot, customers, places.</summary>
    public int MatrixSize { get; }

    /// <summary>The vehicle with index <paramref name="k"/> (the implicit identical vehicle when <see cref="Vehicles"/> is null).</summary>
    public Vehicle VehicleAt(int k) => Vehicles is { } v ? v[k] : DefaultVehicle;

    private Vehicle DefaultVehicle => _defaultVehicle ??= new Vehicle { Capacities = [Capacity] };
    private Vehicle? _defaultVehicle;

    /// <summary>Capacity of vehicle <paramref name="k"/> in dimension <paramref name="dimension"/> (infinite when it has none there).</summary>
    public double CapacityOf(int k, int dimension)
    {
        var caps = VehicleAt(k).Capacities;
        if (caps == null) return dimension == 0 ? Capacity : double.PositiveInfinity;
        return dimension < caps.Count ? caps[dimension] : double.PositiveInfinity;
    }

    /// <summary>Number of load dimensions used by any stop or vehicle.</summary>
    public int LoadDimensions => Math.Max(1, Math.Max(Customers.Count == 0 ? 0 : Customers.Max(c => c.Loads?.Count ?? 1),
        Vehicles == null ? 0 : Vehicles.Max(v => v.Capacities?.Count ?? 1)));

    /// <summary>Distance from node <paramref name="from"/> to node <paramref name="to"/> (0 = depot).</summary>
    public double Distance(int from, int to) => _distance[from * MatrixSize + to];

    /// <summary>Travel time from node <paramref name="from"/> to node <paramref name="to"/> (0 = depot).</summary>
    public double TravelTime(int from, int to) => _travelTime[from * MatrixSize + to];

    /// <summary>The stop at node index <paramref name="node"/> (0 = depot, then customers, then places).</summary>
    public VrptwStop Node(int node) => node == 0 ? Depot : node <= Customers.Count ? Customers[node - 1] : Places[node - NodeCount];

    /// <summary>Node index of the customer with id <paramref name="id"/>.</summary>
    public int NodeOfId(int id)
    {
        _nodeOfId ??= Customers.Select((c, k) => (c.Id, k)).ToDictionary(t => t.Id, t => t.k + 1);
        return _nodeOfId.TryGetValue(id, out var node) ? node : throw new KeyNotFoundException($"No customer with id {id}.");
    }

    private Dictionary<int, int>? _nodeOfId;

    internal double[] DistanceMatrix => _distance;
    internal double[] TravelTimeMatrix => _travelTime;

    /// <summary>
    /// Builds an instance whose distances are unrounded Euclidean distances of the coordinates and whose
    /// travel times are distance divided by <paramref name="speed"/> (speed 1: time equals distance, as in the benchmarks).
    /// </summary>
    public static VrptwInstance FromCoordinates(string name, int vehicleCount, double capacity, VrptwStop depot,
        IReadOnlyList<VrptwStop> customers, double speed = 1.0, double? maxRouteDuration = null,
        IReadOnlyList<Vehicle>? vehicles = null, IReadOnlyList<VrptwStop>? places = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        places ??= [];
        int n = customers.Count + 1 + places.Count;
        VrptwStop At(int i) => i == 0 ? depot : i <= customers.Count ? customers[i - 1] : places[i - customers.Count - 1];
        var dist = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            var a = At(i);
            for (int j = 0; j < n; j++)
            {
                var b = At(j);
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
        return new VrptwInstance(name, vehicleCount, capacity, depot, customers, dist, time, maxRouteDuration, vehicles, places);
    }

    /// <summary>
    /// Builds an instance from given matrices (for road distances and times). Both are indexed
    /// [from, to] with 0 the depot, <c>k + 1</c> the customer at index <c>k</c>, then the places; asymmetric matrices are fine.
    /// </summary>
    public static VrptwInstance FromMatrices(string name, int vehicleCount, double capacity, VrptwStop depot,
        IReadOnlyList<VrptwStop> customers, double[,] distance, double[,] travelTime, double? maxRouteDuration = null,
        IReadOnlyList<Vehicle>? vehicles = null, IReadOnlyList<VrptwStop>? places = null)
    {
        int n = customers.Count + 1 + (places?.Count ?? 0);
        if (distance.GetLength(0) != n || distance.GetLength(1) != n || travelTime.GetLength(0) != n || travelTime.GetLength(1) != n)
            throw new ArgumentException($"Matrices must be {n} x {n} (depot, {customers.Count} customers, {places?.Count ?? 0} places).");
        var dist = new double[n * n];
        var time = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                dist[i * n + j] = distance[i, j];
                time[i * n + j] = travelTime[i, j];
                if (dist[i * n + j] < 0 || time[i * n + j] < 0) throw new ArgumentException($"Negative distance or time from node {i} to {j}.");
            }
        return new VrptwInstance(name, vehicleCount, capacity, depot, customers, dist, time, maxRouteDuration, vehicles, places);
    }

    /// <summary>
    /// The same instance with another fleet (a van broke down, a driver was added, stops were served):
    /// matrices, customers and places are shared, not copied.
    /// </summary>
    public VrptwInstance WithVehicles(IReadOnlyList<Vehicle> vehicles) =>
        new(Name, vehicles.Count, Capacity, Depot, Customers, _distance, _travelTime, MaxRouteDuration, vehicles, Places);

    /// <summary>
    /// The same instance without some customers (orders cancelled); the matrices are rebuilt without their rows.
    /// </summary>
    public VrptwInstance WithoutCustomers(IReadOnlyCollection<int> ids)
    {
        var keep = new List<int> { 0 };
        for (int k = 1; k <= Customers.Count; k++) if (!ids.Contains(Customers[k - 1].Id)) keep.Add(k);
        for (int k = 0; k < Places.Count; k++) keep.Add(NodeCount + k);
        int n = keep.Count;
        var dist = new double[n * n];
        var time = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                dist[i * n + j] = _distance[keep[i] * MatrixSize + keep[j]];
                time[i * n + j] = _travelTime[keep[i] * MatrixSize + keep[j]];
            }
        var customers = Customers.Where(c => !ids.Contains(c.Id))
            .Select(c => c.After is { } a && ids.Contains(a) ? c with { After = null } : c).ToArray();
        var vehicles = Vehicles?.Select(v => v with
        {
            StartNode = keep.IndexOf(v.StartNode),
            EndNode = keep.IndexOf(v.EndNode),
            Served = v.Served.Where(id => !ids.Contains(id)).ToArray(),
        }).ToArray();
        return new VrptwInstance(Name, VehicleCount, Capacity, Depot, customers, dist, time, MaxRouteDuration, vehicles, Places);
    }

    /// <summary>Reads a Solomon / Gehring-Homberger text file.</summary>
    /// <exception cref="VrptwFormatException">The file is malformed (the message names file and line).</exception>
    public static VrptwInstance Load(string path) => SolomonFormat.Load(path);
}
