using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dots.Routing;
using Dots.Routing.OrTools;

namespace Dots.Cli;

/// <summary>`dots route ...` and `dots bench route`: the front of Dots.Routing.</summary>
internal static class RouteCommands
{
    private const int ExitBadInput = 2;

    public static Command Create()
    {
        var route = new Command("route", "Vehicle routing with time windows (Solomon / Gehring-Homberger files).");
        var file = new Argument<FileInfo>("file") { Description = "Instance in Solomon text format." };
        var timeLimit = new Option<double>("--time-limit") { Description = "Search budget in seconds.", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print only {\"routes\", \"distance\", \"vehicles\"} as JSON on standard output." };
        var cpuTime = new Option<bool>("--cpu-time") { Description = "Measure the time limit in CPU time of this process, not wall time (for comparisons on a shared machine)." };
        var solve = new Command("solve", "Solve one instance and print its routes.");
        solve.Arguments.Add(file);
        solve.Options.Add(timeLimit);
        solve.Options.Add(seed);
        solve.Options.Add(json);
        solve.Options.Add(cpuTime);
        solve.SetAction((parseResult, cancellationToken) => Task.FromResult(Solve(
            parseResult.GetValue(file)!, parseResult.GetValue(timeLimit), parseResult.GetValue(seed), parseResult.GetValue(json),
            parseResult.GetValue(cpuTime), cancellationToken)));
        route.Subcommands.Add(solve);
        return route;
    }

    public static Command CreateBench()
    {
        var bench = new Command("route", "Benchmark the route solver against best-known solutions (and OR-Tools) in one run.");
        var timeLimit = new Option<double>("--time-limit") { Description = "Budget per instance and solver, in seconds.", DefaultValueFactory = _ => 10 };
        var instances = new Option<string>("--instances") { Description = "Globs (comma-separated) relative to shared/data/vrptw, e.g. 'solomon/*' or 'homberger/*_2_1,homberger/*_10_1'.", DefaultValueFactory = _ => "solomon/*" };
        var ortools = new Option<bool>("--ortools") { Description = "Also run Google OR-Tools (cheapest arc + guided local search) with the same budget." };
        var seed = new Option<int>("--seed") { Description = "Random seed of our solver.", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--csv") { Description = "Also write per-instance results to this CSV file." };
        var solutions = new Option<DirectoryInfo?>("--solutions") { Description = "Also write every solution as NAME.json (ours) and NAME.ortools.json, for shared/tools/vrptw_check.py." };
        var cpuTime = new Option<bool>("--cpu-time") { Description = "Measure our budget in CPU time of this process, not wall time (OR-Tools always gets wall time)." };
        var replan = new Option<bool>("--replan") { Description = "Instead of the table: re-planning scenarios (cancellation, breakdown, new pinned stop) on the first 300 customers of each instance, warm-started, with the budget of --time-limit." };
        bench.Options.Add(timeLimit);
        bench.Options.Add(instances);
        bench.Options.Add(ortools);
        bench.Options.Add(seed);
        bench.Options.Add(output);
        bench.Options.Add(solutions);
        bench.Options.Add(cpuTime);
        bench.Options.Add(replan);
        bench.SetAction((parseResult, cancellationToken) => Task.FromResult(parseResult.GetValue(replan)
            ? Replan(parseResult.GetValue(timeLimit), parseResult.GetValue(instances)!, parseResult.GetValue(seed), cancellationToken)
            : Bench(parseResult.GetValue(timeLimit), parseResult.GetValue(instances)!,
                parseResult.GetValue(ortools), parseResult.GetValue(seed), parseResult.GetValue(output), parseResult.GetValue(solutions),
                parseResult.GetValue(cpuTime), cancellationToken)));
        return bench;
    }

    private static int Solve(FileInfo file, double seconds, int seed, bool json, bool cpuTime, CancellationToken cancellationToken)
    {
        if (!TryLoad(file.FullName, out var instance)) return ExitBadInput;
        VrptwSolution solution;
        try
        {
            var options = new SolverOptions { TimeLimit = TimeSpan.FromSeconds(seconds), Seed = seed, CpuTime = cpuTime };
            var progress = new Progress<SolverProgress>(p => Console.Error.WriteLine(
                $"  {p.Elapsed.TotalSeconds,6:F1}s  iteration {p.Iteration,7}  distance {p.BestDistance:F2}  vehicles {p.Vehicles}"));
            Console.Error.WriteLine($"{instance.Name}: {instance.Customers.Count} customers, {instance.VehicleCount} vehicles of capacity {instance.Capacity}, {seconds}s");
            solution = VrptwSolver.Solve(instance, options, cancellationToken, progress);
        }
        catch (UnservableCustomerException e)
        {
            Console.Error.WriteLine($"error: {file.FullName}: {e.Message}");
            return ExitBadInput;
        }
        if (json) Console.Out.WriteLine(ToJson(solution));
        else
        {
            for (int r = 0; r < solution.Routes.Count; r++) Console.Out.WriteLine($"Route #{r + 1}: {string.Join(' ', solution.Routes[r])}");
            Console.Out.WriteLine($"distance {solution.Distance.ToString("F4", CultureInfo.InvariantCulture)}  vehicles {solution.Vehicles}  feasible {(solution.IsFeasible ? "yes" : "NO")}");
        }
        Console.Error.WriteLine($"done: distance {solution.Distance:F4}, {solution.Vehicles} vehicles, {solution.Iterations} iterations, feasible: {solution.IsFeasible}");
        return solution.IsFeasible ? 0 : 1;
    }

    private static string ToJson(VrptwSolution solution) => ToJson(solution.Routes, solution.Distance, solution.Vehicles);

    private static string ToJson(IReadOnlyList<IReadOnlyList<int>> routes, double distance, int vehicles)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("routes");
            foreach (var route in routes)
            {
                w.WriteStartArray();
                foreach (var id in route) w.WriteNumberValue(id);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteNumber("distance", distance);
            w.WriteNumber("vehicles", vehicles);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool TryLoad(string path, out VrptwInstance instance)
    {
        instance = null!;
        try
        {
            instance = SolomonFormat.Load(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine($"error: {path}: file not found");
        }
        catch (VrptwFormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {path}: {e.Message}");
        }
        return false;
    }

    private sealed record BenchRow(string Instance, string Family, double Bks, double Ours, int OursVehicles, bool OursFeasible,
        double? OrTools, int? OrToolsVehicles, string? OrToolsNote)
    {
        /// <summary>Genetic iterations (offspring) our search made in its budget: what a faster search buys.</summary>
        public long OursIterations { get; init; }

        public double OursGap => (Ours - Bks) / Bks * 100;
        public double? OrToolsGap => OrTools is { } d ? (d - Bks) / Bks * 100 : null;
    }

    private static int Bench(double seconds, string glob, bool withOrTools, int seed, FileInfo? csv, DirectoryInfo? solutionsDir, bool cpuTime,
        CancellationToken cancellationToken)
    {
        solutionsDir?.Create();
        var shared = SharedData.Find();
        if (shared == null)
        {
            Console.Error.WriteLine("error: shared data not found: set DOTS_SHARED_DIR or run inside the repository (its sibling ../shared)");
            return ExitBadInput;
        }
        var root = Path.Combine(shared, "data", "vrptw");
        var bks = ReadBks(Path.Combine(root, "bks.csv"));
        var files = MatchInstances(root, glob);
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"error: no instance matches '{glob}' under {root}");
            return ExitBadInput;
        }
        Console.Error.WriteLine($"bench route: {files.Count} instances, {seconds}s{(cpuTime ? " CPU" : "")} each{(withOrTools ? " per solver, with OR-Tools" : "")}, seed {seed}, {Environment.ProcessorCount} logical cores");
        var rows = new List<BenchRow>();
        var header = withOrTools
            ? $"{"instance",-10} {"bks",10} {"ours",10} {"veh",4} {"gap%",7} {"ortools",10} {"veh",4} {"gap%",7}"
            : $"{"instance",-10} {"bks",10} {"ours",10} {"veh",4} {"gap%",7}";
        Console.Out.WriteLine(header);
        int failures = 0;
        // Untimed warm-up on the first instance, so that neither solver's first row pays for JIT or native start-up.
        if (TryLoad(Path.Combine(root, files[0]), out var warmUp))
        {
            VrptwSolver.Solve(warmUp, new SolverOptions { TimeLimit = TimeSpan.FromSeconds(0.3), Seed = seed }, cancellationToken);
            if (withOrTools) OrToolsBaseline.Solve(warmUp, TimeSpan.FromSeconds(0.3));
        }
        foreach (var rel in files)
        {
            if (cancellationToken.IsCancellationRequested) break;
            var path = Path.Combine(root, rel);
            if (!TryLoad(path, out var instance)) return ExitBadInput;
            var name = Path.GetFileNameWithoutExtension(rel).ToUpperInvariant();
            if (!bks.TryGetValue(name, out var reference))
            {
                Console.Error.WriteLine($"  {name}: no row in bks.csv, skipped");
                continue;
            }
            Console.Error.Write($"  {name}: ours...");
            var solution = VrptwSolver.Solve(instance, new SolverOptions { TimeLimit = TimeSpan.FromSeconds(seconds), Seed = seed, CpuTime = cpuTime }, cancellationToken);
            var check = FeasibilityChecker.Check(instance, solution.Routes);
            if (solutionsDir != null) File.WriteAllText(Path.Combine(solutionsDir.FullName, name + ".json"), ToJson(solution.Routes, check.Distance, check.Vehicles));
            if (!check.IsFeasible) { failures++; Console.Error.Write($" INFEASIBLE ({check.Violations[0]})"); }
            double? orDistance = null;
            int? orVehicles = null;
            string? orNote = null;
            if (withOrTools)
            {
                Console.Error.Write(" ortools...");
                var or = OrToolsBaseline.Solve(instance, TimeSpan.FromSeconds(seconds));
                var orCheck = FeasibilityChecker.Check(instance, or.Routes);
                if (solutionsDir != null) File.WriteAllText(Path.Combine(solutionsDir.FullName, name + ".ortools.json"), ToJson(or.Routes, orCheck.Distance, orCheck.Vehicles));
                if (or.Dropped.Count > 0) orNote = $"dropped {or.Dropped.Count}";
                else if (!orCheck.IsFeasible) orNote = "infeasible: " + orCheck.Violations[0];
                else { orDistance = orCheck.Distance; orVehicles = orCheck.Vehicles; }
                if (or.Routes.Count == 0) orNote = "no solution (" + or.Status + ")";
            }
            var row = new BenchRow(name, Family(name), reference, check.Distance, check.Vehicles, check.IsFeasible, orDistance, orVehicles, orNote)
            {
                OursIterations = solution.Iterations,
            };
            rows.Add(row);
            Console.Error.WriteLine(" done");
            var line = $"{name,-10} {row.Bks,10:F2} {row.Ours,10:F2} {row.OursVehicles,4} {row.OursGap,7:F2}{(row.OursFeasible ? "" : " INFEASIBLE")}";
            if (withOrTools)
                line += row.OrTools is { } od ? $" {od,10:F2} {row.OrToolsVehicles,4} {row.OrToolsGap,7:F2}" : $" {"-",10} {"-",4} {"-",7} ({row.OrToolsNote})";
            Console.Out.WriteLine(line);
        }
        PrintFamilies(rows, withOrTools);
        if (csv != null) WriteCsv(csv, rows);
        return failures == 0 ? 0 : 1;
    }

    private static void PrintFamilies(List<BenchRow> rows, bool withOrTools)
    {
        Console.Out.WriteLine();
        Console.Out.WriteLine(withOrTools
            ? $"{"family",-8} {"n",3} {"ours gap%",10} {"feasible",9} {"ortools gap%",13} {"valid",6} {"ours better",12}"
            : $"{"family",-8} {"n",3} {"ours gap%",10} {"feasible",9}");
        var groups = rows.GroupBy(r => r.Family).OrderBy(g => FamilyOrder(g.Key)).ToList();
        foreach (var g in groups) Console.Out.WriteLine(FamilyLine(g.Key, g.ToList(), withOrTools));
        if (groups.Count > 1) Console.Out.WriteLine(FamilyLine("all", rows, withOrTools));
    }

    private static string FamilyLine(string family, List<BenchRow> rows, bool withOrTools)
    {
        var line = $"{family,-8} {rows.Count,3} {rows.Average(r => r.OursGap),10:F2} {rows.Count(r => r.OursFeasible),4}/{rows.Count,-4}";
        if (!withOrTools) return line;
        var valid = rows.Where(r => r.OrTools != null).ToList();
        string orGap = valid.Count > 0 ? valid.Average(r => r.OrToolsGap!.Value).ToString("F2", CultureInfo.InvariantCulture) : "-";
        int better = rows.Count(r => r.OursFeasible && (r.OrTools == null || r.Ours < r.OrTools - 1e-6));
        return line + $" {orGap,13} {valid.Count,3}/{rows.Count,-3} {better,5}/{rows.Count,-5}";
    }

    private static void WriteCsv(FileInfo csv, List<BenchRow> rows)
    {
        var sb = new StringBuilder("instance,family,bks_dist_only_double,ours,ours_vehicles,ours_feasible,ours_gap_pct,ortools,ortools_vehicles,ortools_gap_pct,ortools_note,ours_iterations\n");
        foreach (var r in rows)
            sb.AppendLine(string.Join(',', r.Instance, r.Family, F(r.Bks), F(r.Ours), r.OursVehicles, r.OursFeasible, F(r.OursGap),
                r.OrTools is { } o ? F(o) : "", r.OrToolsVehicles?.ToString(CultureInfo.InvariantCulture) ?? "", r.OrToolsGap is { } g ? F(g) : "", r.OrToolsNote?.Replace(',', ';') ?? "",
                r.OursIterations.ToString(CultureInfo.InvariantCulture)));
        File.WriteAllText(csv.FullName, sb.ToString());
        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
    }

    /// <summary>C101 → C1, RC208 → RC2 (Solomon); C1_2_1 → C1_2, RC2_10_1 → RC2_10 (Gehring-Homberger).</summary>
    /// <summary>
    /// Re-planning at the budget of one warm start: the first 300 customers of an instance are planned
    /// (ten times the budget), then three changes arrive mid-night, each re-planned from the current plan
    /// with a third of every route already driven: five orders cancelled, the van with the longest route
    /// broken down after its driven stops, a new stop pinned to one van. Every plan goes through the checker.
    /// </summary>
    private static int Replan(double seconds, string glob, int seed, CancellationToken cancellationToken)
    {
        var shared = SharedData.Find();
        if (shared == null)
        {
            Console.Error.WriteLine("error: shared data not found: set DOTS_SHARED_DIR or run inside the repository (its sibling ../shared)");
            return ExitBadInput;
        }
        var root = Path.Combine(shared, "data", "vrptw");
        var files = MatchInstances(root, glob);
        Console.Out.WriteLine($"{"instance",-10} {"scenario",-12} {"stops",5} {"first feasible s",16} {"elapsed s",9} {"distance",10} {"base",10} {"feasible",8} {"prefixes kept",13}");
        int failures = 0;
        foreach (var rel in files)
        {
            if (!TryLoad(Path.Combine(root, rel), out var full)) return ExitBadInput;
            var customers = full.Customers.Take(300).ToList();
            var vans = Enumerable.Range(0, full.VehicleCount).Select(_ => new Vehicle { Capacities = [full.Capacity] }).ToArray();
            var night = VrptwInstance.FromCoordinates(full.Name, vans.Length, full.Capacity, full.Depot, customers, vehicles: vans);
            var basePlan = VrptwSolver.Solve(night, new SolverOptions { TimeLimit = TimeSpan.FromSeconds(10 * seconds), Seed = seed }, cancellationToken);
            var routes = Enumerable.Range(0, vans.Length).Select(_ => (IReadOnlyList<int>)[]).ToArray();
            for (int k = 0; k < basePlan.Routes.Count; k++) routes[basePlan.RouteVehicles[k]] = basePlan.Routes[k];

            // A third of every route driven; each van free at the planned end of its last driven stop.
            var driven = vans.Select((v, k) => v with
            {
                Served = routes[k].Take(routes[k].Count / 3).ToArray(),
                AvailableAt = routes[k].Count / 3 > 0 ? FinishTime(night, routes[k], routes[k].Count / 3) : null,
            }).ToArray();
            var rng = new Random(seed);
            var servedIds = driven.SelectMany(v => v.Served).ToHashSet();
            var open = customers.Select(c => c.Id).Where(id => !servedIds.Contains(id)).ToList();
            var cancelled = open.OrderBy(_ => rng.Next()).Take(5).ToArray();
            int longest = Enumerable.Range(0, vans.Length).MaxBy(k => routes[k].Count);
            var broken = driven.Select((v, k) => k == longest ? v with { Closed = true } : v).ToArray();
            var anchor = customers.First(c => c.Id == open[0]);
            var pinnedVan = Enumerable.Range(0, vans.Length).First(k => routes[k].Count > 0 && k != longest);
            var newStop = new VrptwStop(customers.Max(c => c.Id) + 1, anchor.X + 1, anchor.Y + 1, 0, anchor.ReadyTime, anchor.DueTime, anchor.ServiceTime) { Vehicle = pinnedVan };

            var scenarios = new (string Name, VrptwInstance Instance)[]
            {
                ("cancel 5", night.WithVehicles(driven).WithoutCustomers(cancelled)),
                ("breakdown", night.WithVehicles(broken)),
                ("new pinned", VrptwInstance.FromCoordinates(full.Name, vans.Length, full.Capacity, full.Depot, [.. customers, newStop], vehicles: driven)),
            };
            foreach (var (name, instance) in scenarios)
            {
                TimeSpan? firstFeasible = null;
                var progress = new SyncProgress(p => firstFeasible ??= p.Elapsed);
                var solution = VrptwSolver.Solve(instance, new SolverOptions { TimeLimit = TimeSpan.FromSeconds(seconds), Seed = seed, InitialRoutes = routes }, cancellationToken, progress);
                var check = FeasibilityChecker.Check(instance, solution.Routes, solution.Unassigned.ToArray(), solution.RouteVehicles);
                bool kept = Enumerable.Range(0, solution.Routes.Count).All(k =>
                    solution.Routes[k].Take(instance.VehicleAt(solution.RouteVehicles[k]).Served.Count).SequenceEqual(instance.VehicleAt(solution.RouteVehicles[k]).Served));
                if (!check.IsFeasible || !kept) failures++;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{full.Name,-10} {name,-12} {instance.Customers.Count,5} {(firstFeasible is { } f ? f.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture) : "-"),16} {solution.Elapsed.TotalSeconds,9:F3} {check.Distance,10:F2} {basePlan.Distance,10:F2} {(check.IsFeasible ? "yes" : "NO"),8} {(kept ? "yes" : "NO"),13}"));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static double FinishTime(VrptwInstance instance, IReadOnlyList<int> route, int stops)
    {
        double time = instance.Depot.ReadyTime;
        int prev = 0;
        foreach (var id in route.Take(stops))
        {
            int node = instance.NodeOfId(id);
            var c = instance.Node(node);
            time = Math.Max(time + instance.TravelTime(prev, node), c.ReadyTime) + c.ServiceTime;
            prev = node;
        }
        return time;
    }

    /// <summary>Reports on the solver's thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<SolverProgress> report) : IProgress<SolverProgress>
    {
        public void Report(SolverProgress value) => report(value);
    }

    internal static List<string> MatchInstances(string root, string glob)
    {
        var patterns = glob.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(g => new Regex("^" + Regex.Escape(g.Replace('\\', '/')).Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]") + "(\\.txt)?$", RegexOptions.IgnoreCase))
            .ToList();
        return Directory.EnumerateFiles(root, "*.txt", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => patterns.Any(p => p.IsMatch(f)))
            .OrderBy(f => NaturalKey(f), StringComparer.Ordinal)
            .ToList();
    }

    private static string Family(string name)
    {
        var m = Regex.Match(name, @"^(RC|R|C)(\d)(?:_(\d+)_\d+|\d+)$");
        if (!m.Success) return name;
        return m.Groups[3].Success ? $"{m.Groups[1].Value}{m.Groups[2].Value}_{m.Groups[3].Value}" : m.Groups[1].Value + m.Groups[2].Value;
    }

    private static string FamilyOrder(string family) => (family.StartsWith("RC", StringComparison.Ordinal) ? "3" : family.StartsWith('R') ? "2" : "1") + family;

    private static string NaturalKey(string path) => Regex.Replace(path, @"\d+", m => m.Value.PadLeft(6, '0'));

    private static Dictionary<string, double> ReadBks(string path)
    {
        var result = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var lines = File.ReadAllLines(path);
        var header = SplitCsv(lines[0]);
        int name = header.IndexOf("instance"), column = header.IndexOf("dist_only_distance_double");
        foreach (var line in lines.Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = SplitCsv(line);
            result[f[name]] = double.Parse(f[column], CultureInfo.InvariantCulture);
        }
        return result;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }
}

/// <summary>Finds the shared benchmark folder: DOTS_SHARED_DIR, else the sibling 'shared' of the folder holding Dots.slnx.</summary>
internal static class SharedData
{
    public static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DOTS_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnv)) return Directory.Exists(fromEnv) ? fromEnv : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Dots.slnx"))) continue;
                var shared = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                if (Directory.Exists(shared)) return shared;
            }
        }
        return null;
    }
}
