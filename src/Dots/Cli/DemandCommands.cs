using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.Demand;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Cli;

/// <summary>`dots demand rebuild|forecast` and `dots bench ingest`.</summary>
internal static class DemandCommands
{
    public static Command Create()
    {
        var demand = new Command("demand", "Demand sensing: roll-ups and forecasts.");
        var rebuild = new Command("rebuild", "Throw the demand roll-ups away and rebuild them exactly from the raw events (the check on the live path).") { TreatUnmatchedTokensAsErrors = false };
        rebuild.SetAction(async (parse, ct) =>
        {
            await using var app = DotsApp.Build(DotsCli.HostArgs(parse));
            await using var scope = app.Services.CreateAsyncScope();
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
            var sw = Stopwatch.StartNew();
            var (events, products, queries) = await scope.ServiceProvider.GetRequiredService<DemandStore>().RebuildAsync(ct);
            Console.WriteLine($"Rebuilt from {events} events: {products} product roll-up rows, {queries} search roll-up rows in {sw.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        var forecast = new Command("forecast", "Forecast every active variant now (what the nightly job does).") { TreatUnmatchedTokensAsErrors = false };
        forecast.SetAction(async (parse, ct) =>
        {
            await using var app = DotsApp.Build(DotsCli.HostArgs(parse));
            await using var scope = app.Services.CreateAsyncScope();
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
            var sw = Stopwatch.StartNew();
            var count = await scope.ServiceProvider.GetRequiredService<DemandForecasting>().RunAsync(null, null, ct);
            Console.WriteLine($"Forecast {count} variants in {sw.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        demand.Subcommands.Add(rebuild);
        demand.Subcommands.Add(forecast);
        demand.Subcommands.Add(CreateBacktest());
        return demand;
    }

    private static Command CreateBacktest()
    {
        var data = new Option<string>("--data") { Description = "Sales histories, wide CSV id,v1,...,vn (e.g. the UCI weekly set: ../shared/data/forecast/uci-sales-weekly/weekly.csv).", Required = true };
        var lead = new Option<int>("--lead") { Description = "Lead time in periods: each decision covers this many periods.", DefaultValueFactory = _ => 2 };
        var service = new Option<string>("--service") { Description = "Service levels for the newsvendor suggestion, comma-separated.", DefaultValueFactory = _ => "0.9" };
        var windows = new Option<int>("--windows") { Description = "Decision windows at the end of the data (rolling origins, lead periods apart).", DefaultValueFactory = _ => 8 };
        var season = new Option<int>("--season") { Description = "Season length for the forecasts (1 = none).", DefaultValueFactory = _ => 1 };
        var cmd = new Command("backtest", "Backtest the newsvendor \"make next\" suggestion against a naive last-4-weeks rule on rolling origins: fill rate, windows without a lost sale, leftover units.");
        foreach (var o in new Option[] { data, lead, service, windows, season })
            cmd.Options.Add(o);
        cmd.SetAction((parse, ct) =>
        {
            try
            {
                var series = Dots.Forecast.Data.WideCsv.Read(parse.GetValue(data)!).Select(s => s.Values).ToList();
                int l = parse.GetValue(lead), w = parse.GetValue(windows);
                if (w < 1) throw new ArgumentOutOfRangeException(nameof(windows), w, "at least one window");
                var levels = parse.GetValue(service)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && v < 1 ? v
                        : throw new ArgumentOutOfRangeException(nameof(service), x, "a service level lies strictly between 0 and 1")).ToList();
                int n = series.Min(s => s.Length);
                var sw = Stopwatch.StartNew();
                var results = PolicyBacktest.Run(series, l, levels, n - w * l, parse.GetValue(season), ct);
                Console.WriteLine($"{series.Count} products, {n} periods; {w} windows of {l} periods from period {n - w * l} (rolling origins), both policies start with no stock");
                Console.WriteLine($"{"policy",-22}{"fill rate",11}{"no-loss windows",17}{"leftover/window",17}{"made",10}{"sold",10}{"lost",10}{"demand",10}");
                foreach (var r in results)
                {
                    string name = double.IsNaN(r.ServiceLevel) ? r.Policy : $"{r.Policy} {r.ServiceLevel.ToString("0.###", CultureInfo.InvariantCulture)}";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-22}{r.FillRate * 100,10:F1}%{r.CycleService * 100,16:F1}%{r.MeanLeftover,17:F2}{r.Made,10:F0}{r.Sold,10:F0}{r.LostUnits,10:F0}{r.Demand,10:F0}"));
                }
                Console.WriteLine("fill rate = sold / demanded; no-loss windows = product-windows where the shelf covered the demand (the newsvendor's service level aims at this); leftover = units on the shelf at the end of a window");
                Console.WriteLine($"in {sw.Elapsed.TotalSeconds:F1} s");
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is Dots.Forecast.Data.WideCsvException or IOException or ArgumentException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(2);
            }
        });
        return cmd;
    }

    public static Command CreateBench()
    {
        var rate = new Option<int>("--rate") { Description = "Events per second to offer.", DefaultValueFactory = _ => 2000 };
        var seconds = new Option<int>("--seconds") { Description = "How long to offer them.", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Events per POST /api/events.", DefaultValueFactory = _ => 100 };
        var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients.", DefaultValueFactory = _ => 8 };
        var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var postgres = new Option<string?>("--postgres") { Description = "Connection string to a PostgreSQL server where the bench may create a database (default: DOTS_BENCH_POSTGRES)." };
        var command = new Command("ingest", "Demand events through POST /api/events at a given rate: accepted events/s, rows/s, memory, accepted→roll-up lag p50/p99, beside the raw bulk-insert ceiling (COPY / prepared INSERT) for the same rows in the same run.")
        {
            rate, seconds, batch, clients, provider, postgres,
        };
        command.SetAction(async (parse, ct) =>
        {
            var o = new Options(parse.GetValue(rate), parse.GetValue(seconds), parse.GetValue(batch), parse.GetValue(clients), parse.GetValue(provider)!,
                parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("DOTS_BENCH_POSTGRES"));
            if (o.Rate < 1 || o.Seconds < 1 || o.Batch is < 1 or > 500 || o.Clients < 1)
            {
                Console.Error.WriteLine("--rate, --seconds and --clients must be at least 1; --batch 1 to 500.");
                return 2;
            }
            if (o.Provider == "postgres" && string.IsNullOrWhiteSpace(o.Postgres))
            {
                Console.Error.WriteLine("--provider postgres needs --postgres \"Host=127.0.0.1;Port=5432;Username=postgres\" (or DOTS_BENCH_POSTGRES).");
                return 2;
            }
            return await RunBenchAsync(o, ct);
        });
        return command;
    }

    private sealed record Options(int Rate, int Seconds, int Batch, int Clients, string Provider, string? Postgres);

    private static async Task<int> RunBenchAsync(Options o, CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var port = BenchSupport.FreePort();
        var args = new List<string> { $"--DataDir={dataDir}", $"--urls=http://127.0.0.1:{port}", "--Seed:Demo=false", "--Logging:LogLevel:Default=Warning",
            "--Demand:RequestsPerSecond=1000000", "--Demand:RequestBurst=1000000", "--RateLimits:AuthPerMinute=100000", "--Jobs:RunJobs=false" };
        string? database = null;
        if (o.Provider == "postgres")
        {
            database = "dots_bench_" + Guid.NewGuid().ToString("N")[..8];
            var cs = new NpgsqlConnectionStringBuilder(o.Postgres) { Database = database }.ToString();
            args.AddRange(["--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={cs}"]);
        }
        Console.Error.WriteLine($"Starting Dots on 127.0.0.1:{port} ({o.Provider})…");
        await using var app = DotsApp.Build([.. args]);
        await app.StartAsync(ct);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Clients + 4 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var products = await PrepareAsync(http, ct);
            var writer = app.Services.GetRequiredService<DemandWriter>();

            Console.Error.WriteLine("Warming up…");
            // Long enough for tiered JIT to reach optimized code on the whole path (a server runs warm).
            await OfferAsync(http, products, Math.Min(o.Rate, 20_000), 3, o.Batch, o.Clients, ct);
            await Eventually(() => writer.Queued == 0 && writer.ListenersPending == 0, ct);
            writer.Lag.Reset();
            long writtenBefore = Interlocked.Read(ref writer.WrittenEvents);
            GC.Collect();
            var cpuBefore = await CpuAsync(app.Services, o.Provider, ct);
            var memory = new List<long>();
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                var next = TimeSpan.Zero;
                while (!sampling.IsCancellationRequested)
                {
                    memory.Add(Process.GetCurrentProcess().WorkingSet64);
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    if (elapsed >= next)
                    {
                        // A sample every 30 s: the memory-flatness record of long runs.
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"memory at {elapsed.TotalSeconds,4:F0} s      working set {Mb(memory[^1])} MB, GC heap {Mb(GC.GetTotalMemory(false))} MB, writer queue {writer.Queued} events, written {Interlocked.Read(ref writer.WrittenEvents) - writtenBefore}"));
                        next += TimeSpan.FromSeconds(30);
                    }
                    try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
                }
            }, CancellationToken.None);

            Console.Error.WriteLine($"Offering {o.Rate} events/s for {o.Seconds} s ({o.Clients} clients, {o.Batch} per request)…");
            var sw = Stopwatch.StartNew();
            var offered = await OfferAsync(http, products, o.Rate, o.Seconds, o.Batch, o.Clients, ct);
            var offerElapsed = sw.Elapsed;
            await Eventually(() => writer.Queued == 0 && writer.ListenersPending == 0, ct);
            var drainElapsed = sw.Elapsed;
            var cpuAfter = await CpuAsync(app.Services, o.Provider, ct);
            sampling.Cancel();
            await sampler;
            var written = Interlocked.Read(ref writer.WrittenEvents) - writtenBefore;
            var (p50, p99, lagCount) = writer.Lag.Percentiles();

            Console.Error.WriteLine($"Measuring the raw bulk-insert ceiling for {offered.Accepted} rows…");
            var rows = MakeRows(products, (int)Math.Max(offered.Accepted, 10_000));
            double ceiling;
            var ceilingCpuBefore = await CpuAsync(app.Services, o.Provider, ct);
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
                ceiling = o.Provider == "postgres" ? await CopyCeilingAsync(db.Database.GetConnectionString()!, rows, ct) : await SqliteCeilingAsync(db.Database.GetConnectionString()!, rows, ct);
            }

            var ceilingCpuAfter = await CpuAsync(app.Services, o.Provider, ct);
            var acceptedRate = offered.Accepted / offerElapsed.TotalSeconds;
            var rowsRate = written / drainElapsed.TotalSeconds;
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine($"provider              {o.Provider}");
            Console.WriteLine($"offered               {o.Rate} events/s for {o.Seconds} s ({o.Clients} clients × {o.Batch} per request)");
            Console.WriteLine($"accepted              {offered.Accepted} events ({offered.Requests} requests, {offered.TooMany} answered 429, {offered.Errors} errors)");
            Console.WriteLine(string.Create(c, $"accepted rate         {acceptedRate:F0} events/s"));
            Console.WriteLine(string.Create(c, $"database rows         {written} rows, {rowsRate:F0} rows/s (until the queue drained and the signal listeners caught up, {drainElapsed.TotalSeconds:F1} s)"));
            Console.WriteLine(string.Create(c, $"lag p50 / p99         {p50:F1} / {p99:F1} ms accepted → in the roll-ups ({lagCount} batches)"));
            Console.WriteLine(string.Create(c, $"memory (working set)  start {Mb(memory.FirstOrDefault())} MB, peak {Mb(memory.DefaultIfEmpty().Max())} MB, end {Mb(memory.LastOrDefault())} MB"));
            var cpuProcess = (cpuAfter.Process - cpuBefore.Process).TotalMilliseconds * 1000 / Math.Max(1, written);
            var cpuDatabase = (cpuAfter.Database - cpuBefore.Database).TotalMilliseconds * 1000 / Math.Max(1, written);
            Console.WriteLine(string.Create(c, $"CPU per event         {cpuProcess:F1} µs Dots process (clients + server) + {cpuDatabase:F1} µs database backends = {cpuProcess + cpuDatabase:F1} µs"));
            Console.WriteLine(string.Create(c, $"raw ceiling           {ceiling:F0} rows/s ({(o.Provider == "postgres" ? "binary COPY" : "prepared INSERT, one transaction per 5,000")}), CPU per row {(ceilingCpuAfter.Process - ceilingCpuBefore.Process).TotalMilliseconds * 1000 / rows.Count:F1} µs process + {(ceilingCpuAfter.Database - ceilingCpuBefore.Database).TotalMilliseconds * 1000 / rows.Count:F1} µs database"));
            Console.WriteLine(string.Create(c, $"ratio                 {rowsRate / ceiling:P1} of the raw ceiling (rows/s); accepted {acceptedRate / ceiling:P1}"));
            Console.WriteLine($"load average          {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}");
            return offered.Errors == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await BenchSupport.CleanUpAsync(o.Postgres, database, dataDir);
        }
    }

    /// <summary>
    /// CPU used so far by this process (bench clients and server) and, on PostgreSQL on this host, by the backends of the
    /// bench's database (from /proc, as `dots bench checkout` reads them).
    /// </summary>
    private static async Task<(TimeSpan Process, TimeSpan Database)> CpuAsync(IServiceProvider services, string provider, CancellationToken ct)
    {
        var process = Process.GetCurrentProcess().TotalProcessorTime;
        var database = TimeSpan.Zero;
        if (provider == "postgres" && Directory.Exists("/proc"))
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var pids = await db.Database.SqlQueryRaw<int>("SELECT pid AS \"Value\" FROM pg_stat_activity WHERE datname = current_database()").ToListAsync(ct);
            foreach (var pid in pids)
            {
                try
                {
                    var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", ct);
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    database += TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                }
            }
        }
        return (process, database);
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture);

    private static async Task Eventually(Func<bool> done, CancellationToken ct)
    {
        while (!done()) await Task.Delay(20, ct);
    }

    private static async Task<List<string>> PrepareAsync(HttpClient http, CancellationToken ct)
    {
        var email = $"bench-{Guid.NewGuid():N}@bench.dots";
        (await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Bench1234" }, ct)).EnsureSuccessStatusCode();
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "Bench1234" }, ct);
        login.EnsureSuccessStatusCode();
        var token = (string)JsonNode.Parse(await login.Content.ReadAsStringAsync(ct))!["accessToken"]!;
        using var owner = new HttpClient { BaseAddress = http.BaseAddress };
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var shop = await owner.PostAsJsonAsync("/api/shops", new { name = "Bench shop", description = "Ingestion bench" }, ct);
        var shopId = (string)JsonNode.Parse(await shop.Content.ReadAsStringAsync(ct))!["id"]!;
        var products = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            var p = await owner.PostAsJsonAsync($"/api/shops/{shopId}/products", new
            {
                title = $"Bench product {i}", description = "For the ingestion bench", category = "crafts", tags = new[] { "bench" },
                variants = new[] { new { sku = $"B-{i}", options = new Dictionary<string, string> { ["size"] = "M" }, price = new { amount = 10000, currency = "KRW" }, stock = 100 } },
            }, ct);
            p.EnsureSuccessStatusCode();
            products.Add((string)JsonNode.Parse(await p.Content.ReadAsStringAsync(ct))!["id"]!);
        }
        return products;
    }

    private sealed record Offered(long Accepted, long Requests, long TooMany, long Errors);

    /// <summary>
    /// Each client sends batches on a fixed schedule (open loop) so the offered rate does not fall when the server slows.
    /// The request bodies are serialized before the clock starts (a few distinct random batches per client, sent in turn),
    /// so the run measures the server's path, not the client's JSON making.
    /// </summary>
    private static async Task<Offered> OfferAsync(HttpClient http, List<string> products, int rate, int seconds, int batch, int clients, CancellationToken ct)
    {
        long accepted = 0, requests = 0, tooMany = 0, errors = 0;
        var total = (long)rate * seconds;
        var perClient = total / batch / clients + 1;
        var interval = TimeSpan.FromSeconds((double)batch * clients / rate);
        var bodies = Enumerable.Range(0, clients).Select(c => Payloads(products, batch, new Random(c), 16)).ToArray();
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            for (long k = 0; k < perClient && Interlocked.Read(ref requests) * batch < total; k++)
            {
                var due = interval * k + TimeSpan.FromMilliseconds(c * interval.TotalMilliseconds / clients);
                var wait = due - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                Interlocked.Increment(ref requests);
                try
                {
                    using var content = new ByteArrayContent(bodies[c][(int)(k % bodies[c].Length)]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync("/api/events", content, ct);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                        Interlocked.Add(ref accepted, AcceptedCount(await response.Content.ReadAsByteArrayAsync(ct)));
                    else if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref tooMany);
                    else Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return new Offered(accepted, requests, tooMany, errors);
    }

    /// <summary>Random batches (80% views, 10% cart adds, 10% searches over 50 queries; 1,000 anonymous sessions) as UTF-8 JSON bodies.</summary>
    private static byte[][] Payloads(List<string> products, int batch, Random random, int count)
    {
        var bodies = new byte[count][];
        for (int b = 0; b < count; b++)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(batch * 80);
            using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartArray("events");
                for (int i = 0; i < batch; i++)
                {
                    json.WriteStartObject();
                    switch (random.Next(10))
                    {
                        case 0:
                            json.WriteString("type", "search");
                            json.WriteString("query", "bench query " + random.Next(50));
                            json.WriteNumber("resultCount", random.Next(3));
                            break;
                        case 1:
                            json.WriteString("type", "cart_add");
                            json.WriteString("productId", products[random.Next(products.Count)]);
                            break;
                        default:
                            json.WriteString("type", "view");
                            json.WriteString("productId", products[random.Next(products.Count)]);
                            break;
                    }
                    json.WriteString("sessionId", "bench-" + random.Next(1000));
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            bodies[b] = buffer.WrittenSpan.ToArray();
        }
        return bodies;
    }

    private static int AcceptedCount(byte[] body)
    {
        var reader = new System.Text.Json.Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.ValueTextEquals("accepted"u8) && reader.Read()) return reader.GetInt32();
        }
        return 0;
    }

    private static List<DemandEvent> MakeRows(List<string> products, int count)
    {
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i => new DemandEvent
        {
            Type = i % 10 == 0 ? "search" : "view", ShopId = "ceiling", ProductId = products[random.Next(products.Count)], Category = "crafts",
            Query = i % 10 == 0 ? "bench query" : null, ResultCount = i % 10 == 0 ? 1 : null, Quantity = 1, SessionId = "bench-" + random.Next(1000), At = now, ReceivedAt = now,
        })];
    }

    private static async Task<double> CopyCeilingAsync(string connectionString, List<DemandEvent> rows, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var sw = Stopwatch.StartNew();
        foreach (var chunk in rows.Chunk(5000))
        {
            await DemandStore.CopyAsync(connection, chunk, ct);
        }
        return rows.Count / sw.Elapsed.TotalSeconds;
    }

    private static async Task<double> SqliteCeilingAsync(string connectionString, List<DemandEvent> rows, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        var sw = Stopwatch.StartNew();
        foreach (var chunk in rows.Chunk(5000))
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO \"{DemandTables.Events}\" (\"Type\", \"ShopId\", \"ProductId\", \"VariantId\", \"Category\", \"Query\", \"ResultCount\", \"Quantity\", \"AmountScaled\", \"Currency\", \"SessionId\", \"UserId\", \"DedupeKey\", \"At\", \"ReceivedAt\") "
                + "VALUES ($t, $s, $p, NULL, $c, $q, $r, 1, 0, NULL, $sid, NULL, NULL, $at, $rat)";
            var t = insert.Parameters.Add("$t", SqliteType.Text);
            var s = insert.Parameters.Add("$s", SqliteType.Text);
            var p = insert.Parameters.Add("$p", SqliteType.Text);
            var c = insert.Parameters.Add("$c", SqliteType.Text);
            var q = insert.Parameters.Add("$q", SqliteType.Text);
            var r = insert.Parameters.Add("$r", SqliteType.Integer);
            var sid = insert.Parameters.Add("$sid", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            var rat = insert.Parameters.Add("$rat", SqliteType.Integer);
            insert.Prepare();
            foreach (var e in chunk)
            {
                t.Value = e.Type; s.Value = e.ShopId; p.Value = e.ProductId; c.Value = e.Category; q.Value = (object?)e.Query ?? DBNull.Value;
                r.Value = (object?)e.ResultCount ?? DBNull.Value; sid.Value = e.SessionId; at.Value = e.At.UtcTicks; rat.Value = e.ReceivedAt.UtcTicks;
                await insert.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return rows.Count / sw.Elapsed.TotalSeconds;
    }
}
