using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Recommend.Data;
using Dots.Recommend.Models;
using Dots.Recommend.Serving;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Personalization;

/// <summary>
/// What a model version is rebuilt from on every instance: the training interactions (item keys, user ids, basket
/// orders) and the blend weights tuned when it was trained. Stored gzip-compressed JSON in the version row.
/// </summary>
internal sealed record TrainingSnapshot(string[] Users, string[] Items, int[] Rows, long[] Orders, float[] Weights, bool KeepSeen)
{
    public IEnumerable<Interaction> Interactions()
    {
        for (var r = 0; r < Orders.Length; r++)
        {
            yield return new Interaction(Users[Rows[2 * r]], Items[Rows[(2 * r) + 1]], Orders[r]);
        }
    }

    public static TrainingSnapshot From(IReadOnlyList<Interaction> rows, float[] weights, bool keepSeen)
    {
        var users = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        var pairs = new int[rows.Count * 2];
        var orders = new long[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            pairs[2 * r] = users.TryGetValue(rows[r].User, out var u) ? u : users[rows[r].User] = users.Count;
            pairs[(2 * r) + 1] = items.TryGetValue(rows[r].Item, out var i) ? i : items[rows[r].Item] = items.Count;
            orders[r] = rows[r].Order;
        }
        return new TrainingSnapshot([.. users.OrderBy(kv => kv.Value).Select(kv => kv.Key)], [.. items.OrderBy(kv => kv.Value).Select(kv => kv.Key)],
            pairs, orders, weights, keepSeen);
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            JsonSerializer.Serialize(gzip, this);
        }
        return buffer.ToArray();
    }

    public static TrainingSnapshot FromBytes(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<TrainingSnapshot>(gzip)!;
    }
}

/// <summary>One loaded model version: immutable, shared by every request that started while it was current.</summary>
public sealed class ModelState
{
    public static readonly ModelState None = new(0, "none", null, DateTimeOffset.MinValue, 0, TimeSpan.Zero);

    public ModelState(long number, string versionId, Recommender? recommender, DateTimeOffset trainedUntil, long bytes, TimeSpan loadTime)
    {
        Number = number;
        VersionId = versionId;
        Recommender = recommender;
        TrainedUntil = trainedUntil;
        Bytes = bytes;
        LoadTime = loadTime;
    }

    public long Number { get; }

    public string VersionId { get; }

    /// <summary>Null before the first version was trained: every list is then the non-personal one.</summary>
    public Recommender? Recommender { get; }

    /// <summary>Purchases after this are not in the model; serving adds them from the database (freshness overlay).</summary>
    public DateTimeOffset TrainedUntil { get; }

    /// <summary>Managed memory the rebuild of this version took (approximate: the heap growth while building).</summary>
    public long Bytes { get; }

    public TimeSpan LoadTime { get; }

    /// <summary>The label responses carry: "v{number}".</summary>
    public string Label => Number == 0 ? "none" : "v" + Number;

    internal static RecommenderOptions Options(TrainingSnapshot s, IReadOnlyList<ItemContent>? content, int cores) =>
        new() { KeepSeen = s.KeepSeen, Weights = s.Weights, MaxDegreeOfParallelism = cores, Content = content };
}

/// <summary>
/// The model version this instance serves. Each instance polls the newest live version row, rebuilds it from its
/// snapshot in the background with the training core limit, and swaps one reference: a request reads
/// <see cref="Current"/> once and uses that version for its whole response.
/// </summary>
public sealed class ModelHost(IServiceScopeFactory scopes, CatalogView catalog, IOptions<PersonalizationOptions> options, ILogger<ModelHost> logger)
{
    private ModelState _current = ModelState.None;
    private readonly SemaphoreSlim _sync = new(1, 1);

    public ModelState Current => Volatile.Read(ref _current);

    /// <summary>Replaces the served version (the poller, and tests that swap under load).</summary>
    public void Swap(ModelState next) => Volatile.Write(ref _current, next);

    /// <summary>Loads the newest live version if it differs from the served one. Returns the served version.</summary>
    public async Task<ModelState> SyncAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            var live = await scopes.RunInScopeAsync(sp => sp.GetRequiredService<DotsDbContext>().Set<ModelVersion>().AsNoTracking()
                .Where(v => v.Status == ModelVersionStatus.Live).OrderByDescending(v => v.Number)
                .Select(v => new { v.Id, v.Number, v.TrainedUntil }).FirstOrDefaultAsync(ct));
            if (live is null || live.Number == Current.Number)
            {
                return Current;
            }
            var bytes = await scopes.RunInScopeAsync(sp => sp.GetRequiredService<DotsDbContext>().Set<ModelVersion>().AsNoTracking()
                .Where(v => v.Id == live.Id).Select(v => v.Snapshot).FirstAsync(ct));
            var snapshot = TrainingSnapshot.FromBytes(bytes);
            var items = await catalog.EnsureAsync(ct);
            var next = await Task.Run(() => Build(live.Number, live.Id, live.TrainedUntil, snapshot, items, options.Value.MaxTrainingCores, ct), ct);
            Swap(next);
            logger.LogInformation("Serving recommendation model {Version} ({Users} users, {Items} items, {MB:F1} MB, built in {Seconds:F1} s)",
                next.Label, snapshot.Users.Length, snapshot.Items.Length, next.Bytes / 1048576.0, next.LoadTime.TotalSeconds);
            return next;
        }
        finally
        {
            _sync.Release();
        }
    }

    internal static ModelState Build(long number, string id, DateTimeOffset trainedUntil, TrainingSnapshot snapshot, CatalogSnapshot catalog, int cores, CancellationToken ct)
    {
        var before = GC.GetTotalMemory(false);
        var watch = Stopwatch.StartNew();
        var recommender = Recommender.Train(snapshot.Interactions(), ModelState.Options(snapshot, Content(catalog), cores), null, ct);
        var bytes = Math.Max(0, GC.GetTotalMemory(false) - before);
        return new ModelState(number, id, recommender, trainedUntil, bytes, watch.Elapsed);
    }

    internal static IReadOnlyList<ItemContent> Content(CatalogSnapshot catalog) =>
        [.. catalog.ByKey.Select(kv => new ItemContent(kv.Key, kv.Value.Title, kv.Value.Text))];
}

/// <summary>Each instance: refresh the catalog picture and look for a newer model version, on their intervals.</summary>
internal sealed class ModelPoller(ModelHost host, CatalogView catalog, IOptions<PersonalizationOptions> options, TimeProvider clock, ILogger<ModelPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var nextModel = DateTimeOffset.MinValue;
        var nextCatalog = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                if (now >= nextCatalog)
                {
                    await catalog.RefreshAsync(stoppingToken);
                    nextCatalog = now + o.CatalogRefresh;
                }
                if (now >= nextModel)
                {
                    await host.SyncAsync(stoppingToken);
                    nextModel = now + o.PollInterval;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may not be migrated yet at start, or briefly unreachable: try again next round.
                logger.LogDebug(e, "Personalization poll failed; retrying");
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
