using System.Diagnostics;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Recommend.Data;
using Dots.Recommend.Serving;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Modules.Personalization;

/// <summary>What one training run did.</summary>
public sealed record TrainingResult(
    long Number,
    string Status,
    double HoldoutRecall,
    double PopularityRecall,
    double? LiveRecall,
    int HoldoutOrders,
    int Users,
    int Items,
    int Interactions,
    double Seconds,
    string Note);

/// <summary>
/// Builds a new model version: gathers purchases (every item source) and views of customers who did not opt out,
/// holds out the most recent orders, trains a candidate on the rest with the core limit (the blend is tuned then),
/// scores both the candidate and popularity on the held-out orders (Recall@20), and stores the version with the
/// full data and the tuned weights. It goes live unless it is worse than the live version by more than the margin;
/// every instance picks it up on its next poll.
/// </summary>
public sealed class ModelTrainer(DotsDbContext db, IServiceProvider services, IOptions<PersonalizationOptions> options, TimeProvider clock, ILogger<ModelTrainer> logger)
{
    public const int K = 20;

    public async Task<TrainingResult> TrainAsync(CancellationToken ct, Action<string>? progress = null)
    {
        var o = options.Value;
        var watch = Stopwatch.StartNew();
        var now = clock.GetUtcNow();
        var optedOut = (await db.Set<PersonalizationSetting>().AsNoTracking().Where(s => !s.Enabled).Select(s => s.UserId).ToListAsync(ct)).ToHashSet();
        var purchases = new List<ItemInteraction>();
        foreach (var source in services.GetServices<IRecommendableItemSource>())
        {
            purchases.AddRange((await source.InteractionsAsync(ct)).Where(i => !optedOut.Contains(i.UserId)));
        }
        var views = o.UseViews ? await TrainingViewsAsync(optedOut, o.MinViewsForTraining, ct) : [];
        progress?.Invoke($"{purchases.Count} purchase lines, {views.Count} view rows");

        // Holdout: the most recent share of orders (baskets), each scored against a model that never saw it.
        var baskets = purchases.GroupBy(p => (p.UserId, p.Basket)).Select(g => (g.Key.UserId, g.Key.Basket, At: g.Min(x => x.At), Items: g.Select(x => CatalogSnapshot.Key(x.Kind, x.ItemId)).Distinct().ToArray()))
            .OrderBy(b => b.At).ThenBy(b => b.Basket, StringComparer.Ordinal).ToList();
        var holdCount = baskets.Count < 10 ? 0 : Math.Max(1, (int)(baskets.Count * o.HoldoutShare));
        var cutoff = holdCount > 0 ? baskets[^holdCount].At : DateTimeOffset.MaxValue;
        var all = ToInteractions(purchases, views, DateTimeOffset.MaxValue);
        var past = ToInteractions(purchases, views, cutoff);
        var holdout = baskets.Skip(baskets.Count - holdCount).ToList();

        var cores = o.MaxTrainingCores;
        var trainOptions = new RecommenderOptions { KeepSeen = true, MaxDegreeOfParallelism = cores };
        Recommender candidate;
        try
        {
            candidate = await Task.Run(() => Recommender.Train(past.Count > 0 ? past : all, trainOptions, progress, ct), ct);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        var (recall, popRecall) = Score(candidate, holdout);
        progress?.Invoke($"holdout: {holdout.Count} orders, Recall@{K} {recall:F4} (popularity {popRecall:F4})");

        var live = await db.Set<ModelVersion>().AsNoTracking().Where(v => v.Status == ModelVersionStatus.Live)
            .OrderByDescending(v => v.Number).Select(v => new { v.Number, v.HoldoutRecall, v.HoldoutOrders }).FirstOrDefaultAsync(ct);
        var rejected = live is not null && holdout.Count > 0 && live.HoldoutOrders > 0 && recall < live.HoldoutRecall - o.PromotionMargin;
        var note = rejected
            ? $"not promoted: Recall@{K} {recall:F4} is below the live v{live!.Number}'s {live.HoldoutRecall:F4} by more than {o.PromotionMargin:F3}"
            : holdout.Count == 0 ? "promoted without a holdout (fewer than 10 orders)" : "promoted";
        var snapshot = TrainingSnapshot.From(all, [.. candidate.Summary.Weights], keepSeen: true);
        var number = (await db.Set<ModelVersion>().MaxAsync(v => (long?)v.Number, ct) ?? 0) + 1;
        var version = new ModelVersion
        {
            Id = Ids.New(), Number = number, Status = rejected ? ModelVersionStatus.Rejected : ModelVersionStatus.Live, CreatedAt = now,
            TrainedUntil = now, Users = snapshot.Users.Length, Items = snapshot.Items.Length, Interactions = all.Count,
            HoldoutRecall = recall, PopularityRecall = popRecall, HoldoutOrders = holdout.Count,
            TrainingSeconds = watch.Elapsed.TotalSeconds, Note = note, Snapshot = rejected ? [] : snapshot.ToBytes(),
        };
        db.Add(version);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Recommendation model v{Number}: {Note} ({Users} users, {Items} items, {Seconds:F1} s)", number, note, version.Users, version.Items, version.TrainingSeconds);
        return new TrainingResult(number, rejected ? "rejected" : "live", recall, popRecall, live?.HoldoutRecall, holdout.Count,
            version.Users, version.Items, all.Count, version.TrainingSeconds, note);
    }

    /// <summary>
    /// Offline replay of the order history: at each of <paramref name="steps"/> cut points (spread over the last half
    /// of the orders) train on everything before it with the product's configuration, recommend K items for each buyer
    /// of the next slice of orders and score them (Recall@K, hit rate), beside popularity trained on the same past.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(int steps, CancellationToken ct, Action<string>? progress = null)
    {
        var purchases = new List<ItemInteraction>();
        foreach (var source in services.GetServices<IRecommendableItemSource>())
        {
            purchases.AddRange(await source.InteractionsAsync(ct));
        }
        var baskets = purchases.GroupBy(p => (p.UserId, p.Basket)).Select(g => (g.Key.UserId, g.Key.Basket, At: g.Min(x => x.At), Items: g.Select(x => CatalogSnapshot.Key(x.Kind, x.ItemId)).Distinct().ToArray()))
            .OrderBy(b => b.At).ThenBy(b => b.Basket, StringComparer.Ordinal).ToList();
        var rows = new List<ReplayStep>();
        if (baskets.Count < 20)
        {
            return new ReplayResult(rows, 0, 0, 0, 0, 0);
        }
        for (var s = 0; s < steps; s++)
        {
            var from = baskets.Count / 2 + (s * (baskets.Count / 2) / steps);
            var to = baskets.Count / 2 + ((s + 1) * (baskets.Count / 2) / steps);
            var cutoff = baskets[from].At;
            var past = ToInteractions(purchases, [], cutoff);
            var next = baskets.Skip(from).Take(to - from).Where(b => b.At >= cutoff).ToList();
            if (past.Count == 0 || next.Count == 0)
            {
                continue;
            }
            var model = await Task.Run(() => Recommender.Train(past, new RecommenderOptions { KeepSeen = true, MaxDegreeOfParallelism = options.Value.MaxTrainingCores }, null, ct), ct);
            var popular = model.ForUser("\u0000nobody", new RecommendRequest { Count = K }).Select(r => r.ItemId).ToHashSet();
            double recall = 0, hit = 0, popRecall = 0, popHit = 0;
            foreach (var b in next)
            {
                var top = model.ForUser(b.UserId, new RecommendRequest { Count = K, ExcludePurchased = false }).Select(r => r.ItemId).ToHashSet();
                var h = b.Items.Count(top.Contains);
                var p = b.Items.Count(popular.Contains);
                recall += (double)h / b.Items.Length;
                hit += h > 0 ? 1 : 0;
                popRecall += (double)p / b.Items.Length;
                popHit += p > 0 ? 1 : 0;
            }
            var step = new ReplayStep(cutoff, past.Count, next.Count, recall / next.Count, hit / next.Count, popRecall / next.Count, popHit / next.Count);
            progress?.Invoke($"cut {cutoff:yyyy-MM-dd}: trained on {past.Count} rows, scored {next.Count} orders: Recall@{K} {step.Recall:F4} (popularity {step.PopularityRecall:F4}), HR@{K} {step.HitRate:F4} ({step.PopularityHitRate:F4})");
            rows.Add(step);
        }
        var orders = rows.Sum(r => r.Orders);
        double W(Func<ReplayStep, double> f) => orders == 0 ? 0 : rows.Sum(r => f(r) * r.Orders) / orders;
        return new ReplayResult(rows, orders, W(r => r.Recall), W(r => r.HitRate), W(r => r.PopularityRecall), W(r => r.PopularityHitRate));
    }

    /// <summary>Mean Recall@K of the model and of popularity over the held-out orders of users it knows or not.</summary>
    internal static (double Model, double Popularity) Score(Recommender model, IReadOnlyList<(string UserId, string Basket, DateTimeOffset At, string[] Items)> holdout)
    {
        if (holdout.Count == 0)
        {
            return (0, 0);
        }
        var popular = model.ForUser("\u0000nobody", new RecommendRequest { Count = K }).Select(r => r.ItemId).ToHashSet();
        double sum = 0, pop = 0;
        foreach (var h in holdout)
        {
            var top = model.ForUser(h.UserId, new RecommendRequest { Count = K, ExcludePurchased = false }).Select(r => r.ItemId).ToHashSet();
            sum += (double)h.Items.Count(top.Contains) / h.Items.Length;
            pop += (double)h.Items.Count(popular.Contains) / h.Items.Length;
        }
        return (sum / holdout.Count, pop / holdout.Count);
    }

    private async Task<List<(string UserId, string ProductId, DateTimeOffset At)>> TrainingViewsAsync(HashSet<string> optedOut, int minViews, CancellationToken ct)
    {
        // Customers' views within the retention (older ones are pruned nightly), counted in the database: one row per
        // customer and product seen often enough, not every view in memory.
        var since = clock.GetUtcNow().AddDays(-options.Value.ViewRetentionDays);
        var rows = await db.Set<ProductView>().AsNoTracking().Where(v => v.UserId != null && v.At >= since)
            .GroupBy(v => new { v.UserId, v.ProductId })
            .Where(g => g.Count() >= minViews)
            .Select(g => new { g.Key.UserId, g.Key.ProductId, At = g.Max(v => v.At) })
            .ToListAsync(ct);
        return [.. rows.Where(r => !optedOut.Contains(r.UserId!)).Select(r => (r.UserId!, r.ProductId, r.At))];
    }

    /// <summary>Purchases as one basket per order, views as one basket per customer and day, before <paramref name="before"/>.</summary>
    internal static List<Interaction> ToInteractions(IReadOnlyList<ItemInteraction> purchases, IReadOnlyList<(string UserId, string ProductId, DateTimeOffset At)> views, DateTimeOffset before)
    {
        var rows = new List<Interaction>(purchases.Count + views.Count);
        var basketOrder = new Dictionary<(string, string), long>();
        foreach (var p in purchases.Where(p => p.At < before))
        {
            // One order value per basket: its earliest time (lines of one order share it).
            var key = (p.UserId, p.Basket);
            if (!basketOrder.TryGetValue(key, out var order))
            {
                order = p.At.UtcTicks;
                basketOrder[key] = order;
            }
            rows.Add(new Interaction(p.UserId, CatalogSnapshot.Key(p.Kind, p.ItemId), order));
        }
        foreach (var v in views.Where(v => v.At < before))
        {
            // A day's views sit just before that day's purchases (tick offset 1 keeps them out of any order's basket).
            rows.Add(new Interaction(v.UserId, v.ProductId, new DateTimeOffset(v.At.UtcDateTime.Date, TimeSpan.Zero).UtcTicks + 1));
        }
        return rows;
    }
}

public sealed record ReplayStep(DateTimeOffset Cutoff, int TrainingRows, int Orders, double Recall, double HitRate, double PopularityRecall, double PopularityHitRate);

public sealed record ReplayResult(IReadOnlyList<ReplayStep> Steps, int Orders, double Recall, double HitRate, double PopularityRecall, double PopularityHitRate);

/// <summary>Deletes product views older than <see cref="PersonalizationOptions.ViewRetentionDays"/> (daily, one instance at a time).</summary>
[DisallowConcurrentExecution]
internal sealed class ViewPruneJob(RecommendationService recommendations) : IJob
{
    public const string Name = "personalization.prune-views";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await recommendations.PruneViewsAsync(cancellationToken);
}

/// <summary>The nightly retraining on the scheduler (one instance of the cluster at a time).</summary>
[DisallowConcurrentExecution]
internal sealed class RetrainJob(ModelTrainer trainer, ModelHost host) : IJob
{
    public const string Name = "personalization.retrain";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await trainer.TrainAsync(cancellationToken);
        await host.SyncAsync(cancellationToken);
    }
}
