using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dots.Recommend.Data;
using Dots.Recommend.Evaluation;
using Dots.Recommend.Serving;

namespace Dots.Cli;

/// <summary>`dots recs ...`: the front of Dots.Recommend.</summary>
internal static class RecsCommands
{
    public static Command Create()
    {
        var recs = new Command("recs", "Recommendations from implicit feedback (user,item rows).");
        recs.Subcommands.Add(CreateRecommend());
        recs.Subcommands.Add(CreateEval());
        recs.Subcommands.Add(CreateTrain());
        recs.Subcommands.Add(CreateReplay());
        return recs;
    }

    /// <summary>`dots recs train`: the storefront's retraining, now (as the nightly job does), on the app's database.</summary>
    private static Command CreateTrain()
    {
        var cmd = new Command("train", "Train a new recommendation model version from the shop's orders and views, validate it on recent orders and promote it unless it is worse than the live one.") { TreatUnmatchedTokensAsErrors = false };
        cmd.SetAction(async (parse, ct) =>
        {
            await using var app = DotsApp.Build(DotsCli.HostArgs(parse));
            await using var scope = app.Services.CreateAsyncScope();
            await Dots.Infrastructure.Database.DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Database.DotsDbContext>(), ct);
            var r = await scope.ServiceProvider.GetRequiredService<Dots.Modules.Personalization.ModelTrainer>().TrainAsync(ct, Progress);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"v{r.Number} {r.Status}: {r.Users} customers, {r.Items} items, {r.Interactions} rows; holdout {r.HoldoutOrders} orders Recall@20 {r.HoldoutRecall:F4} (popularity {r.PopularityRecall:F4}{(r.LiveRecall is { } l ? $", live {l:F4}" : "")}); {r.Seconds:F1} s. {r.Note}"));
            return r.Status == "live" ? 0 : 3;
        });
        return cmd;
    }

    /// <summary>`dots recs replay`: the shop's order history replayed (train on the past, score the next orders) beside popularity.</summary>
    private static Command CreateReplay()
    {
        var steps = new Option<int>("--steps") { Description = "Cut points over the later half of the history.", DefaultValueFactory = _ => 4 };
        var cmd = new Command("replay", "Replay the shop's order history: at each cut, train on the past with the storefront's configuration, recommend 20 items to the buyers of the next orders and score them beside popularity.") { TreatUnmatchedTokensAsErrors = false };
        cmd.Options.Add(steps);
        cmd.SetAction(async (parse, ct) =>
        {
            await using var app = DotsApp.Build(DotsCli.HostArgs(parse));
            await using var scope = app.Services.CreateAsyncScope();
            await Dots.Infrastructure.Database.DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<Dots.Infrastructure.Database.DotsDbContext>(), ct);
            var r = await scope.ServiceProvider.GetRequiredService<Dots.Modules.Personalization.ModelTrainer>().ReplayAsync(Math.Max(1, parse.GetValue(steps)), ct, Progress);
            Console.WriteLine("| | orders scored | Recall@20 | HR@20 |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| storefront blend | {r.Orders} | {r.Recall:F4} | {r.HitRate:F4} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| popularity | {r.Orders} | {r.PopularityRecall:F4} | {r.PopularityHitRate:F4} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio blend / popularity (Recall@20): {(r.PopularityRecall > 0 ? r.Recall / r.PopularityRecall : double.NaN):F2}"));
            return 0;
        });
        return cmd;
    }

    private static Command CreateRecommend()
    {
        var train = new Option<string>("--train") { Description = "Training rows user,item[,basket|pos|timestamp] (header allowed).", Required = true };
        var users = new Option<string>("--users") { Description = "Users to recommend for: one per line, header 'user' allowed.", Required = true };
        var k = new Option<int>("--k") { Description = "List length per user.", DefaultValueFactory = _ => 20 };
        var output = new Option<string>("--out") { Description = "Output CSV user,item,rank (rank 1 best).", Required = true };
        var keepSeen = new Option<bool>("--keep-seen") { Description = "Allow items the user already bought (repeat-purchase data such as groceries)." };
        var settings = SetOption();
        var cmd = new Command("recommend", "Train on --train and write the top --k items for every user in --users.");
        cmd.Options.Add(train);
        cmd.Options.Add(users);
        cmd.Options.Add(k);
        cmd.Options.Add(output);
        cmd.Options.Add(keepSeen);
        cmd.Options.Add(settings);
        cmd.SetAction(parse => Guarded(() =>
        {
            var n = parse.GetValue(k);
            if (n <= 0)
            {
                throw new UsageException("--k must be a positive integer");
            }
            var rows = InteractionCsv.Read(parse.GetValue(train)!);
            var userList = InteractionCsv.ReadUsers(parse.GetValue(users)!);
            var keep = parse.GetValue(keepSeen);
            var watch = Stopwatch.StartNew();
            var model = Recommender.Train(rows, Options(keep, parse.GetValue(settings)), Progress);
            Progress($"trained in {watch.Elapsed.TotalSeconds:F1} s; weights {Weights(model)}");
            var lists = model.RecommendBatch(userList, n, !keep, null, d => Progress($"{d}/{userList.Count} users"));
            var path = parse.GetValue(output)!;
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
            writer.Write("user,item,rank\n");
            for (var u = 0; u < userList.Count; u++)
            {
                for (var r = 0; r < lists[u].Length; r++)
                {
                    writer.Write($"{userList[u]},{lists[u][r]},{r + 1}\n");
                }
            }
            Progress($"wrote {userList.Count} users to {path}");
            return 0;
        }));
        return cmd;
    }

    private static Command CreateEval()
    {
        var train = new Option<string>("--train") { Description = "Training rows user,item[,basket|pos|timestamp] (header allowed).", Required = true };
        var test = new Option<string>("--test") { Description = "Held-out rows user,item[,...]: the relevant items per user.", Required = true };
        var ks = new Option<string>("--k") { Description = "Cut-offs, comma separated.", DefaultValueFactory = _ => "10,20" };
        var keepSeen = new Option<bool>("--keep-seen") { Description = "Allow already-bought items (next-basket protocol); otherwise history is excluded as with --exclude-train." };
        var noLatency = new Option<bool>("--no-latency") { Description = "Skip the single-request latency measurement." };
        var settings = SetOption();
        var cmd = new Command("eval", "Train on --train, rank the full catalog for every --test user, print Recall, NDCG, HR and coverage per model and for the blend.");
        cmd.Options.Add(train);
        cmd.Options.Add(test);
        cmd.Options.Add(ks);
        cmd.Options.Add(keepSeen);
        cmd.Options.Add(noLatency);
        cmd.Options.Add(settings);
        cmd.SetAction(parse => Guarded(() =>
        {
            var cutoffs = ParseKs(parse.GetValue(ks)!);
            var trainRows = InteractionCsv.Read(parse.GetValue(train)!);
            var testRows = InteractionCsv.Read(parse.GetValue(test)!);
            var keep = parse.GetValue(keepSeen);
            var watch = Stopwatch.StartNew();
            var model = Recommender.Train(trainRows, Options(keep, parse.GetValue(settings)), Progress);
            var trainTime = watch.Elapsed;
            var trainSets = RankingMetrics.ToSets(trainRows);
            var testSets = RankingMetrics.ToSets(testRows);
            var users = testSets.Keys.Order(StringComparer.Ordinal).ToList();
            var maxK = cutoffs.Max();
            var output = Console.Out;
            output.WriteLine($"train {trainRows.Count} rows, {model.Data.UserCount} users, {model.Data.ItemCount} items; test users {users.Count}; {(keep ? "repeats allowed (--keep-seen)" : "history excluded")}");
            output.WriteLine($"training {trainTime.TotalSeconds:F1} s (blend tuning on a validation split of the training data {model.Summary.TuningTime.TotalSeconds:F1} s, final fit {model.Summary.FitTime.TotalSeconds:F1} s)");
            output.WriteLine($"blend weights: {Weights(model)}; validation Recall@{20}+NDCG@{20} {model.Summary.ValidationObjective:F4} on {model.Summary.ValidationUsers} users");
            var header = new StringBuilder("model".PadRight(10));
            foreach (var k in cutoffs)
            {
                header.Append(CultureInfo.InvariantCulture, $" Recall@{k,-3} NDCG@{k,-3} HR@{k,-3}    Cov@{k,-3}");
            }
            output.WriteLine(header);
            var names = model.ModelNames.Select((name, i) => (name, (int?)i)).Append(("blend", null)).ToList();
            foreach (var (name, index) in names)
            {
                var lists = model.RecommendBatch(users, maxK, !keep, index);
                var recs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                for (var u = 0; u < users.Count; u++)
                {
                    recs[users[u]] = [.. lists[u]];
                }
                var report = RankingMetrics.Evaluate(trainSets, testSets, recs, cutoffs, !keep);
                var line = new StringBuilder(name.PadRight(10));
                foreach (var m in report.ByK)
                {
                    line.Append(CultureInfo.InvariantCulture, $" {m.Recall,9:F4} {m.Ndcg,7:F4} {m.HitRate,7:F4} {m.Coverage,7:F4}");
                }
                output.WriteLine(line);
            }
            if (!parse.GetValue(noLatency))
            {
                var latencies = new double[users.Count];
                var request = new RecommendRequest { Count = maxK, ExcludePurchased = !keep };
                var t = Stopwatch.StartNew();
                for (var u = 0; u < users.Count; u++)
                {
                    var start = t.Elapsed.TotalMilliseconds;
                    _ = model.ForUser(users[u], request);
                    latencies[u] = t.Elapsed.TotalMilliseconds - start;
                }
                Array.Sort(latencies);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"single-request latency (ForUser, top {maxK} with reasons, one thread, {users.Count} users): p50 {latencies[latencies.Length / 2]:F2} ms, p99 {latencies[(int)(latencies.Length * 0.99)]:F2} ms"));
            }
            output.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
            return 0;
        }));
        return cmd;
    }

    private static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a training setting, e.g. --set RepeatDecay=0.7 (names as in RecommenderOptions); repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Applies --set Name=Value pairs onto the option record so experiments need no rebuild.</summary>
    private static RecommenderOptions Options(bool keepSeen, string[]? settings)
    {
        var options = new RecommenderOptions { KeepSeen = keepSeen };
        foreach (var setting in settings ?? [])
        {
            var parts = setting.Split('=', 2, StringSplitOptions.TrimEntries);
            var property = parts.Length == 2 ? typeof(RecommenderOptions).GetProperty(parts[0]) : null;
            if (property is null || !property.CanWrite || property.Name == nameof(RecommenderOptions.Content))
            {
                throw new UsageException($"--set {setting}: expected Name=Value with a setting of RecommenderOptions");
            }
            try
            {
                property.SetValue(options, Convert.ChangeType(parts[1], property.PropertyType, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            {
                throw new UsageException($"--set {setting}: \"{parts[1]}\" is not a valid {property.PropertyType.Name}");
            }
        }
        return options;
    }

    private static int[] ParseKs(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) || k <= 0)
            {
                throw new UsageException($"--k: \"{p}\" is not a positive integer (expected e.g. 10,20)");
            }
            result.Add(k);
        }
        if (result.Count == 0)
        {
            throw new UsageException("--k: give at least one cut-off, e.g. 10,20");
        }
        return [.. result.Distinct().Order()];
    }

    private static string Weights(Recommender model) =>
        string.Join(" ", model.Summary.Models.Zip(model.Summary.Weights, (m, w) => string.Create(CultureInfo.InvariantCulture, $"{m}={w:0.###}")));

    private static void Progress(string message) => Console.Error.WriteLine($"[recs] {message}");

    /// <summary>Bad input ends with one line naming the file and line, and exit code 2; never a stack trace.</summary>
    private static int Guarded(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (RecsDataException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}
