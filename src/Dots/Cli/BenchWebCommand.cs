using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Dots.Infrastructure.Database;
using Npgsql;

namespace Dots.Cli;

/// <summary>
/// `dots bench web`: signed-in customers (half with the web's cookie, half with bearer tokens) browsing every
/// storefront and seller page and the main API routes at 1, 8 and 32 concurrent clients, beside a static file served
/// by the same server in the same run. Reports p50/p99 latency, requests per second, errors, and the ratio of page
/// throughput to static-file throughput (the ratio is what compares across machines).
/// </summary>
internal static class BenchWebCommand
{
    public static Command Create()
    {
        var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var postgres = new Option<string?>("--postgres") { Description = "Connection string to a PostgreSQL server where the bench may create a database (default: DOTS_BENCH_POSTGRES)." };
        var clients = new Option<string>("--clients") { Description = "Comma-separated concurrency levels.", DefaultValueFactory = _ => "1,8,32" };
        var seconds = new Option<int>("--seconds") { Description = "How long each level (and its static-file baseline) runs.", DefaultValueFactory = _ => 10 };
        var locking = new Option<string?>("--sqlite-locking") { Description = "BusyTimeout (default), WriteGate or ConnectionGate: how SQLite writers take turns." };
        var command = new Command("web", "Signed-in browsing of every page at several concurrency levels, beside a static file in the same run: p50/p99, requests/s, errors.")
        {
            provider, postgres, clients, seconds, locking,
        };
        command.SetAction(async (parse, ct) =>
        {
            var levels = new List<int>();
            foreach (var part in parse.GetValue(clients)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 1000)
                {
                    Console.Error.WriteLine($"--clients: '{part}' is not a number between 1 and 1000.");
                    return 2;
                }
                levels.Add(n);
            }
            var o = new Options(parse.GetValue(provider)!, parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("DOTS_BENCH_POSTGRES"),
                levels, parse.GetValue(seconds), parse.GetValue(locking));
            if (levels.Count == 0 || o.Seconds < 1)
            {
                Console.Error.WriteLine("--clients needs at least one level and --seconds must be at least 1.");
                return 2;
            }
            if (o.Provider == "postgres" && string.IsNullOrWhiteSpace(o.Postgres))
            {
                Console.Error.WriteLine("--provider postgres needs --postgres \"Host=127.0.0.1;Port=5432;Username=postgres\" (or DOTS_BENCH_POSTGRES).");
                return 2;
            }
            return await RunAsync(o, ct);
        });
        return command;
    }

    private sealed record Options(string Provider, string? Postgres, IReadOnlyList<int> Levels, int Seconds, string? Locking);

    private sealed record Client(HttpClient Http, IReadOnlyList<string> Paths);

    private sealed record Run(int Requests, int Errors, double Seconds, double P50, double P99)
    {
        public double PerSecond => Requests / Seconds;
    }

    private static async Task<int> RunAsync(Options o, CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var port = BenchSupport.FreePort();
        var args = new List<string> { $"--DataDir={dataDir}", $"--urls=http://127.0.0.1:{port}", "--Seed:Demo=true", "--Logging:LogLevel:Default=Warning",
            "--RateLimits:OrdersPerMinute=100000000", "--RateLimits:OrdersBurst=100000000", "--RateLimits:AuthPerMinute=100000000" };
        if (o.Locking is not null)
        {
            args.Add($"--Database:SqliteLocking={o.Locking}");
        }
        string? database = null;
        if (o.Provider == "postgres")
        {
            database = "dots_bench_" + Guid.NewGuid().ToString("N")[..8];
            var cs = new NpgsqlConnectionStringBuilder(o.Postgres) { Database = database, MaxPoolSize = 100 }.ToString();
            args.AddRange(["--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={cs}"]);
        }
        Console.Error.WriteLine($"Starting Dots on 127.0.0.1:{port} ({o.Provider}{(o.Locking is null ? "" : ", " + o.Locking)}) with the demo marketplace…");
        await using var app = DotsApp.Build([.. args]);
        await app.StartAsync(ct);
        try
        {
            var max = o.Levels.Max();
            var clients = await PrepareAsync(port, max, ct);
            Console.Error.WriteLine("Warming up…");
            await MeasureAsync(clients.Take(Math.Min(8, max)).ToList(), 3, ct);
            await MeasureStaticAsync(port, Math.Min(8, max), 2, ct);

            Console.WriteLine($"provider {o.Provider}{(o.Provider == "sqlite" ? ", locking " + (o.Locking ?? nameof(SqliteLocking.BusyTimeout)) : "")}, {o.Seconds} s per level, load average {LoadAverage()}");
            Console.WriteLine("clients  pages/s  p50 ms  p99 ms  errors  | static/s  p50 ms  p99 ms | pages/static");
            var failed = false;
            foreach (var level in o.Levels)
            {
                var pages = await MeasureAsync(clients.Take(level).ToList(), o.Seconds, ct);
                var files = await MeasureStaticAsync(port, level, o.Seconds, ct);
                failed |= pages.Errors > 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{level,7}  {pages.PerSecond,7:F0}  {pages.P50,6:F1}  {pages.P99,6:F1}  {pages.Errors,6}  | {files.PerSecond,8:F0}  {files.P50,6:F1}  {files.P99,6:F1} | {pages.PerSecond / files.PerSecond,11:P1}"));
            }
            return failed ? 1 : 0;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await BenchSupport.CleanUpAsync(o.Postgres, database, dataDir);
        }
    }

    /// <summary>Each client: a new account that opens a shop with a product, has a cart line and an order.</summary>
    private static async Task<List<Client>> PrepareAsync(int port, int count, CancellationToken ct)
    {
        Console.Error.WriteLine($"Signing in {count} customers (half cookie, half bearer), each with a shop, a cart and an order…");
        var clients = new Client[count];
        var products = new (string ShopId, string ProductId, string VariantId)[count];
        var https = new HttpClient[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
        {
            var cookies = i % 2 == 0;
            var http = new HttpClient(new HttpClientHandler { UseCookies = cookies, CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(60),
            };
            var email = $"browser{i}-{Guid.NewGuid():N}@bench.dots";
            (await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Bench1234" }, token)).EnsureSuccessStatusCode();
            var login = await http.PostAsJsonAsync(cookies ? "/api/auth/login?useCookies=true" : "/api/auth/login", new { email, password = "Bench1234" }, token);
            login.EnsureSuccessStatusCode();
            if (!cookies)
            {
                var accessToken = (await login.Content.ReadFromJsonAsync<Login>(token))!.AccessToken;
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }
            var shop = await (await http.PostAsJsonAsync("/api/shops", new { name = $"Bench shop {i}", description = "bench" }, token)).Content.ReadFromJsonAsync<IdOnly>(token);
            var product = await (await http.PostAsJsonAsync($"/api/shops/{shop!.Id}/products", new
            {
                title = $"Green tea {i}", description = "Bench tea", category = "fresh-food", tags = new[] { "tea" },
                variants = new[] { new { sku = $"TEA-{i}", options = new Dictionary<string, string> { ["size"] = "100g" }, price = new { amount = 12000, currency = "KRW" }, stock = 1_000_000 } },
            }, token)).Content.ReadFromJsonAsync<ProductOnly>(token);
            products[i] = (shop.Id, product!.Id, product.Variants[0].Id);
            https[i] = http;
        });
        for (var i = 0; i < count; i++)
        {
            var http = https[i];
            var (shopId, productId, _) = products[i];
            var neighbour = products[(i + 1) % count];
            (await http.PutAsJsonAsync($"/api/cart/items/{neighbour.VariantId}", new { quantity = 1 }, ct)).EnsureSuccessStatusCode();
            using var place = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = JsonContent.Create(new
                {
                    items = new[] { new { variantId = neighbour.VariantId, quantity = 1 } },
                    shippingAddress = new { name = "Bench", line1 = "1 Teheran-ro", city = "Seoul", postalCode = "06236", phone = "010-0000-0000" },
                    payment = new { method = "card", cardNumber = "4242424242424242" },
                }),
            };
            place.Headers.Add("Idempotency-Key", "bench-web-" + i);
            var order = await (await http.SendAsync(place, ct)).Content.ReadFromJsonAsync<IdOnly>(ct);
            clients[i] = new Client(http,
            [
                "/", $"/products/{productId}", "/search?q=tea", "/cart", "/orders", $"/orders/{order!.Id}", "/account", "/checkout",
                "/sell", $"/sell/{shopId}", $"/sell/{shopId}/orders", $"/sell/{shopId}/payouts", $"/sell/{shopId}/products", $"/sell/{shopId}/products/{productId}",
                "/api/me", "/api/orders", "/api/cart", "/api/products?q=tea", $"/api/products/{productId}", $"/api/shops/{shopId}/orders",
            ]);
        }
        return [.. clients];
    }

    private static async Task<Run> MeasureAsync(IReadOnlyList<Client> clients, int seconds, CancellationToken ct)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var errors = 0;
        var until = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            for (var i = index; Stopwatch.GetTimestamp() < until; i++)
            {
                var path = client.Paths[i % client.Paths.Count];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.Http.GetAsync(path, ct);
                    await response.Content.LoadIntoBufferAsync(ct);
                    if ((int)response.StatusCode >= 500)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }, ct)));
        return Summarize(latencies, errors, clock.Elapsed.TotalSeconds);
    }

    private static async Task<Run> MeasureStaticAsync(int port, int clients, int seconds, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var errors = 0;
        var until = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync("/app.css", ct);
                await response.Content.LoadIntoBufferAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }, ct)));
        return Summarize(latencies, errors, clock.Elapsed.TotalSeconds);
    }

    private static Run Summarize(IEnumerable<double> latencies, int errors, double seconds)
    {
        var sorted = latencies.Order().ToArray();
        return new Run(sorted.Length, errors, seconds, BenchSupport.Percentile(sorted, 0.50), BenchSupport.Percentile(sorted, 0.99));
    }


    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";


    private sealed record Login(string AccessToken);

    private sealed record IdOnly(string Id);

    private sealed record ProductOnly(string Id, IReadOnlyList<IdOnly> Variants);
}
