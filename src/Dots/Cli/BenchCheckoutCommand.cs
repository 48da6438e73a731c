using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Cli;

/// <summary>
/// `dots bench checkout`: a flash sale through the real HTTP stack, measured beside the database's own ceiling for
/// the same write pattern (pgbench, or the same loop on raw SQLite connections) in the same run.
/// </summary>
internal static class BenchCheckoutCommand
{
    public static Command Create()
    {
        var buyers = new Option<int>("--buyers") { Description = "Concurrent buyers (one connection each).", DefaultValueFactory = _ => 100 };
        var stock = new Option<int>("--stock") { Description = "Units of the hot SKU on sale.", DefaultValueFactory = _ => 2000 };
        var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var postgres = new Option<string?>("--postgres") { Description = "Connection string to a PostgreSQL server where the bench may create a database (default: DOTS_BENCH_POSTGRES)." };
        var baselineSeconds = new Option<int>("--baseline-seconds") { Description = "How long the raw database baseline runs.", DefaultValueFactory = _ => 10 };
        var locking = new Option<string?>("--sqlite-locking") { Description = "BusyTimeout (default), WriteGate or ConnectionGate: how SQLite writers take turns." };
        var combine = new Option<string>("--combine") { Description = "on (default) or off: the per-SKU reservation combiner (Ordering:CombineReservations, ADR 0023).", DefaultValueFactory = _ => "on" };
        combine.AcceptOnlyFromAmong("on", "off");
        var instances = new Option<int>("--instances")
        {
            Description = "Dots instances on the one PostgreSQL database, behind `dots proxy` (YARP) when more than one: this process serves one, the others are `dots serve` child processes.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("checkout", "Flash sale: N concurrent buyers, one hot SKU with S units, through the real HTTP stack; reports oversold units, throughput, p50/p99 and the ratio to the raw database ceiling.")
        {
            buyers, stock, provider, postgres, baselineSeconds, locking, combine, instances,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new Options(parse.GetValue(buyers), parse.GetValue(stock), parse.GetValue(provider)!,
                parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("DOTS_BENCH_POSTGRES"), parse.GetValue(baselineSeconds), parse.GetValue(locking),
                parse.GetValue(combine) != "off", parse.GetValue(instances));
            if (options.Buyers < 1 || options.Stock < 1)
            {
                Console.Error.WriteLine("--buyers and --stock must be at least 1.");
                return 2;
            }
            if (options.Instances is < 1 or > 4 || (options.Instances > 1 && options.Provider != "postgres"))
            {
                Console.Error.WriteLine("--instances must be 1 to 4, and more than 1 needs --provider postgres (SQLite serves one instance).");
                return 2;
            }
            if (options.Provider == "postgres" && string.IsNullOrWhiteSpace(options.Postgres))
            {
                Console.Error.WriteLine("--provider postgres needs --postgres \"Host=127.0.0.1;Port=5432;Username=postgres\" (or DOTS_BENCH_POSTGRES).");
                return 2;
            }
            return await RunAsync(options, ct);
        });
        return command;
    }

    private sealed record Options(int Buyers, int Stock, string Provider, string? Postgres, int BaselineSeconds, string? Locking, bool Combine = true, int Instances = 1);

    private static async Task<int> RunAsync(Options o, CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var port = BenchSupport.FreePort();
        var args = new List<string> { $"--DataDir={dataDir}", $"--urls=http://127.0.0.1:{port}", "--Seed:Demo=false", "--Logging:LogLevel:Default=Warning",
            "--RateLimits:OrdersPerMinute=100000000", "--RateLimits:OrdersBurst=100000000", "--RateLimits:AuthPerMinute=100000000" };
        args.Add($"--Ordering:CombineReservations={o.Combine}");
        if (o.Locking is not null)
        {
            args.Add($"--Database:SqliteLocking={o.Locking}");
        }
        string? database = null;
        if (o.Provider == "postgres")
        {
            database = "dots_bench_" + Guid.NewGuid().ToString("N")[..8];
            var cs = new NpgsqlConnectionStringBuilder(o.Postgres) { Database = database, MaxPoolSize = Math.Max(o.Buyers + 10, 100) }.ToString();
            args.AddRange(["--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={cs}"]);
        }

        Console.Error.WriteLine($"Starting Dots on 127.0.0.1:{port} ({o.Provider})…");
        await using var app = DotsApp.Build([.. args]);
        using (var scope = app.Services.CreateScope())
        {
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
        }
        await app.StartAsync(ct);
        var children = new List<Process>();
        WebApplication? proxy = null;
        try
        {
            // Several instances: the others as `dots serve` processes on the same database (migrated above), and the
            // buyers through a YARP proxy in this process, as docs/deploy.md runs them.
            var target = port;
            if (o.Instances > 1)
            {
                var backends = new List<string> { $"http://127.0.0.1:{port}" };
                for (var i = 2; i <= o.Instances; i++)
                {
                    var childPort = BenchSupport.FreePort();
                    var childArgs = args.Select(a => a.StartsWith("--urls=", StringComparison.Ordinal) ? $"--urls=http://127.0.0.1:{childPort}"
                        : a.StartsWith("--DataDir=", StringComparison.Ordinal) ? $"--DataDir={dataDir}-{i}" : a).ToList();
                    children.Add(StartInstance(childArgs));
                    backends.Add($"http://127.0.0.1:{childPort}");
                }
                await WaitHealthyAsync(backends.Skip(1), children, ct);
                target = BenchSupport.FreePort();
                proxy = ProxyCommand.Build($"http://127.0.0.1:{target}", backends, "/health", TimeSpan.FromSeconds(2), affinity: false, "PowerOfTwoChoices",
                    ["--Logging:LogLevel:Default=Warning"]);
                await proxy.StartAsync(ct);
                Console.Error.WriteLine($"{o.Instances} instances behind dots proxy on 127.0.0.1:{target}");
            }
            port = target;
            var (variantId, warmupVariantId, tokens) = await PrepareAsync(app.Services, o, port, ct);
            // A server in production is warm: let the JIT's tiered compilation finish before the clock starts, with
            // the same requests on another SKU, round after round until a round compiles (almost) nothing new; then
            // let the outbox deliver the warm-up's events, so the sale starts on a quiet server, as a real one would.
            Console.Error.WriteLine("Warming up…");
            var warmRounds = 0;
            long jittedInLastRound;
            do
            {
                var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
                await FlashSaleAsync(port, warmupVariantId, tokens, maxPerBuyer: 8, $"warm{warmRounds}", ct);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                jittedInLastRound = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
                warmRounds++;
            }
            while (jittedInLastRound > 100 && warmRounds < 10);
            using (var warmScope = app.Services.CreateScope())
            {
                var warmDb = warmScope.ServiceProvider.GetRequiredService<DotsDbContext>();
                var settle = Stopwatch.StartNew();
                while (await PendingDeliveriesAsync(warmDb, ct) > 0 && settle.Elapsed < TimeSpan.FromMinutes(3))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                }
            }
            Console.Error.WriteLine($"Warm after {warmRounds} rounds of {8 * o.Buyers} orders ({jittedInLastRound} methods compiled in the last); the outbox has delivered their events.");
            Console.Error.WriteLine($"Flash sale: {o.Buyers} buyers, {o.Stock} units…");
            var combiner = app.Services.GetRequiredService<Dots.Modules.Ordering.ReservationCombiner>();
            var claims = app.Services.GetRequiredService<Dots.Infrastructure.Http.IdempotencyBatches>();
            var reads = app.Services.GetRequiredService<Dots.Modules.Catalog.SellableVariantReads>();
            var (combinedBefore, paidBefore) = (combiner.Stats, combiner.PaidTogether);
            var (claimsBefore, answersBefore, readsBefore) = (claims.ClaimStats, claims.AnswerStats, reads.Stats);
            var childrenBefore = ChildrenCpu(children);
            var cpuBefore = Sum(await CpuAsync(app.Services, o, ct), childrenBefore);
            var sale = await FlashSaleAsync(port, variantId, tokens, maxPerBuyer: int.MaxValue, "sale", ct);
            var childrenAfter = ChildrenCpu(children);
            var cpuAfter = Sum(await CpuAsync(app.Services, o, ct), childrenAfter);
            var (combinedAfter, paidAfter) = (combiner.Stats, combiner.PaidTogether);
            var (claimsAfter, answersAfter, readsAfter) = (claims.ClaimStats, claims.AnswerStats, reads.Stats);
            var threads = ThreadPool.ThreadCount;
            Console.Error.WriteLine($"Sale over in {sale.Elapsed.TotalSeconds:0.0} s; waiting for the outbox to deliver its events…");

            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            // What the orders' events still owe their handlers (notifications, demand, royalties) when the sale ends,
            // and how long the outbox then takes to catch up: the lag a live dashboard shows after a flash sale.
            var backlog = await PendingDeliveriesAsync(db, ct);
            var drain = Stopwatch.StartNew();
            while (await PendingDeliveriesAsync(db, ct) > 0 && drain.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
            var drained = drain.Elapsed;
            var remaining = await db.Variants.Where(v => v.Id == variantId).Select(v => v.Stock).FirstAsync(ct);
            var sold = await db.OrderLines.Where(l => l.VariantId == variantId).SumAsync(l => l.Quantity, ct);
            var oversold = Math.Max(0, sold - o.Stock) + Math.Max(0, -remaining) + Math.Max(0, sold + remaining - o.Stock);

            Console.Error.WriteLine($"Measuring the raw database ceiling for the same pattern ({o.BaselineSeconds} s)…");
            var (baselineName, baselineTps) = o.Provider == "postgres"
                ? await PgbenchAsync(db.Database.GetConnectionString()!, o.Buyers, o.BaselineSeconds, ct)
                : await SqliteCeilingAsync(db.Database.GetConnectionString()!, o.Buyers, o.BaselineSeconds, ct);

            var throughput = sale.Succeeded / sale.Elapsed.TotalSeconds;
            Console.WriteLine($"provider            {o.Provider}{(o.Provider == "sqlite" ? ", locking " + (o.Locking ?? nameof(SqliteLocking.BusyTimeout)) : "")}");
            Console.WriteLine($"buyers              {o.Buyers}");
            Console.WriteLine($"instances           {o.Instances}{(o.Instances > 1 ? " behind dots proxy (YARP, PowerOfTwoChoices)" : "")}");
            Console.WriteLine($"stock               {o.Stock}");
            Console.WriteLine($"orders (201)        {sale.Succeeded}");
            Console.WriteLine($"rejected (409)      {sale.Rejected}");
            Console.WriteLine($"errors              {sale.Errors}");
            Console.WriteLine($"oversold units      {oversold}");
            Console.WriteLine($"units left          {remaining}");
            Console.WriteLine($"elapsed             {sale.Elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"throughput          {throughput:F0} orders/s");
            Console.WriteLine($"latency p50         {sale.P50:F1} ms");
            Console.WriteLine($"latency p99         {sale.P99:F1} ms");
            var perOrder = Math.Max(1, sale.Succeeded);
            Console.WriteLine($"CPU per order       {(cpuAfter.Process - cpuBefore.Process).TotalMilliseconds / perOrder:F2} ms in Dots ({(o.Instances > 1 ? "all instances, proxy" : "server")} and bench client)"
                + (o.Provider == "postgres" ? $", {(cpuAfter.Database - cpuBefore.Database).TotalMilliseconds / perOrder:F2} ms in PostgreSQL backends" : ""));
            if (children.Count > 0)
            {
                // Which process the CPU went to: this one serves an instance, the proxy and the buyers; the others one
                // instance each (and their thread counts, which a starved pool at start-up would have grown).
                var others = (childrenAfter.Process - childrenBefore.Process).TotalMilliseconds / perOrder;
                Console.WriteLine($"CPU split           {(cpuAfter.Process - cpuBefore.Process).TotalMilliseconds / perOrder - others:F2} ms in this process (instance, proxy, buyers),"
                    + $" {others:F2} ms in the other instance{(children.Count > 1 ? "s" : "")} ({string.Join(", ", children.Select(c => { c.Refresh(); return c.Threads.Count; }))} threads; this process {Process.GetCurrentProcess().Threads.Count})");
            }
            // The sale's own batches (the warm-up's are left out), in this process's instance: how many buyers shared a
            // statement is what the database's cost per order follows.
            var batches = combinedAfter.Batches - combinedBefore.Batches;
            var batched = combinedAfter.Orders - combinedBefore.Orders;
            Console.WriteLine($"combiner            {(o.Combine ? "on" : "off")}{(o.Instances > 1 ? " (this process's instance)" : "")}: {batches} batches, {batched} orders"
                + $" ({(batches > 0 ? (double)batched / batches : 0):F1} a batch, {combinedAfter.SharedOrders - combinedBefore.SharedOrders} shared one), {combinedAfter.FellBack - combinedBefore.FellBack} fell back,"
                + $" {combinedAfter.Refused - combinedBefore.Refused} answered sold out by the combiner, {paidAfter - paidBefore} paid and confirmed with their batch");
            if (claims.Enabled)
            {
                Console.WriteLine($"group commits       claims {claimsAfter.Items - claimsBefore.Items} in {claimsAfter.Batches - claimsBefore.Batches} statements,"
                    + $" answers {answersAfter.Items - answersBefore.Items} in {answersAfter.Batches - answersBefore.Batches},"
                    + $" price reads {readsAfter.Items - readsBefore.Items} in {readsAfter.Batches - readsBefore.Batches} (this process's instance)");
            }
            Console.WriteLine($"thread pool         {threads} threads at the sale's end (this process)");
            Console.WriteLine($"outbox at sale end  {backlog} deliveries pending; drained in {drained.TotalSeconds:F1} s after the sale (Events:Concurrency)");
            Console.WriteLine($"load average        {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}");
            Console.WriteLine($"baseline            {baselineName}: {baselineTps:F0} tx/s");
            Console.WriteLine($"ratio               {throughput / baselineTps:P1} of the raw ceiling");
            return oversold == 0 && sale.Errors == 0 ? 0 : 1;
        }
        finally
        {
            if (proxy is not null)
            {
                await proxy.StopAsync(CancellationToken.None);
                await proxy.DisposeAsync();
            }
            foreach (var child in children)
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                }
                await child.WaitForExitAsync(CancellationToken.None);
                child.Dispose();
            }
            await app.StopAsync(CancellationToken.None);
            await BenchSupport.CleanUpAsync(o.Postgres, database, dataDir);
            for (var i = 2; i <= o.Instances; i++)
            {
                await BenchSupport.CleanUpAsync(null, null, $"{dataDir}-{i}");
            }
        }
    }

    private static async Task<(string VariantId, string WarmupVariantId, string[] Tokens)> PrepareAsync(IServiceProvider services, Options o, int port, CancellationToken ct)
    {
        Console.Error.WriteLine($"Creating a shop and {o.Buyers} buyer accounts…");
        string variantId, warmupVariantId;
        using (var scope = services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var seller = new AppUser { UserName = "seller@bench.dots", Email = "seller@bench.dots" };
            await users.CreateAsync(seller, "Bench1234");
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
            var shop = await catalog.OpenShopAsync(seller.Id, new CreateShopRequest("Flash Sale Shop", "Benchmark"), ct);
            var product = await catalog.CreateProductAsync(shop.Id, seller.Id, new CreateProductRequest("Limited Sneakers", "Hot drop", "fashion", ["drop"],
                [new VariantRequest("DROP-1", new() { ["size"] = "270" }, new Infrastructure.MoneyDto(139000, "KRW"), o.Stock)]), ct);
            variantId = product.Variants[0].Id;
            var warmup = await catalog.CreateProductAsync(shop.Id, seller.Id, new CreateProductRequest("Warm-up Socks", "Not part of the sale", "fashion", [],
                [new VariantRequest("WARM-1", new() { ["size"] = "M" }, new Infrastructure.MoneyDto(9000, "KRW"), 1_000_000)]), ct);
            warmupVariantId = warmup.Variants[0].Id;
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var tokens = new string[o.Buyers];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Buyers), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var email = $"buyer{i}@bench.dots";
            (await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Bench1234" }, token)).EnsureSuccessStatusCode();
            var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "Bench1234" }, token);
            login.EnsureSuccessStatusCode();
            tokens[i] = (await login.Content.ReadFromJsonAsync<Login>(token))!.AccessToken;
            var n = Interlocked.Increment(ref done);
            if (n % 25 == 0)
            {
                Console.Error.WriteLine($"  {n}/{o.Buyers} buyers ready");
            }
        });
        return (variantId, warmupVariantId, tokens);
    }

    /// <summary>`dots serve` with <paramref name="hostArgs"/>, as this process was started (the apphost, or dotnet and the dll).</summary>
    private static Process StartInstance(IReadOnlyList<string> hostArgs)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(DotsApp).Assembly.Location);
        }
        psi.ArgumentList.Add("serve");
        foreach (var a in hostArgs)
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi)!;
        // Drain its output so a chatty instance never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(IEnumerable<string> urls, IReadOnlyList<Process> children, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        foreach (var url in urls)
        {
            while (true)
            {
                if (children.FirstOrDefault(c => c.HasExited) is { } dead)
                {
                    throw new InvalidOperationException($"An instance exited with code {dead.ExitCode} while starting.");
                }
                try
                {
                    if ((await http.GetAsync(url + "/health", ct)).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                }
                if (deadline.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new TimeoutException($"{url} did not become healthy within 3 minutes.");
                }
                await Task.Delay(250, ct);
            }
        }
    }

    private static (TimeSpan Process, TimeSpan Database) Sum((TimeSpan Process, TimeSpan Database) a, (TimeSpan Process, TimeSpan Database) b) =>
        (a.Process + b.Process, a.Database + b.Database);

    private static (TimeSpan Process, TimeSpan Database) ChildrenCpu(IEnumerable<Process> children)
    {
        var total = TimeSpan.Zero;
        foreach (var child in children)
        {
            child.Refresh();
            total += child.TotalProcessorTime;
        }
        return (total, TimeSpan.Zero);
    }

    private static Task<int> PendingDeliveriesAsync(DotsDbContext db, CancellationToken ct) =>
        db.Set<Infrastructure.Events.OutboxDelivery>().CountAsync(d => d.Status == Infrastructure.Events.DeliveryStatus.Pending, ct);

    private sealed record Login(string AccessToken);

    private sealed record Sale(int Succeeded, int Rejected, int Errors, TimeSpan Elapsed, double P50, double P99);

    /// <summary>Every buyer keeps buying one unit until the shop answers 409 (sold out) or it has bought maxPerBuyer.</summary>
    private static async Task<Sale> FlashSaleAsync(int port, string variantId, string[] tokens, int maxPerBuyer, string keyPrefix, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = tokens.Length, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            items = new[] { new { variantId, quantity = 1 } },
            shippingAddress = new { name = "Buyer", line1 = "1 Teheran-ro", city = "Seoul", postalCode = "06236", phone = "010-0000-0000" },
            payment = new { method = "card", cardNumber = "4242424242424242" },
        });
        int succeeded = 0, rejected = 0, errors = 0;
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(tokens.Select(async (token, buyer) =>
        {
            for (var attempt = 0; attempt < maxPerBuyer; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("Idempotency-Key", $"{keyPrefix}-{buyer}-{attempt}");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, ct);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref rejected);
                    return;
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    if (errors > 1000)
                    {
                        return;
                    }
                }
            }
        }));
        clock.Stop();
        var sorted = latencies.Order().ToArray();
        return new Sale(succeeded, rejected, errors, clock.Elapsed, BenchSupport.Percentile(sorted, 0.50), BenchSupport.Percentile(sorted, 0.99));
    }


    /// <summary>
    /// CPU used so far by this process, and (PostgreSQL on this host) by the server backends serving the bench's
    /// database (read from /proc; their pooled connections live through the sale). A figure the machine's load bends
    /// far less than throughput.
    /// </summary>
    private static async Task<(TimeSpan Process, TimeSpan Database)> CpuAsync(IServiceProvider services, Options o, CancellationToken ct)
    {
        var process = Process.GetCurrentProcess().TotalProcessorTime;
        var database = TimeSpan.Zero;
        if (o.Provider == "postgres" && Directory.Exists("/proc"))
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var pids = await db.Database.SqlQueryRaw<int>("SELECT pid AS \"Value\" FROM pg_stat_activity WHERE datname = current_database()").ToListAsync(ct);
            var tick = 100.0; // USER_HZ on Linux
            foreach (var pid in pids)
            {
                try
                {
                    var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", ct);
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    database += TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / tick);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                }
            }
        }
        return (process, database);
    }

    /// <summary>pgbench with a one-row conditional decrement at the same client count: the database's own ceiling.</summary>
    private static async Task<(string, double)> PgbenchAsync(string connectionString, int clients, int seconds, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var setup = new NpgsqlCommand("DROP TABLE IF EXISTS bench_stock; CREATE TABLE bench_stock (id int PRIMARY KEY, stock int NOT NULL); INSERT INTO bench_stock VALUES (1, 2000000000);", connection);
            await setup.ExecuteNonQueryAsync(ct);
        }
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, "UPDATE bench_stock SET stock = stock - 1 WHERE id = 1 AND stock > 0;\n", ct);
        var pgbench = new[] { "/usr/bin/pgbench" }.Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin", "pgbench")) : [])
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("pgbench was not found (apt-get install postgresql).");
        var psi = new ProcessStartInfo(pgbench)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "-n", "-f", script, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
                     "-h", cs.Host!, "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username ?? "postgres", cs.Database! })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("pgbench printed no tps: " + output + await process.StandardError.ReadToEndAsync(ct));
        var tps = double.Parse(line["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
        return ($"pgbench -c {clients} -j 2 (UPDATE … SET stock = stock - 1 WHERE stock > 0)", tps);
    }

    /// <summary>The same conditional decrement on raw SQLite connections, one transaction each, at the same concurrency.</summary>
    private static async Task<(string, double)> SqliteCeilingAsync(string connectionString, int clients, int seconds, CancellationToken ct)
    {
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var setup = connection.CreateCommand();
            setup.CommandText = "DROP TABLE IF EXISTS bench_stock; CREATE TABLE bench_stock (id INTEGER PRIMARY KEY, stock INTEGER NOT NULL); INSERT INTO bench_stock VALUES (1, 2000000000);";
            await setup.ExecuteNonQueryAsync(ct);
        }
        long count = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE bench_stock SET stock = stock - 1 WHERE id = 1 AND stock > 0";
            while (Stopwatch.GetTimestamp() < until)
            {
                await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
                update.Transaction = tx;
                await update.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                Interlocked.Increment(ref count);
            }
        }, ct)));
        return ($"raw SQLite, {clients} connections (UPDATE … SET stock = stock - 1 WHERE stock > 0)", count / clock.Elapsed.TotalSeconds);
    }

}
