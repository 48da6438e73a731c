using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Modules.CoCreation;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Dots.Cli;

/// <summary>
/// `dots bench pledges`: backers pledging through the real HTTP stack while the maker closes the campaign, checked for
/// lost and double-counted pledges, then the settlement of a large campaign (captures and orders). The baseline, in the
/// same run, is the same backers placing ordinary orders (authorize + capture, like a pledge and its settlement).
/// </summary>
internal static class BenchPledgesCommand
{
    public static Command Create()
    {
        var backers = new Option<int>("--backers") { Description = "Concurrent backers (one connection each).", DefaultValueFactory = _ => 100 };
        var seconds = new Option<int>("--seconds") { Description = "How long backers pledge before the maker closes the campaign.", DefaultValueFactory = _ => 10 };
        var settle = new Option<int>("--settle-pledges") { Description = "Pledges in the campaign whose settlement is timed.", DefaultValueFactory = _ => 10_000 };
        var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "postgres" };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var postgres = new Option<string?>("--postgres") { Description = "Connection string to a PostgreSQL server where the bench may create a database (default: DOTS_BENCH_POSTGRES)." };
        var command = new Command("pledges", "Pledges/s near a campaign's close with N concurrent backers (zero lost or double-counted), and the time to settle a campaign of M pledges.")
        {
            backers, seconds, settle, provider, postgres,
        };
        command.SetAction(async (parse, ct) =>
        {
            var o = new Options(parse.GetValue(backers), parse.GetValue(seconds), parse.GetValue(settle), parse.GetValue(provider)!,
                parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("DOTS_BENCH_POSTGRES"));
            if (o.Backers < 1 || o.Seconds < 1 || o.SettlePledges < 1)
            {
                Console.Error.WriteLine("--backers, --seconds and --settle-pledges must be at least 1.");
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

    private sealed record Options(int Backers, int Seconds, int SettlePledges, string Provider, string? Postgres);

    private sealed record Run(int Created, int Rejected, int Errors, int Units, TimeSpan Elapsed, double P50, double P99);

    private static readonly AddressDto Address = new("Backer", "1 Teheran-ro", null, "Seoul", "06236", "010-0000-0000", null, null);

    private static async Task<int> RunAsync(Options o, CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var port = BenchSupport.FreePort();
        var args = new List<string> { $"--DataDir={dataDir}", $"--urls=http://127.0.0.1:{port}", "--Seed:Demo=false", "--Logging:LogLevel:Default=Warning",
            "--RateLimits:OrdersPerMinute=100000000", "--RateLimits:OrdersBurst=100000000", "--RateLimits:AuthPerMinute=100000000",
            "--CoCreation:RunJobs=false", "--Payments:RunJobs=false", "--CoCreation:MaxUnitsPerPledge=100000" };
        string? database = null;
        if (o.Provider == "postgres")
        {
            database = "dots_bench_" + Guid.NewGuid().ToString("N")[..8];
            var cs = new NpgsqlConnectionStringBuilder(o.Postgres) { Database = database, MaxPoolSize = Math.Max(o.Backers + 10, 100) }.ToString();
            args.AddRange(["--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={cs}"]);
        }
        Console.Error.WriteLine($"Starting Dots on 127.0.0.1:{port} ({o.Provider})…");
        await using var app = DotsApp.Build([.. args]);
        using (var scope = app.Services.CreateScope())
        {
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
        }
        await app.StartAsync(ct);
        try
        {
            var (maker, author, shop) = await PeopleAsync(app.Services, ct);
            var variantId = await ProductAsync(app.Services, maker, shop, ct);
            var tokens = await BackersAsync(port, o.Backers, ct);
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = o.Backers + 2 };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };

            Console.Error.WriteLine("Warming up…");
            var warm = await CampaignAsync(app.Services, maker, author, shop, goal: 1, ct);
            await LoopAsync(http, tokens, "/api/campaigns/" + warm + "/pledges", PledgeBody(), TimeSpan.FromSeconds(2), null, ct);

            Console.Error.WriteLine($"Baseline: {o.Backers} buyers placing orders for {o.Seconds} s…");
            var orderBody = new { items = new[] { new { variantId, quantity = 1 } }, shippingAddress = Address, payment = new { method = "card", cardNumber = "4242424242424242" } };
            var baseline = await LoopAsync(http, tokens, "/api/orders", orderBody, TimeSpan.FromSeconds(o.Seconds), null, ct);

            Console.Error.WriteLine($"Pledges: {o.Backers} backers for {o.Seconds} s, then the maker closes while they keep pledging…");
            var campaignId = await CampaignAsync(app.Services, maker, author, shop, goal: 1, ct);
            var closeAt = TimeSpan.FromSeconds(o.Seconds);
            var closeTask = Task.Run(async () =>
            {
                await Task.Delay(closeAt, ct);
                using var scope = app.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<CampaignSettlement>().ClaimAsync(campaignId, false, ct);
            }, ct);
            var pledges = await LoopAsync(http, tokens, "/api/campaigns/" + campaignId + "/pledges", PledgeBody(), closeAt + TimeSpan.FromMinutes(10), until409: true, ct);
            await closeTask;
            var settleClock = Stopwatch.StartNew();
            await SettleAsync(app.Services, campaignId, ct);
            settleClock.Stop();
            var check = await CheckAsync(app.Services, campaignId, ct);
            var lost = Math.Max(0, pledges.Units - check.OrderedUnits);
            var doubled = Math.Max(0, check.OrderedUnits - pledges.Units) + Math.Max(0, check.Captures - check.Ordered) + (check.PledgedUnits - pledges.Units);

            Console.Error.WriteLine($"Settlement: a campaign of {o.SettlePledges} pledges…");
            var big = await CampaignAsync(app.Services, maker, author, shop, goal: 1, ct);
            var placeClock = Stopwatch.StartNew();
            await PlaceManyAsync(app.Services, big, tokens.Length, o.SettlePledges, ct);
            placeClock.Stop();
            var bigClock = Stopwatch.StartNew();
            using (var scope = app.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<CampaignSettlement>().ClaimAsync(big, false, ct);
            }
            await SettleAsync(app.Services, big, ct);
            bigClock.Stop();
            var bigCheck = await CheckAsync(app.Services, big, ct);

            var pledgeRate = pledges.Created / pledges.Elapsed.TotalSeconds;
            var orderRate = baseline.Created / baseline.Elapsed.TotalSeconds;
            Console.WriteLine($"provider              {o.Provider}");
            Console.WriteLine($"backers               {o.Backers}");
            Console.WriteLine($"baseline orders/s     {orderRate:F1} (p50 {baseline.P50:F0} ms, p99 {baseline.P99:F0} ms, errors {baseline.Errors})");
            Console.WriteLine($"pledges (201)         {pledges.Created} ({pledges.Units} units)");
            Console.WriteLine($"refused after close   {pledges.Rejected} (409)");
            Console.WriteLine($"errors                {pledges.Errors}");
            Console.WriteLine($"pledges/s             {pledgeRate:F1} (p50 {pledges.P50:F0} ms, p99 {pledges.P99:F0} ms)");
            Console.WriteLine($"ratio                 {pledgeRate / Math.Max(orderRate, 0.001):P0} of the order rate");
            Console.WriteLine($"campaign units        {check.PledgedUnits}; ordered {check.OrderedUnits} in {check.Ordered} orders; approved captures {check.Captures}");
            Console.WriteLine($"lost                  {lost}");
            Console.WriteLine($"double counted        {doubled}");
            Console.WriteLine($"settled near close    {check.Ordered} pledges in {settleClock.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"big campaign          {o.SettlePledges} pledges placed in {placeClock.Elapsed.TotalSeconds:F1} s ({o.SettlePledges / placeClock.Elapsed.TotalSeconds:F0}/s)");
            Console.WriteLine($"big settlement        {bigClock.Elapsed.TotalSeconds:F1} s for {bigCheck.Ordered} captures + orders ({bigCheck.Ordered / bigClock.Elapsed.TotalSeconds:F0}/s; {(double)bigCheck.Ordered / bigClock.Elapsed.TotalSeconds / (o.SettlePledges / placeClock.Elapsed.TotalSeconds):P0} of the placing rate)");
            return lost == 0 && doubled == 0 && bigCheck.Ordered == o.SettlePledges && bigCheck.Captures == o.SettlePledges ? 0 : 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await BenchSupport.CleanUpAsync(o.Postgres, database, dataDir);
        }
    }

    private static object PledgeBody() => new { quantity = 1, shippingAddress = Address, payment = new { method = "card", cardNumber = "4242424242424242" } };

    private static async Task<(AppUser Maker, AppUser Author, ShopDto Shop)> PeopleAsync(IServiceProvider services, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var maker = new AppUser { UserName = "maker@bench.dots", Email = "maker@bench.dots" };
        var author = new AppUser { UserName = "author@bench.dots", Email = "author@bench.dots" };
        await users.CreateAsync(maker, "Bench1234");
        await users.CreateAsync(author, "Bench1234");
        var shop = await scope.ServiceProvider.GetRequiredService<CatalogService>().OpenShopAsync(maker.Id, new CreateShopRequest("Bench Workshop", "Benchmark"), ct);
        return (maker, author, shop);
    }

    private static async Task<string> ProductAsync(IServiceProvider services, AppUser maker, ShopDto shop, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var product = await scope.ServiceProvider.GetRequiredService<CatalogService>().CreateProductAsync(shop.Id, maker.Id, new CreateProductRequest(
            "Bench Mug", "Baseline product", "kitchen", [], [new VariantRequest("MUG-1", [], new MoneyDto(20000, "KRW"), 1_000_000)]), ct);
        return product.Variants[0].Id;
    }

    private static async Task<string> CampaignAsync(IServiceProvider services, AppUser maker, AppUser author, ShopDto shop, int goal, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var ideas = scope.ServiceProvider.GetRequiredService<IdeaService>();
        var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
        var idea = await ideas.SubmitAsync(author.Id, "author", new SubmitIdeaRequest("Bench idea " + Ids.New()[^6..], "For the benchmark", "kitchen", new MoneyDto(20000, "KRW")), ct);
        var proposal = await campaigns.ProposeAsync(idea.Id, maker.Id, new ProposeRequest(shop.Id, new MoneyDto(20000, "KRW"), 1, 30, null), ct);
        return (await campaigns.AcceptAsync(idea.Id, proposal.Id, author.Id, new AcceptProposalRequest(goal, DateTimeOffset.UtcNow.AddDays(20)), ct)).CampaignId;
    }

    private static async Task<string[]> BackersAsync(int port, int count, CancellationToken ct)
    {
        Console.Error.WriteLine($"Creating {count} backer accounts…");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var tokens = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var email = $"backer{i}@bench.dots";
            (await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Bench1234" }, token)).EnsureSuccessStatusCode();
            var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "Bench1234" }, token);
            login.EnsureSuccessStatusCode();
            tokens[i] = (await login.Content.ReadFromJsonAsync<Login>(token))!.AccessToken;
        });
        return tokens;
    }

    private sealed record Login(string AccessToken);

    /// <summary>Every client posts one unit at a time until the time is up (or, with until409, until it is refused).</summary>
    private static async Task<Run> LoopAsync(HttpClient http, string[] tokens, string path, object body, TimeSpan duration, bool? until409, CancellationToken ct)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(body);
        int created = 0, rejected = 0, errors = 0;
        var latencies = new ConcurrentBag<double>();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(tokens.Select(async (token, client) =>
        {
            for (var attempt = 0; Stopwatch.GetTimestamp() < deadline; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("Idempotency-Key", $"{path}-{client}-{attempt}");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, ct);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref created);
                }
                else if (response.StatusCode == HttpStatusCode.Conflict && until409 == true)
                {
                    Interlocked.Increment(ref rejected);
                    return;
                }
                else if (Interlocked.Increment(ref errors) > 1000)
                {
                    return;
                }
            }
        }));
        clock.Stop();
        var sorted = latencies.Order().ToArray();
        return new Run(created, rejected, errors, created, clock.Elapsed, BenchSupport.Percentile(sorted, 0.50), BenchSupport.Percentile(sorted, 0.99));
    }

    private static async Task SettleAsync(IServiceProvider services, string campaignId, CancellationToken ct)
    {
        for (var round = 0; round < 20; round++)
        {
            using var scope = services.CreateScope();
            if (await scope.ServiceProvider.GetRequiredService<CampaignSettlement>().SettleAsync(campaignId, ct) is { Completed: true })
            {
                return;
            }
        }
    }

    /// <summary>Places pledges through the service (the HTTP path is measured above), many at once.</summary>
    private static async Task PlaceManyAsync(IServiceProvider services, string campaignId, int parallel, int count, CancellationToken ct)
    {
        var backers = new List<string>();
        using (var scope = services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            for (var i = 0; i < parallel; i++)
            {
                backers.Add((await users.FindByEmailAsync($"backer{i}@bench.dots"))!.Id);
            }
        }
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, 32)).Select(async worker =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var scope = services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<CampaignService>().PledgeAsync(campaignId, backers[worker % backers.Count],
                    new PledgeRequest(1, Address, new PaymentRequest("card", "4242424242424242")), ct);
            }
        }));
    }

    private sealed record Check(int PledgedUnits, int Ordered, int OrderedUnits, int Captures);

    private static async Task<Check> CheckAsync(IServiceProvider services, string campaignId, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var stats = await scope.ServiceProvider.GetRequiredService<CampaignSettlement>().StatsAsync(campaignId, ct);
        return new Check(stats.PledgedUnits, stats.Ordered, stats.OrderedUnits, stats.ApprovedCaptures);
    }
}
