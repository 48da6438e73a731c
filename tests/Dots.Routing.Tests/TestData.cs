namespace Dots.Routing.Tests;

/// <summary>Locates the shared benchmark data beside the repository (never copied into it).</summary>
internal static class TestData
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The shared folder when it exists (DOTS_SHARED_DIR, else ../shared beside the repository), else null.</summary>
    public static string? SharedRoot => Root.Value;

    public static string? VrptwDir => Root.Value is { } s ? Path.Combine(s, "data", "vrptw") : null;

    public static string? ToolsDir => Root.Value is { } s ? Path.Combine(s, "tools") : null;

    public static string Instance(string name)
    {
        var dir = VrptwDir ?? throw new InvalidOperationException("Shared data not found: set DOTS_SHARED_DIR or keep ../shared beside the repository.");
        foreach (var sub in new[] { "solomon", "homberger" })
        {
            var path = Path.Combine(dir, sub, name + ".txt");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(name);
    }

    /// <summary>Reads "Route #1: 5 3 7" lines (CVRPLIB / SINTEF) or a JSON {"routes": [[...]]} file.</summary>
    public static List<IReadOnlyList<int>> ReadRoutes(string path)
    {
        var text = File.ReadAllText(path);
        if (text.TrimStart().StartsWith('{'))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            return doc.RootElement.GetProperty("routes").EnumerateArray()
                .Select(r => (IReadOnlyList<int>)r.EnumerateArray().Select(e => e.GetInt32()).ToList()).ToList();
        }
        var routes = new List<IReadOnlyList<int>>();
        foreach (var line in text.Split('\n'))
        {
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^\s*Route\s*#?\s*\d+\s*:\s*(.*)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            if (m.Success) routes.Add(m.Groups[1].Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList());
        }
        return routes;
    }

    private static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DOTS_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnv)) return Directory.Exists(fromEnv) ? fromEnv : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Dots.slnx")) && dir.Parent != null && Directory.Exists(Path.Combine(dir.Parent.FullName, "shared")))
                    return Path.Combine(dir.Parent.FullName, "shared");
        return null;
    }

    /// <summary>A random instance with coordinates in a square, windows around a feasible direct visit.</summary>
    public static VrptwInstance Random(int seed, int customers, int vehicles, double capacity, double horizon = 200, bool tightWindows = true)
    {
        var rng = new Random(seed);
        var depot = new VrptwStop(0, 50, 50, 0, 0, horizon, 0);
        var list = new List<VrptwStop>();
        for (int i = 1; i <= customers; i++)
        {
            double x = rng.Next(0, 101), y = rng.Next(0, 101);
            double direct = Math.Sqrt((x - 50) * (x - 50) + (y - 50) * (y - 50));
            double ready = 0, due = horizon - direct - 5;
            if (tightWindows)
            {
                ready = direct + rng.Next(0, (int)Math.Max(1, horizon - 2 * direct - 30));
                due = Math.Min(ready + rng.Next(10, 60), horizon - direct - 5);
                ready = Math.Min(ready, due);
            }
            list.Add(new VrptwStop(i, x, y, rng.Next(0, 30), ready, due, 5));
        }
        return VrptwInstance.FromCoordinates($"random-{seed}", vehicles, capacity, depot, list);
    }
}
