using Dots.Recommend.Data;

namespace Dots.Recommend.Tests;

/// <summary>Small synthetic data sets with planted structure; each test builds its own.</summary>
internal static class TestData
{
    public static Interaction Row(string user, string item, long order = 1) => new(user, item, order);

    /// <summary>Items come in pairs (p0a, p0b), (p1a, p1b), ...: every user buys three whole pairs plus one random item.</summary>
    public static List<Interaction> CoPurchasedPairs(int users = 300, int pairs = 20, int seed = 7)
    {
        var rng = new Random(seed);
        var rows = new List<Interaction>();
        for (var u = 0; u < users; u++)
        {
            var basket = 1;
            foreach (var p in Enumerable.Range(0, pairs).OrderBy(_ => rng.Next()).Take(3))
            {
                rows.Add(Row($"u{u}", $"p{p}a", basket));
                rows.Add(Row($"u{u}", $"p{p}b", basket));
                basket++;
            }
            rows.Add(Row($"u{u}", $"p{rng.Next(pairs)}{(rng.Next(2) == 0 ? 'a' : 'b')}", basket));
        }
        return rows;
    }

    /// <summary>Chains c{k}-0 → c{k}-1 → c{k}-2 → c{k}-3 bought in that order, one item per step.</summary>
    public static List<Interaction> Chains(int users = 300, int chains = 15, int seed = 11)
    {
        var rng = new Random(seed);
        var rows = new List<Interaction>();
        for (var u = 0; u < users; u++)
        {
            var pos = 0;
            foreach (var c in Enumerable.Range(0, chains).OrderBy(_ => rng.Next()).Take(2))
            {
                for (var s = 0; s < 4; s++)
                {
                    rows.Add(Row($"u{u}", $"c{c}-{s}", pos++));
                }
            }
        }
        return rows;
    }

    /// <summary>Grocery shoppers: each re-buys a personal staple in every basket, plus random popular items.</summary>
    public static List<Interaction> RebuyCycles(int users = 200, int items = 60, int baskets = 6, int seed = 3)
    {
        var rng = new Random(seed);
        var rows = new List<Interaction>();
        for (var u = 0; u < users; u++)
        {
            var staple = $"s{u % 40}";
            for (var b = 1; b <= baskets; b++)
            {
                rows.Add(Row($"u{u}", staple, b));
                for (var x = 0; x < 3; x++)
                {
                    rows.Add(Row($"u{u}", $"g{rng.Next(items)}", b));
                }
            }
        }
        return rows;
    }
}

/// <summary>
/// The benchmark data folder: env DOTS_SHARED_DIR, else the sibling "shared" of the folder holding Dots.slnx.
/// </summary>
internal static class SharedDir
{
    public static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("DOTS_SHARED_DIR");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Dots.slnx")))
                {
                    var shared = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                    if (Directory.Exists(shared))
                    {
                        return shared;
                    }
                }
            }
        }
        return null;
    }
}
