using Dots.Recommend.Data;

namespace Dots.Recommend.Tests;

/// <summary>Small synthetic data sets with planted structure; each test builds its own.</summary>
internal static class TestData
{
    public static Interaction Row(string user, string item, long order = 1) => new(user, item, order);

    /// <summary>
    /// Items come in pairs (p0a, p0b), (p1a, p1b), ...: every user buys one random item, then three whole pairs;
    /// the last pair is split over the last two baskets, so the held-out last basket is predictable from its partner.
    /// </summary>
    public static List<Interaction> CoPurchasedPairs(int users = 300, int pairs = 20, int seed = 7)
    {
        var rng = new Random(seed);
        var rows = new List<Interaction>();
        for (var u = 0; u < users; u++)
        {
            rows.Add(Row($"u{u}", $"p{rng.Next(pairs)}{(rng.Next(2) == 0 ? 'a' : 'b')}", 0));
            var basket = 1;
            var chosen = Enumerable.Range(0, pairs).OrderBy(_ => rng.Next()).Take(3).ToArray();
            foreach (var p in chosen)
            {
                var first = rng.Next(2) == 0 ? 'a' : 'b';
                var second = first == 'a' ? 'b' : 'a';
                rows.Add(Row($"u{u}", $"p{p}{first}", basket));
                if (p == chosen[^1])
                {
                    basket++;
                }
                rows.Add(Row($"u{u}", $"p{p}{second}", basket));
                basket++;
            }
        }
        return rows;
    }

    /// <summary>
    /// Chains c{k}-0 → c{k}-1 → c{k}-2 → c{k}-3 bought in that order, one item per step; the second chain stops
    /// after 2 to 4 steps, so the last item is sometimes a middle step and order matters.
    /// </summary>
    public static List<Interaction> Chains(int users = 300, int chains = 15, int seed = 11)
    {
        var rng = new Random(seed);
        var rows = new List<Interaction>();
        for (var u = 0; u < users; u++)
        {
            var pos = 0;
            var steps = 4;
            foreach (var c in Enumerable.Range(0, chains).OrderBy(_ => rng.Next()).Take(2))
            {
                for (var s = 0; s < steps; s++)
                {
                    rows.Add(Row($"u{u}", $"c{c}-{s}", pos++));
                }
                steps = 2 + rng.Next(3);
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
