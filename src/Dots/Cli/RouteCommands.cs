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
        var solve = new Command("solve", "Solve one instance and print its routes.");
        solve.Arguments.Add(file);
        solve.Options.Add(timeLimit);
        solve.Options.Add(seed);
        solve.Options.Add(json);
        solve.SetAction((parseResult, cancellationToken) => Task.FromResult(Solve(
            parseResult.GetValue(file)!, parseResult.GetValue(timeLimit), parseResult.GetValue(seed), parseResult.GetValue(json), cancellationToken)));
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
        bench.Options.Add(timeLimit);
        bench.Options.Add(instances);
        bench.Options.Add(ortools);
        bench.Options.Add(seed);
        bench.Options.Add(output);
        bench.SetAction((parseResult, cancellationToken) => Task.FromResult(Bench(parseResult.GetValue(timeLimit), parseResult.GetValue(instances)!,
            parseResult.GetValue(ortools), parseResult.GetValue(seed), parseResult.GetValue(output), cancellationToken)));
        return bench;
    }

    private static int Solve(FileInfo file, double seconds, int seed, bool json, CancellationToken cancellationToken)
    {
        if (!TryLoad(file.FullName, out var instance)) return ExitBadInput;
        VrptwSolution solution;
        try
        {
            var options = new SolverOptions { TimeLimit = TimeSpan.FromSeconds(seconds), Seed = seed };
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

    private static string ToJson(VrptwSolution solution)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("routes");
            foreach (var route in solution.Routes)
            {
                w.WriteStartArray();
                foreach (var id in route) w.WriteNumberValue(id);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteNumber("distance", solution.Distance);
            w.WriteNumber("vehicles", solution.Vehicles);
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
        public double OursGap => (Ours - Bks) / Bks * 100;
        public double? OrToolsGap => OrTools is { } d ? (d - Bks) / Bks * 100 : null;
    }

    private static int Bench(double seconds, string glob, bool withOrTools, int seed, FileInfo? csv, CancellationToken cancellationToken)
    {
        var shared = SharedData.Find();
        if (shared == null)
        {
            Console.Error.WriteLine("error: shared data not found: set DOTS_SHARED_DIR or run inside the repository (its sibling ../shared)");
            return ExitBadInput;
        }
        var root = Path.Combine(shared, "data", "vrptw");
        var bks = ReadBks(Path.Combine(root, "bks.csv"));
        var patterns = glob.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(g => new Regex("^" + Regex.Escape(g.Replace('\\', '/')).Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]") + "(\\.txt)?$", RegexOptions.IgnoreCase))
            .ToList();
        var files = Directory.EnumerateFiles(root, "*.txt", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => patterns.Any(p => p.IsMatch(f)))
            .OrderBy(f => NaturalKey(f), StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"error: no instance matches '{glob}' under {root}");
            return ExitBadInput;
        }
        Console.Error.WriteLine($"bench route: {files.Count} instances, {seconds}s each{(withOrTools ? " per solver, with OR-Tools" : "")}, seed {seed}, {Environment.ProcessorCount} logical cores");
        var rows = new List<BenchRow>();
        var header = withOrTools
            ? $"{"instance",-10} {"bks",10} {"ours",10} {"veh",4} {"gap%",7} {"ortools",10} {"veh",4} {"gap%",7}"
            : $"{"instance",-10} {"bks",10} {"ours",10} {"veh",4} {"gap%",7}";
        Console.Out.WriteLine(header);
        int failures = 0;
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
            var solution = VrptwSolver.Solve(instance, new SolverOptions { TimeLimit = TimeSpan.FromSeconds(seconds), Seed = seed }, cancellationToken);
            var check = FeasibilityChecker.Check(instance, solution.Routes);
            if (!check.IsFeasible) { failures++; Console.Error.Write($" INFEASIBLE ({check.Violations[0]})"); }
            double? orDistance = null;
            int? orVehicles = null;
            string? orNote = null;
            if (withOrTools)
            {
                Console.Error.Write(" ortools...");
                var or = OrToolsBaseline.Solve(instance, TimeSpan.FromSeconds(seconds));
                var orCheck = FeasibilityChecker.Check(instance, or.Routes);
                if (or.Dropped.Count > 0) orNote = $"dropped {or.Dropped.Count}";
                else if (!orCheck.IsFeasible) orNote = "infeasible: " + orCheck.Violations[0];
                else { orDistance = orCheck.Distance; orVehicles = orCheck.Vehicles; }
                if (or.Routes.Count == 0) orNote = "no solution (" + or.Status + ")";
            }
            var row = new BenchRow(name, Family(name), reference, check.Distance, check.Vehicles, check.IsFeasible, orDistance, orVehicles, orNote);
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
        var sb = new StringBuilder("instance,family,bks_dist_only_double,ours,ours_vehicles,ours_feasible,ours_gap_pct,ortools,ortools_vehicles,ortools_gap_pct,ortools_note\n");
        foreach (var r in rows)
            sb.AppendLine(string.Join(',', r.Instance, r.Family, F(r.Bks), F(r.Ours), r.OursVehicles, r.OursFeasible, F(r.OursGap),
                r.OrTools is { } o ? F(o) : "", r.OrToolsVehicles?.ToString(CultureInfo.InvariantCulture) ?? "", r.OrToolsGap is { } g ? F(g) : "", r.OrToolsNote?.Replace(',', ';') ?? ""));
        File.WriteAllText(csv.FullName, sb.ToString());
        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
    }

    /// <summary>C101 → C1, RC208 → RC2 (Solomon); C1_2_1 → C1_2, RC2_10_1 → RC2_10 (Gehring-Homberger).</summary>
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
