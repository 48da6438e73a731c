using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Cli;

/// <summary>
/// `dots bench search`: the labelled query set (Modules/Catalog/Search/SearchQueries.tsv) on the demo marketplace,
/// optionally grown to N products, through today's search (the database's full-text engine: FTS5 / tsvector) and the
/// new in-memory index, in the same run, query by query interleaved. Reports zero-result rate, false hits on queries
/// that should find nothing, NDCG@10, p50/p99 latency of /api/products' search, and p50/p99 of suggestions as typed.
/// </summary>
internal static class BenchSearchCommand
{
    public static Command Create()
    {
        var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var postgres = new Option<string?>("--postgres") { Description = "Connection string to a PostgreSQL server where the bench may create a database (default: DOTS_BENCH_POSTGRES)." };
        var products = new Option<int>("--products") { Description = "Grow the demo catalogue to this many products (0 keeps the demo's ~236).", DefaultValueFactory = _ => 10_000 };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs of each query per engine.", DefaultValueFactory = _ => 3 };
        var verbose = new Option<bool>("--verbose") { Description = "Print every query's NDCG@10 for both engines." };
        var command = new Command("search", "The labelled query set through today's search and the new index in the same run: zero-result rate, NDCG@10, p50/p99, suggestion p50/p99.")
        {
            provider, postgres, products, repeat, verbose,
        };
        command.SetAction(async (parse, ct) =>
        {
            var o = new Options(parse.GetValue(provider)!, parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("DOTS_BENCH_POSTGRES"),
                parse.GetValue(products), Math.Max(1, parse.GetValue(repeat)), parse.GetValue(verbose));
            if (o.Provider == "postgres" && string.IsNullOrWhiteSpace(o.Postgres))
            {
                Console.Error.WriteLine("--provider postgres needs --postgres \"Host=127.0.0.1;Port=5432;Username=postgres\" (or DOTS_BENCH_POSTGRES).");
                return 2;
            }
            if (o.Products is < 0 or > 200_000)
            {
                Console.Error.WriteLine("--products must be between 0 and 200,000.");
                return 2;
            }
            return await RunAsync(o, ct);
        });
        return command;
    }

    private sealed record Options(string Provider, string? Postgres, int Products, int Repeat, bool Verbose);

    public sealed record LabelledQuery(string Class, string Query, IReadOnlyList<string> Lines);

    /// <summary>The query set embedded in the executable.</summary>
    public static IReadOnlyList<LabelledQuery> LoadQuerySet()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Dots.SearchQueries.tsv")
            ?? throw new InvalidOperationException("The search query set is not embedded.");
        using var reader = new StreamReader(stream);
        var queries = new List<LabelledQuery>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var parts = line.Split('\t');
            queries.Add(new LabelledQuery(parts[0], parts[1], parts.Length > 2 ? parts[2].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []));
        }
        return queries;
    }

    /// <summary>The demo line a product comes from: the longest line title its English title ends with.</summary>
    public static string? LineOf(string title) =>
        DemoCatalog.Lines.Where(l => title.EndsWith(l.Title, StringComparison.Ordinal)).OrderByDescending(l => l.Title.Length).Select(l => l.Title).FirstOrDefault();

    /// <summary>NDCG@10 with binary relevance: the ideal ranking puts min(10, relevant) relevant products first.</summary>
    public static double Ndcg10(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant)
    {
        if (relevant.Count == 0)
        {
            return ranked.Count == 0 ? 1 : 0;
        }
        double dcg = 0, ideal = 0;
        for (var i = 0; i < Math.Min(10, ranked.Count); i++)
        {
            dcg += relevant.Contains(ranked[i]) ? 1 / Math.Log2(i + 2) : 0;
        }
        for (var i = 0; i < Math.Min(10, relevant.Count); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }
        return dcg / ideal;
    }

    private static async Task<int> RunAsync(Options o, CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var args = new List<string> { $"--DataDir={dataDir}", $"--urls=http://127.0.0.1:{BenchSupport.FreePort()}", "--Seed:Demo=true", "--Logging:LogLevel:Default=Warning" };
        string? database = null;
        if (o.Provider == "postgres")
        {
            database = "dots_bench_" + Guid.NewGuid().ToString("N")[..8];
            var cs = new NpgsqlConnectionStringBuilder(o.Postgres) { Database = database, MaxPoolSize = 50 }.ToString();
            args.AddRange(["--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={cs}"]);
        }
        Console.Error.WriteLine($"Starting Dots ({o.Provider}) with the demo marketplace…");
        await using var app = DotsApp.Build([.. args]);
        await app.StartAsync(ct);
        try
        {
            var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
            var grown = await GrowAsync(scopes, o.Products, ct);
            var queries = LoadQuerySet();
            var lines = await scopes.RunAsync(async (DotsDbContext db) =>
                (await db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Published).Select(p => new { p.Id, p.Title }).ToListAsync(ct))
                .Select(p => (p.Id, Line: LineOf(p.Title))).Where(p => p.Line is not null).ToLookup(p => p.Line!, p => p.Id));

            var engine = app.Services.GetRequiredService<ProductSearchEngine>();
            var build = Stopwatch.StartNew();
            await scopes.RunAsync(async (CatalogService c) => await c.SearchAsync(new ProductQuery("warm", PageSize: 10), ct));
            var firstSearch = build.Elapsed;

            Console.Error.WriteLine($"{grown} products; warming up both engines…");
            foreach (var q in queries)
            {
                await RunOnceAsync(scopes, q.Query, baseline: true, ct);
                await RunOnceAsync(scopes, q.Query, baseline: false, ct);
            }

            var results = new Dictionary<bool, List<(LabelledQuery Q, double Ndcg, bool Zero, List<double> Ms)>> { [true] = [], [false] = [] };
            var cpu = new Dictionary<bool, TimeSpan> { [true] = TimeSpan.Zero, [false] = TimeSpan.Zero };
            var process = Process.GetCurrentProcess();
            foreach (var q in queries)
            {
                var relevant = q.Lines.SelectMany(l => lines[l]).ToHashSet(StringComparer.Ordinal);
                foreach (var baseline in new[] { true, false })
                {
                    var times = new List<double>();
                    IReadOnlyList<string> ids = [];
                    for (var r = 0; r < o.Repeat; r++)
                    {
                        process.Refresh();
                        var cpuBefore = process.TotalProcessorTime;
                        var sw = Stopwatch.StartNew();
                        ids = await RunOnceAsync(scopes, q.Query, baseline, ct);
                        times.Add(sw.Elapsed.TotalMilliseconds);
                        process.Refresh();
                        cpu[baseline] += process.TotalProcessorTime - cpuBefore;
                    }
                    results[baseline].Add((q, Ndcg10(ids, relevant), ids.Count == 0, times));
                }
            }

            // Suggestions as typed: every prefix of every query (by characters), new engine only (today has none).
            var suggestTimes = new List<double>();
            process.Refresh();
            var suggestCpu = process.TotalProcessorTime;
            foreach (var q in queries)
            {
                for (var n = 1; n <= q.Query.Length; n++)
                {
                    var prefix = q.Query[..n];
                    var sw = Stopwatch.StartNew();
                    await scopes.RunAsync((SearchAssist s) => s.SuggestAsync(prefix, 6, ct));
                    suggestTimes.Add(sw.Elapsed.TotalMilliseconds);
                }
            }

            process.Refresh();
            suggestCpu = process.TotalProcessorTime - suggestCpu;
            Console.WriteLine($"provider {o.Provider}, {grown} products, {queries.Count} queries ({queries.Count(q => q.Lines.Count > 0)} with relevant products, {queries.Count(q => q.Lines.Count == 0)} that should find nothing), {o.Repeat} timed runs each, load average {LoadAverage()}");
            Console.WriteLine($"index: first search (build) {firstSearch.TotalMilliseconds:F0} ms, last build {engine.LastBuild.Took.TotalMilliseconds:F0} ms for {engine.LastBuild.Products} products");
            Console.WriteLine();
            Console.WriteLine("| engine | zero-result rate (queries with relevant products) | false hits (should find nothing) | NDCG@10 | p50 ms | p99 ms | CPU ms/query |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var baseline in new[] { true, false })
            {
                var r = results[baseline];
                var withRelevant = r.Where(x => x.Q.Lines.Count > 0).ToList();
                var nothing = r.Where(x => x.Q.Lines.Count == 0).ToList();
                var ms = r.SelectMany(x => x.Ms).Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(baseline ? "today (FTS prefix words)" : "new index (ADR 0016)")} | {withRelevant.Count(x => x.Zero) / (double)withRelevant.Count:P1} ({withRelevant.Count(x => x.Zero)}/{withRelevant.Count}) | {nothing.Count(x => !x.Zero)}/{nothing.Count} | {withRelevant.Average(x => x.Ndcg):F3} | {BenchSupport.Percentile(ms, 0.5):F1} | {BenchSupport.Percentile(ms, 0.99):F1} | {cpu[baseline].TotalMilliseconds / ms.Length:F2} |"));
            }
            var st = suggestTimes.Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nsuggestions as typed: {st.Length} prefixes, p50 {BenchSupport.Percentile(st, 0.5):F1} ms, p99 {BenchSupport.Percentile(st, 0.99):F1} ms, CPU {suggestCpu.TotalMilliseconds / st.Length:F2} ms per suggestion"));
            Console.WriteLine("\n| class | queries | NDCG@10 today | NDCG@10 new | zero results today | zero results new |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var cls in queries.Select(q => q.Class).Distinct())
            {
                var a = results[true].Where(x => x.Q.Class == cls).ToList();
                var b = results[false].Where(x => x.Q.Class == cls).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {cls} | {a.Count} | {a.Average(x => x.Ndcg):F3} | {b.Average(x => x.Ndcg):F3} | {a.Count(x => x.Zero)} | {b.Count(x => x.Zero)} |"));
            }
            if (o.Verbose)
            {
                Console.WriteLine();
                for (var i = 0; i < queries.Count; i++)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{queries[i].Class,-15} {queries[i].Query,-20} today {results[true][i].Ndcg:F2}  new {results[false][i].Ndcg:F2}"));
                }
            }
            return 0;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await BenchSupport.CleanUpAsync(o.Postgres, database, dataDir);
        }
    }

    /// <summary>The first page (10) of GET /api/products?q= through CatalogService, with today's engine or the new one.</summary>
    private static Task<IReadOnlyList<string>> RunOnceAsync(IServiceScopeFactory scopes, string query, bool baseline, CancellationToken ct) =>
        scopes.RunAsync(async (IServiceProvider sp) =>
        {
            var catalog = baseline
                ? new CatalogService(sp.GetRequiredService<DotsDbContext>(), new ProductSearch(sp.GetRequiredService<DotsDbContext>()), TimeProvider.System, sp)
                : sp.GetRequiredService<CatalogService>();
            var page = await catalog.SearchAsync(new ProductQuery(query, PageSize: 10), ct);
            return (IReadOnlyList<string>)page.Items.Select(i => i.Id).ToList();
        });

    private static readonly (string En, string Ko)[] Adjectives =
    [
        ("Handmade", "수제"), ("Small-batch", "소량생산"), ("Classic", "클래식"), ("Seasonal", "시즌"), ("Mini", "미니"),
        ("Family Size", "패밀리 사이즈"), ("Travel", "여행용"), ("Signature", "시그니처"), ("Eco", "친환경"), ("Deluxe", "디럭스"),
    ];

    /// <summary>
    /// Grows the catalogue to <paramref name="target"/> published products: variations of the demo's lines under
    /// made-up Latin brand names (a realistic, larger vocabulary that does not collide with Korean query fragments).
    /// </summary>
    private static async Task<int> GrowAsync(IServiceScopeFactory scopes, int target, CancellationToken ct)
    {
        return await scopes.RunAsync(async (DotsDbContext db) =>
        {
            var existing = await db.Products.CountAsync(ct);
            if (target <= existing)
            {
                return existing;
            }
            Console.Error.WriteLine($"Growing the catalogue from {existing} to {target} products…");
            var shops = await db.Shops.AsNoTracking().Select(s => new { s.Id, s.Category }).ToListAsync(ct);
            var random = new Random(16);
            string[] consonants = ["b", "d", "f", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"];
            string[] vowels = ["a", "e", "i", "o", "u"];
            var brands = Enumerable.Range(0, 300).Select(_ =>
            {
                var name = string.Concat(Enumerable.Range(0, random.Next(2, 4)).Select(_ => consonants[random.Next(consonants.Length)] + vowels[random.Next(vowels.Length)]));
                return char.ToUpperInvariant(name[0]) + name[1..];
            }).ToArray();
            var now = DateTimeOffset.UtcNow;
            var batch = 0;
            for (var n = existing; n < target; n++)
            {
                var line = DemoCatalog.Lines[random.Next(DemoCatalog.Lines.Length)];
                var adjective = Adjectives[random.Next(Adjectives.Length)];
                var brand = brands[random.Next(brands.Length)];
                var shop = shops.FirstOrDefault(s => s.Category == line.Category && random.Next(2) == 0) ?? shops[random.Next(shops.Count)];
                var id = Ids.New();
                var price = Math.Round(line.BasePrice * (decimal)(0.7 + random.NextDouble()) / 100m) * 100m;
                db.Products.Add(new Product
                {
                    Id = id, ShopId = shop.Id, Title = $"{brand} {adjective.En} {line.Title}", TitleKo = $"{brand} {adjective.Ko} {line.TitleKo}",
                    Description = line.Blurb, DescriptionKo = line.BlurbKo, Category = line.Category, Tags = [.. line.Tags],
                    Status = ProductStatus.Published, PriceFrom = price, SoldUnits = random.Next(0, 40), CreatedAt = now.AddDays(-random.Next(1, 300)), UpdatedAt = now,
                    Variants = [new Variant { Id = Ids.New(), ProductId = id, ShopId = shop.Id, Sku = $"BENCH-{n}", Price = price, Stock = random.Next(0, 50) }],
                });
                if (++batch == 500)
                {
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                    batch = 0;
                }
            }
            await db.SaveChangesAsync(ct);
            return target;
        });
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
