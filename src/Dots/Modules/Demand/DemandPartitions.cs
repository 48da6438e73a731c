using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Quartz;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dots.Modules.Demand;

/// <summary>What one partition maintenance pass did.</summary>
internal sealed record PartitionReport(IReadOnlyList<string> Created, IReadOnlyList<string> Dropped, long RowsMoved);

/// <summary>
/// PostgreSQL only: the raw event table is range-partitioned by day on <c>At</c> (migration DemandEventsByDay, ADR 0024),
/// one partition per local day of <see cref="DemandOptions.TimeZone"/> named <c>DemandEvents_yyyyMMdd</c>, plus a
/// DEFAULT partition so no event is ever refused for want of a partition. This pass creates the partitions from
/// yesterday to <see cref="DemandOptions.PartitionDaysAhead"/> days ahead, gives any day that reached the DEFAULT
/// partition its own partition (moving its rows, in one transaction), and — only when
/// <see cref="DemandOptions.PartitionRetentionDays"/> is set — detaches and drops days older than the retention.
/// Idempotent and safe on several instances at once (one transaction-scoped advisory lock per pass). SQLite keeps the
/// plain table: the pass does nothing there.
/// </summary>
internal sealed class DemandPartitions(DotsDbContext db, IOptions<DemandOptions> options, TimeProvider clock, ILogger<DemandPartitions> logger)
{
    private const long LockKey = 0x44656d616e64; // "Demand"
    public const string DefaultPartition = DemandTables.Events + "_default";

    private static readonly string Columns = "\"Id\", \"Type\", \"ShopId\", \"ProductId\", \"VariantId\", \"Category\", \"Query\", \"ResultCount\", \"Quantity\", \"AmountScaled\", \"Currency\", \"SessionId\", \"UserId\", \"DedupeKey\", \"At\", \"ReceivedAt\"";

    public static string NameOf(DateOnly day) => $"{DemandTables.Events}_{day:yyyyMMdd}";

    /// <summary>The UTC instant a local day starts at.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var zone = options.Value.Zone;
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, options.Value.Zone).DateTime);

    public async Task<PartitionReport> MaintainAsync(CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Postgres) return new([], [], 0);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await IsPartitionedAsync(connection, ct)) return new([], [], 0);
            var today = DayOf(clock.GetUtcNow());
            var days = new SortedSet<DateOnly>();
            for (int d = -1; d <= options.Value.PartitionDaysAhead; d++) days.Add(today.AddDays(d));
            // Days that reached the DEFAULT partition (old data converted by the migration, late or far-future events).
            await using (var cmd = new NpgsqlCommand($"SELECT DISTINCT (\"At\" AT TIME ZONE @zone)::date FROM \"{DefaultPartition}\"", connection))
            {
                cmd.Parameters.AddWithValue("zone", options.Value.TimeZone);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) days.Add(DateOnly.FromDateTime(reader.GetDateTime(0)));
            }
            var existing = await PartitionsAsync(connection, ct);
            var created = new List<string>();
            long moved = 0;
            foreach (var day in days)
            {
                if (existing.Contains(NameOf(day))) continue;
                var (made, rows) = await EnsureDayAsync(connection, day, ct);
                if (made) created.Add(NameOf(day));
                moved += rows;
            }
            var dropped = new List<string>();
            if (options.Value.PartitionRetentionDays > 0)
            {
                var oldest = today.AddDays(-options.Value.PartitionRetentionDays);
                foreach (var name in await PartitionsAsync(connection, ct))
                {
                    if (TryDay(name, out var day) && day < oldest && await DropDayAsync(connection, name, ct)) dropped.Add(name);
                }
            }
            if (created.Count > 0 || dropped.Count > 0 || moved > 0)
                logger.LogInformation("Demand partitions: created {Created}, dropped {Dropped}, moved {Moved} rows out of DEFAULT", created.Count, dropped.Count, moved);
            return new(created, dropped, moved);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The day partitions that exist (names), read from the catalog.</summary>
    public async Task<HashSet<string>> PartitionsAsync(CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Postgres) return [];
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await PartitionsAsync((NpgsqlConnection)db.Database.GetDbConnection(), ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<bool> IsPartitionedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('\"{DemandTables.Events}\"'))", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<HashSet<string>> PartitionsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('\"{DemandTables.Events}\"')", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        return names;
    }

    private static bool TryDay(string name, out DateOnly day)
    {
        day = default;
        var prefix = DemandTables.Events + "_";
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && DateOnly.TryParseExact(name[prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static string Literal(DateTimeOffset at) => "'" + at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00'";

    /// <summary>Creates one day's partition under the advisory lock; rows of that day already in DEFAULT move into it in the same transaction.</summary>
    private async Task<(bool Created, long Moved)> EnsureDayAsync(NpgsqlConnection connection, DateOnly day, CancellationToken ct)
    {
        var name = NameOf(day);
        string from = Literal(StartOf(day)), to = Literal(StartOf(day.AddDays(1)));
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Exec(connection, tx, $"SELECT pg_advisory_xact_lock({LockKey})", ct);
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('\"{name}\"') IS NOT NULL", connection, tx))
        {
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                await tx.CommitAsync(ct);
                return (false, 0);
            }
        }
        bool inDefault;
        await using (var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM \"{DefaultPartition}\" WHERE \"At\" >= {from} AND \"At\" < {to})", connection, tx))
        {
            inDefault = (bool)(await any.ExecuteScalarAsync(ct))!;
        }
        long moved = 0;
        if (!inDefault)
        {
            await Exec(connection, tx, $"CREATE TABLE \"{name}\" PARTITION OF \"{DemandTables.Events}\" FOR VALUES FROM ({from}) TO ({to})", ct);
        }
        else
        {
            // A day that has rows in DEFAULT: the new partition is filled from DEFAULT, then attached (PostgreSQL refuses
            // to create a partition whose range DEFAULT still holds rows of).
            await Exec(connection, tx, $"CREATE TABLE \"{name}\" (LIKE \"{DemandTables.Events}\" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)", ct);
            moved = await Exec(connection, tx, $"WITH moved AS (DELETE FROM \"{DefaultPartition}\" WHERE \"At\" >= {from} AND \"At\" < {to} RETURNING {Columns}) "
                + $"INSERT INTO \"{name}\" ({Columns}) SELECT {Columns} FROM moved", ct);
            await Exec(connection, tx, $"ALTER TABLE \"{DemandTables.Events}\" ATTACH PARTITION \"{name}\" FOR VALUES FROM ({from}) TO ({to})", ct);
        }
        await tx.CommitAsync(ct);
        return (true, moved);
    }

    private static async Task<bool> DropDayAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Exec(connection, tx, $"SELECT pg_advisory_xact_lock({LockKey})", ct);
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('\"{name}\"') IS NOT NULL", connection, tx))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                await tx.CommitAsync(ct);
                return false;
            }
        }
        await Exec(connection, tx, $"ALTER TABLE \"{DemandTables.Events}\" DETACH PARTITION \"{name}\"", ct);
        await Exec(connection, tx, $"DROP TABLE \"{name}\"", ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static async Task<int> Exec(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>The partition maintenance on the scheduler (hourly by default): once across the cluster.</summary>
[DisallowConcurrentExecution]
internal sealed class DemandPartitionJob(IServiceScopeFactory scopes) : IJob
{
    public const string Name = "demand.partitions";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await scopes.RunAsync((DemandPartitions p) => p.MaintainAsync(cancellationToken));
}

/// <summary>Runs one maintenance pass when the instance starts (after the database initializer migrated), so today's partition exists before the first event.</summary>
internal sealed class DemandPartitionStartup(IServiceScopeFactory scopes, ILogger<DemandPartitionStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await scopes.RunAsync((DemandPartitions p) => p.MaintainAsync(cancellationToken));
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Events still land (DEFAULT partition); the scheduled job tries again.
            logger.LogWarning(e, "Demand partition maintenance at start failed");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
