using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Signals;
using Dots.Modules.Personalization;
using Dots.Recommend.Data;
using Dots.Recommend.Serving;

namespace Dots.Cli;

/// <summary>
/// `dots bench recs`: serving latency of "for you" and "similar" over HTTP with many concurrent clients, on the demo
/// catalog grown in memory to --products products and --customers customers with synthetic order histories (the
/// benchmark's seeding option), beside a static file in the same run; memory and build time per model version.
/// </summary>
internal static class BenchRecsCommand
{
    public static Command Create()
    {
        var products = new Option<int>("--products") { Description = "Catalog size after growing the demo.", DefaultValueFactory = _ => 10_000 };
        var customers = new Option<int>("--customers") { Description = "Customers with synthetic order histories.", DefaultValueFactory = _ => 50_000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients.", DefaultValueFactory = _ => 50 };
        var seconds = new Option<int>("--seconds") { Description = "How long each endpoint (and the static baseline) runs.", DefaultValueFactory = _ => 10 };
        var sessions = new Option<int>("--sessions") { Description = "Anonymous sessions with three views each that for-you is asked for.", DefaultValueFactory = _ => 500 };
        var cores = new Option<int>("--cores") { Description = "Cores the model build may use.", DefaultValueFactory = _ => 2 };
        var tune = new Option<bool>("--tune") { Description = "Tune the blend (as the nightly job does; slower). Default: the library's default weights." };
        var command = new Command("recs", "Recommendation serving (for-you, similar) at p50/p99 with N concurrent clients on a grown catalog, beside a static file; memory per model version.")
        {
            products, customers, clients, seconds, sessions, cores, tune,
        };
        command.SetAction(async (parse, ct) =>
        {
            var o = new Options(parse.GetValue(products), parse.GetValue(customers), parse.GetValue(clients), parse.GetValue(seconds),
                parse.GetValue(sessions), parse.GetValue(cores), parse.GetValue(tune));
            if (o.Products < 100 || o.Customers < 10 || o.Clients < 1 || o.Seconds < 1 || o.Sessions < 1 || o.Cores < 1)
            {
                Console.Error.WriteLine("--products ≥ 100, --customers ≥ 10, --clients, --seconds, --sessions and --cores ≥ 1.");
                return 2;
            }
            return await RunAsync(o, ct);
        });
        return command;
    }

    private sealed record Options(int Products, int Customers, int Clients, int Seconds, int Sessions, int Cores, bool Tune);

    private sealed record Run(int Requests, int Errors, double Seconds, double P50, double P99)
    {
        public double PerSecond => Requests / Seconds;
    }

    private static async Task<int> RunAsync(Options o, CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-bench-recs-" + Guid.NewGuid().ToString("N")[..8]);
        var port = BenchSupport.FreePort();
        Console.Error.WriteLine($"Starting Dots on 127.0.0.1:{port} with the demo marketplace…");
        await using var app = DotsApp.Build([$"--DataDir={dataDir}", $"--urls=http://127.0.0.1:{port}", "--Seed:Demo=true", "--Logging:LogLevel:Default=Warning",
            "--Personalization:PollInterval=01:00:00", "--Personalization:CatalogRefresh=01:00:00", $"--Personalization:MaxTrainingCores={o.Cores}"]);
        await app.StartAsync(ct);
        try
        {
            var view = app.Services.GetRequiredService<CatalogView>();
            var demo = await view.RefreshAsync(ct);
            var (catalog, rows) = Grow(demo, o.Products, o.Customers);
            view.Install(catalog);
            Console.Error.WriteLine($"Grown: {catalog.ByKey.Count} products, {o.Customers} customers, {rows.Count} purchase rows. Building the model…");

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetTotalMemory(true);
            var watch = Stopwatch.StartNew();
            var recommender = Recommender.Train(rows, new RecommenderOptions { KeepSeen = true, TuneBlend = o.Tune, MaxDegreeOfParallelism = o.Cores,
                Content = ModelHost.Content(catalog) }, null, ct);
            var build = watch.Elapsed;
            GC.Collect();
            var bytes = GC.GetTotalMemory(true) - before;
            var host = app.Services.GetRequiredService<ModelHost>();
            host.Swap(new ModelState(1_000_000, "bench", recommender, DateTimeOffset.UtcNow, bytes, build));

            // Anonymous sessions, three product views each, through the client-signal listener (as POST /api/events does).
            var random = new Random(7);
            var keys = catalog.ByKey.Keys.ToArray();
            var sessionIds = Enumerable.Range(0, o.Sessions).Select(i => $"bench-{i}").ToArray();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var now = DateTimeOffset.UtcNow;
                var signals = sessionIds.SelectMany(s => Enumerable.Range(0, 3).Select(k => new ClientSignal("view", keys[random.Next(keys.Length)], null, null, s, null, now.AddSeconds(k - 3)))).ToList();
                foreach (var listener in scope.ServiceProvider.GetServices<IClientSignalListener>())
                {
                    await listener.OnAcceptedAsync(signals, ct);
                }
            }

            // The model's own cost per request, in process on one thread (no HTTP, no rules): what the 10 ms budget buys.
            var inProcess = new double[2000];
            for (var i = 0; i < inProcess.Length; i++)
            {
                var views = new[] { keys[random.Next(keys.Length)], keys[random.Next(keys.Length)], keys[random.Next(keys.Length)] };
                var t0 = Stopwatch.GetTimestamp();
                if (i % 2 == 0)
                {
                    recommender.ForUser($"bench-c{random.Next(o.Customers)}", new RecommendRequest { Count = 20, ExcludePurchased = false });
                }
                else
                {
                    recommender.ForSession(views, new RecommendRequest { Count = 20 });
                }
                inProcess[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            Array.Sort(inProcess);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Add("Accept-Language", "ko");
            var forYou = (int i) => Request($"/api/recommendations/for-you?limit=20", sessionIds[i % sessionIds.Length]);
            var similar = (int i) => Request($"/api/products/{keys[(i * 7919) % keys.Length]}/similar?limit=10", null);
            var staticFile = (int i) => Request("/img/placeholder.svg", null);
            Console.Error.WriteLine("Warming up…");
            await MeasureAsync(http, forYou, Math.Min(8, o.Clients), 2, ct);
            await MeasureAsync(http, similar, Math.Min(8, o.Clients), 1, ct);
            await MeasureAsync(http, staticFile, Math.Min(8, o.Clients), 1, ct);

            var f = await MeasureAsync(http, forYou, o.Clients, o.Seconds, ct);
            var s = await MeasureAsync(http, similar, o.Clients, o.Seconds, ct);
            var b = await MeasureAsync(http, staticFile, o.Clients, o.Seconds, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{catalog.ByKey.Count} products, {o.Customers} customers, {rows.Count} purchase rows; {o.Clients} clients, {o.Seconds} s each; {Environment.ProcessorCount} cores; load average {LoadAverage()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model version: built in {build.TotalSeconds:F1} s on {o.Cores} core(s){(o.Tune ? " with blend tuning" : "")}, {bytes / 1048576.0:F0} MB managed memory"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"in process, one thread, ForUser/ForSession top 20 (no HTTP): p50 {BenchSupport.Percentile(inProcess, 0.5):F2} ms, p99 {BenchSupport.Percentile(inProcess, 0.99):F2} ms over {inProcess.Length} calls"));
            Console.WriteLine("| endpoint | req/s | p50 ms | p99 ms | errors | p99 / static p99 |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var (name, r) in new[] { ("GET /api/recommendations/for-you (session)", f), ("GET /api/products/{id}/similar", s), ("static file (baseline)", b) })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {r.PerSecond:F0} | {r.P50:F2} | {r.P99:F2} | {r.Errors} | {r.P99 / b.P99:F2} |"));
            }
            return f.Errors + s.Errors > 0 ? 1 : 0;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await BenchSupport.CleanUpAsync(null, null, dataDir);
        }
    }

    private static HttpRequestMessage Request(string path, string? session)
    {
        var r = new HttpRequestMessage(HttpMethod.Get, path);
        if (session is not null)
        {
            r.Headers.Add(SessionIds.Header, session);
        }
        return r;
    }

    /// <summary>
    /// The demo catalog plus synthetic products in the demo's categories (spread over 300 synthetic shops), and
    /// customers whose 2–8 orders of 1–5 items follow a taste (a home category) and a long-tailed popularity.
    /// </summary>
    private static (CatalogSnapshot Catalog, List<Interaction> Rows) Grow(CatalogSnapshot demo, int products, int customers)
    {
        var random = new Random(42);
        var items = demo.ByKey.Values.ToList();
        var categories = demo.Categories.Keys.DefaultIfEmpty("fresh-food").ToArray();
        for (var i = items.Count; i < products; i++)
        {
            var template = items[random.Next(Math.Max(1, demo.ByKey.Count))];
            var shop = $"bench-shop-{i % 300}";
            items.Add(template with
            {
                Id = $"bench-p{i}", Title = $"{template.Title} {i}", TitleKo = template.TitleKo is null ? null : $"{template.TitleKo} {i}",
                Category = categories[i % categories.Length], GroupId = shop, GroupName = $"Bench shop {i % 300}", OwnerId = $"bench-owner-{i % 300}",
                Url = $"/products/bench-p{i}", Available = true, Popularity = random.Next(0, 1000),
            });
        }
        var catalog = new CatalogSnapshot(items, [.. demo.Categories.Values], DateTimeOffset.UtcNow);
        var byCategory = items.GroupBy(i => i.Category).ToDictionary(g => g.Key, g => g.Select(CatalogSnapshot.KeyOf).ToArray());
        var all = items.Select(CatalogSnapshot.KeyOf).ToArray();
        int Zipf(int n) => (int)Math.Min(n - 1, Math.Floor(Math.Pow(random.NextDouble(), 3) * n));
        var rows = new List<Interaction>(customers * 12);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        for (var c = 0; c < customers; c++)
        {
            var home = byCategory[categories[random.Next(categories.Length)]];
            var staples = Enumerable.Range(0, 3).Select(_ => home[Zipf(home.Length)]).ToArray();
            var orders = random.Next(2, 9);
            for (var b = 0; b < orders; b++)
            {
                var order = start + (b * TimeSpan.TicksPerDay * 7) + c;
                var size = random.Next(1, 6);
                for (var k = 0; k < size; k++)
                {
                    var item = random.NextDouble() switch
                    {
                        < 0.3 => staples[random.Next(staples.Length)],
                        < 0.8 => home[Zipf(home.Length)],
                        _ => all[Zipf(all.Length)],
                    };
                    rows.Add(new Interaction($"bench-c{c}", item, order));
                }
            }
        }
        return (catalog, rows);
    }

    private static async Task<Run> MeasureAsync(HttpClient http, Func<int, HttpRequestMessage> request, int clients, int seconds, CancellationToken ct)
    {
        var latencies = new List<double>[clients];
        var errors = 0;
        var watch = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            var i = c * 1000;
            while (watch.Elapsed < until && !ct.IsCancellationRequested)
            {
                var t = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request(i++), ct);
                    await response.Content.ReadAsByteArrayAsync(ct);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }, ct)));
        var sorted = latencies.SelectMany(l => l).Order().ToArray();
        return new Run(sorted.Length, errors, watch.Elapsed.TotalSeconds, BenchSupport.Percentile(sorted, 0.50), BenchSupport.Percentile(sorted, 0.99));
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
