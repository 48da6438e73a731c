using Dots.Infrastructure.Database;
using Dots.Modules.Demand;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dots.Tests.Demand;

/// <summary>A fact about PostgreSQL's day partitions of the raw event table (SQLite keeps the plain table).</summary>
public sealed class PartitionFactAttribute : FactAttribute
{
    public PartitionFactAttribute()
    {
        if (DotsFactory.Provider != DatabaseProvider.Postgres)
        {
            Skip = "Day partitions exist on PostgreSQL only (SQLite keeps the plain table, ADR 0024). Run with DOTS_TEST_PROVIDER=postgres.";
        }
    }
}

/// <summary>Events land in their local day's partition; a day without one lands in DEFAULT, is counted, and the job gives it its own.</summary>
public sealed class DemandPartitionTests(DemandPlatform platform) : IClassFixture<DemandPlatform>
{
    [PartitionFact]
    public async Task EventsLandInTheirDaysPartition_ADayWithoutOneLandsInDefaultAndIsCounted_AndTheJobIsIdempotent()
    {
        var shop = "part-shop-" + Guid.NewGuid().ToString("N")[..6];
        var session = "part-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        var old = now.AddDays(-4);
        DemandEvent View(DateTimeOffset at) => new() { Type = DemandEventTypes.View, ShopId = shop, ProductId = shop + "-p", Quantity = 1, SessionId = session, At = at, ReceivedAt = now };
        Assert.Equal(EnqueueResult.Queued, platform.Writer.TryEnqueue([View(now), View(now), View(old)], out var durable));
        await durable;

        var (today, oldDay) = await platform.DemandAsync(sp =>
        {
            var p = sp.GetRequiredService<DemandPartitions>();
            return Task.FromResult((p.DayOf(now), p.DayOf(old)));
        });
        // The start pass made yesterday … today + 7; four days back has no partition yet.
        var partitions = await platform.DemandAsync(sp => sp.GetRequiredService<DemandPartitions>().PartitionsAsync(CancellationToken.None));
        Assert.Contains(DemandPartitions.NameOf(today), partitions);
        Assert.Contains(DemandPartitions.NameOf(today.AddDays(7)), partitions);
        Assert.Contains(DemandPartitions.DefaultPartition, partitions);
        Assert.DoesNotContain(DemandPartitions.NameOf(oldDay), partitions);

        Assert.Equal(Sorted(DemandPartitions.DefaultPartition, DemandPartitions.NameOf(today), DemandPartitions.NameOf(today)), await WhereAsync(session));
        // The event in DEFAULT is counted like any other.
        var rollups = await platform.ProductRollupsAsync(shop);
        Assert.Equal(3L, rollups.Where(r => r.Span == Buckets.Day).Sum(r => r.Views));
        Assert.Equal(3L, rollups.Where(r => r.Span == Buckets.Hour).Sum(r => r.Views));

        // Two instances' passes at once: the old day gets its partition once, its row moved out of DEFAULT.
        var passes = await Task.WhenAll(
            platform.DemandAsync(sp => sp.GetRequiredService<DemandPartitions>().MaintainAsync(CancellationToken.None)),
            platform.DemandAsync(sp => sp.GetRequiredService<DemandPartitions>().MaintainAsync(CancellationToken.None)));
        Assert.Equal(1, passes.Count(p => p.Created.Contains(DemandPartitions.NameOf(oldDay))));
        Assert.Equal(1, passes.Sum(p => p.RowsMoved));
        Assert.Equal(Sorted(DemandPartitions.NameOf(oldDay), DemandPartitions.NameOf(today), DemandPartitions.NameOf(today)), await WhereAsync(session));

        // Again: nothing to do.
        var again = await platform.DemandAsync(sp => sp.GetRequiredService<DemandPartitions>().MaintainAsync(CancellationToken.None));
        Assert.Empty(again.Created);
        Assert.Empty(again.Dropped);
        Assert.Equal(0, again.RowsMoved);

        // New events for the old day now go straight to its partition; the roll-ups still equal a rebuild from the raw events.
        Assert.Equal(EnqueueResult.Queued, platform.Writer.TryEnqueue([View(old.AddMinutes(1))], out durable));
        await durable;
        Assert.Equal(Sorted(DemandPartitions.NameOf(oldDay), DemandPartitions.NameOf(oldDay), DemandPartitions.NameOf(today), DemandPartitions.NameOf(today)), await WhereAsync(session));
        var live = Snapshot(await platform.ProductRollupsAsync(shop));
        await platform.DemandAsync(sp => sp.GetRequiredService<DemandStore>().RebuildAsync(CancellationToken.None));
        Assert.Equal(live, Snapshot(await platform.ProductRollupsAsync(shop)));
        Assert.Equal(4L, (await platform.ProductRollupsAsync(shop)).Where(r => r.Span == Buckets.Day).Sum(r => r.Views));
    }

    [PartitionFact]
    public async Task Retention_IsOffByDefault_AndWhenSetDropsOnlyDaysOlderThanIt()
    {
        var shop = "ret-shop-" + Guid.NewGuid().ToString("N")[..6];
        var session = "ret-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        var ancient = now.AddDays(-400);
        DemandEvent View(DateTimeOffset at) => new() { Type = DemandEventTypes.View, ShopId = shop, ProductId = shop + "-p", Quantity = 1, SessionId = session, At = at, ReceivedAt = now };
        Assert.Equal(EnqueueResult.Queued, platform.Writer.TryEnqueue([View(ancient), View(now)], out var durable));
        await durable;
        await platform.DemandAsync(sp => sp.GetRequiredService<DemandPartitions>().MaintainAsync(CancellationToken.None));
        var ancientDay = await platform.DemandAsync(sp => Task.FromResult(sp.GetRequiredService<DemandPartitions>().DayOf(ancient)));
        Assert.Contains(DemandPartitions.NameOf(ancientDay), await WhereAsync(session));

        // The default keeps every day.
        Assert.Equal(0, new DemandOptions().PartitionRetentionDays);

        var dropped = await platform.DemandAsync(sp =>
        {
            var withRetention = new DemandPartitions(sp.GetRequiredService<DotsDbContext>(), Options.Create(new DemandOptions { PartitionRetentionDays = 365 }),
                TimeProvider.System, NullLogger<DemandPartitions>.Instance);
            return withRetention.MaintainAsync(CancellationToken.None);
        });
        Assert.Contains(DemandPartitions.NameOf(ancientDay), dropped.Dropped);
        Assert.DoesNotContain(dropped.Dropped, d => d == DemandPartitions.DefaultPartition);
        var today = await platform.DemandAsync(sp => Task.FromResult(sp.GetRequiredService<DemandPartitions>().DayOf(now)));
        Assert.Equal(Sorted(DemandPartitions.NameOf(today)), await WhereAsync(session));
    }

    /// <summary>The partition each of the session's events is stored in, sorted.</summary>
    private Task<List<string>> WhereAsync(string session) => platform.WithDbAsync(async db =>
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("SELECT tableoid::regclass::text FROM \"DemandEvents\" WHERE \"SessionId\" = @s", connection);
        cmd.Parameters.AddWithValue("s", session);
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0).Trim('"'));
        return names.Order(StringComparer.Ordinal).ToList();
    });

    private static List<string> Sorted(params string[] names) => [.. names.Order(StringComparer.Ordinal)];

    private static List<string> Snapshot(List<DemandProductRollup> rows) =>
        [.. rows.Select(r => $"{r.Span}|{r.Bucket}|{r.ProductId}|{r.VariantId}|{r.Views}").Order(StringComparer.Ordinal)];
}
