using System.Data.Common;
using System.Text;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Modules.Demand;

/// <summary>
/// Writes batches of raw events and their roll-up deltas in one transaction: on PostgreSQL the events go in by binary
/// COPY, on SQLite by one multi-row insert; roll-ups by INSERT … ON CONFLICT DO UPDATE (the same SQL on both).
/// </summary>
internal sealed class DemandStore(DotsDbContext db, Microsoft.Extensions.Options.IOptions<DemandOptions> options)
{
    private const int UpsertChunk = 500;

    /// <summary>Appends the events (skipping server events already recorded under their dedupe key) and adds them to the roll-ups.</summary>
    public async Task<RollupAccumulator> AppendAsync(IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        var inBatch = new HashSet<string>();
        IReadOnlyList<DemandEvent> fresh = [.. events.Where(e => e.DedupeKey is null || inBatch.Add(e.DedupeKey))];
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Provider == DatabaseProvider.Postgres && fresh.Count <= SmallBatch)
        {
            fresh = await InsertArraysAsync((NpgsqlConnection)db.Database.GetDbConnection(), fresh, ct);
        }
        else
        {
            if (inBatch.Count > 0)
            {
                var seen = new HashSet<string>();
                foreach (var chunk in inBatch.Chunk(500))
                {
                    seen.UnionWith(await db.Set<DemandEvent>().Where(e => chunk.Contains(e.DedupeKey!)).Select(e => e.DedupeKey!).ToListAsync(ct));
                }
                fresh = [.. fresh.Where(e => e.DedupeKey is null || !seen.Contains(e.DedupeKey))];
            }
            await InsertEventsAsync(fresh, ct);
        }
        var acc = new RollupAccumulator(options.Value.Zone);
        foreach (var e in fresh) acc.Add(e);
        await UpsertAsync(acc, ct);
        await tx.CommitAsync(ct);
        return acc;
    }

    private async Task InsertEventsAsync(IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), events, ct);
            return;
        }
        await SqliteInsertAsync(events, ct);
    }

    private static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter Instant = new();

    /// <summary>SQLite: one prepared INSERT reused for every row, in the writer's transaction (instants stored as EF stores them).</summary>
    private async Task SqliteInsertAsync(IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
        await using var insert = connection.CreateCommand();
        insert.Transaction = (Microsoft.Data.Sqlite.SqliteTransaction)Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(db.Database.CurrentTransaction!);
        insert.CommandText = $"INSERT INTO \"{DemandTables.Events}\" (\"Type\", \"ShopId\", \"ProductId\", \"VariantId\", \"Category\", \"Query\", \"ResultCount\", \"Quantity\", \"AmountScaled\", \"Currency\", \"SessionId\", \"UserId\", \"DedupeKey\", \"At\", \"ReceivedAt\") "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
        var p = Enumerable.Range(1, 15).Select(i => insert.Parameters.Add("$" + i, Microsoft.Data.Sqlite.SqliteType.Text)).ToArray();
        foreach (var e in events)
        {
            object?[] values = [e.Type, e.ShopId, e.ProductId, e.VariantId, e.Category, e.Query, e.ResultCount, e.Quantity, e.AmountScaled, e.Currency, e.SessionId, e.UserId, e.DedupeKey,
                Instant.ConvertToProvider(e.At), Instant.ConvertToProvider(e.ReceivedAt)];
            for (int i = 0; i < values.Length; i++)
            {
                p[i].SqliteType = values[i] is string or null ? Microsoft.Data.Sqlite.SqliteType.Text : Microsoft.Data.Sqlite.SqliteType.Integer;
                p[i].Value = values[i] ?? DBNull.Value;
            }
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Up to this many events go in by one INSERT (a round trip); more by COPY (three messages, then cheaper per row).</summary>
    private const int SmallBatch = 64;

    /// <summary>
    /// PostgreSQL, few events (an outbox delivery's one or two): one auto-prepared <c>INSERT … SELECT FROM unnest(…)</c>,
    /// one round trip — a COPY costs a protocol exchange more and its own start-up for each call. An event whose dedupe
    /// key is recorded already (a redelivery: the same key and instant) is skipped by the insert itself, which also
    /// waits out a redelivery being recorded at the same moment; returns the events that went in. The keys must be
    /// distinct within the batch.
    /// </summary>
    private static async Task<IReadOnlyList<DemandEvent>> InsertArraysAsync(NpgsqlConnection connection, IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return events;
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO \"{DemandTables.Events}\" (\"Type\", \"ShopId\", \"ProductId\", \"VariantId\", \"Category\", \"Query\", \"ResultCount\", \"Quantity\", \"AmountScaled\", \"Currency\", \"SessionId\", \"UserId\", \"DedupeKey\", \"At\", \"ReceivedAt\") "
            + "SELECT * FROM unnest(@type, @shop, @product, @variant, @category, @query, @results, @quantity, @amount, @currency, @session, @user, @dedupe, @at, @received) "
            + "ON CONFLICT DO NOTHING RETURNING \"DedupeKey\"",
            connection);
        insert.Parameters.AddWithValue("type", events.Select(e => e.Type).ToArray());
        insert.Parameters.AddWithValue("shop", events.Select(e => e.ShopId).ToArray());
        insert.Parameters.AddWithValue("product", events.Select(e => e.ProductId).ToArray());
        insert.Parameters.AddWithValue("variant", events.Select(e => e.VariantId).ToArray());
        insert.Parameters.AddWithValue("category", events.Select(e => e.Category).ToArray());
        insert.Parameters.AddWithValue("query", events.Select(e => e.Query).ToArray());
        insert.Parameters.AddWithValue("results", events.Select(e => e.ResultCount).ToArray());
        insert.Parameters.AddWithValue("quantity", events.Select(e => e.Quantity).ToArray());
        insert.Parameters.AddWithValue("amount", events.Select(e => e.AmountScaled).ToArray());
        insert.Parameters.AddWithValue("currency", events.Select(e => e.Currency).ToArray());
        insert.Parameters.AddWithValue("session", events.Select(e => e.SessionId).ToArray());
        insert.Parameters.AddWithValue("user", events.Select(e => e.UserId).ToArray());
        insert.Parameters.AddWithValue("dedupe", events.Select(e => e.DedupeKey).ToArray());
        insert.Parameters.AddWithValue("at", events.Select(e => e.At.ToUniversalTime()).ToArray());
        insert.Parameters.AddWithValue("received", events.Select(e => e.ReceivedAt.ToUniversalTime()).ToArray());
        var recorded = new HashSet<string>();
        var rows = 0;
        await using (var reader = await insert.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows++;
                if (!reader.IsDBNull(0)) recorded.Add(reader.GetString(0));
            }
        }
        return rows == events.Count ? events : [.. events.Where(e => e.DedupeKey is null || recorded.Contains(e.DedupeKey))];
    }

    /// <summary>Binary COPY of events into the append-only table (used by the writer and as the benchmark's ceiling).</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<DemandEvent> events, CancellationToken ct)
    {
        await using var copy = await PgBinaryCopy.BeginAsync(connection,
            $"COPY \"{DemandTables.Events}\" (\"Type\", \"ShopId\", \"ProductId\", \"VariantId\", \"Category\", \"Query\", \"ResultCount\", \"Quantity\", \"AmountScaled\", \"Currency\", \"SessionId\", \"UserId\", \"DedupeKey\", \"At\", \"ReceivedAt\") FROM STDIN (FORMAT BINARY)", ct);
        foreach (var e in events)
        {
            if (copy.Full) await copy.FlushAsync(ct);
            copy.StartRow(15);
            copy.Text(e.Type);
            copy.Text(e.ShopId);
            copy.Text(e.ProductId);
            copy.Text(e.VariantId);
            copy.Text(e.Category);
            copy.Text(e.Query);
            copy.Int32(e.ResultCount);
            copy.Int32(e.Quantity);
            copy.Int64(e.AmountScaled);
            copy.Text(e.Currency);
            copy.Text(e.SessionId);
            copy.Text(e.UserId);
            copy.Text(e.DedupeKey);
            copy.TimestampTz(e.At);
            copy.TimestampTz(e.ReceivedAt);
        }
        await copy.CompleteAsync(ct);
    }

    public async Task UpsertAsync(RollupAccumulator acc, CancellationToken ct)
    {
        foreach (var chunk in acc.Products.Values.Chunk(UpsertChunk))
        {
            var sql = new StringBuilder($"INSERT INTO \"{DemandTables.ProductRollups}\" (\"Span\", \"Bucket\", \"ProductId\", \"VariantId\", \"ShopId\", \"Views\", \"Carts\", \"CartRemovals\", \"Purchases\", \"Units\", \"RevenueScaled\", \"CancelledUnits\", \"Stockouts\", \"RecImpressions\", \"RecClicks\") VALUES ");
            var args = new List<object>(chunk.Length * 15);
            for (int i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                if (i > 0) sql.Append(", ");
                sql.Append('(');
                object[] row = [r.Span, r.Bucket, r.ProductId, r.VariantId, r.ShopId, r.Views, r.Carts, r.CartRemovals, r.Purchases, r.Units, r.RevenueScaled, r.CancelledUnits, r.Stockouts, r.RecImpressions, r.RecClicks];
                for (int j = 0; j < row.Length; j++)
                {
                    if (j > 0) sql.Append(", ");
                    sql.Append('{').Append(args.Count).Append('}');
                    args.Add(row[j]);
                }
                sql.Append(')');
            }
            sql.Append(" ON CONFLICT (\"Span\", \"Bucket\", \"ProductId\", \"VariantId\") DO UPDATE SET ");
            string[] counters = ["Views", "Carts", "CartRemovals", "Purchases", "Units", "RevenueScaled", "CancelledUnits", "Stockouts", "RecImpressions", "RecClicks"];
            sql.Append(string.Join(", ", counters.Select(c => $"\"{c}\" = \"{DemandTables.ProductRollups}\".\"{c}\" + excluded.\"{c}\"")));
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
        }
        foreach (var chunk in acc.Queries.Values.Chunk(UpsertChunk))
        {
            var sql = new StringBuilder($"INSERT INTO \"{DemandTables.QueryRollups}\" (\"Span\", \"Bucket\", \"Query\", \"Searches\", \"ZeroResults\") VALUES ");
            var args = new List<object>(chunk.Length * 5);
            for (int i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                if (i > 0) sql.Append(", ");
                int n = args.Count;
                sql.Append($"({{{n}}}, {{{n + 1}}}, {{{n + 2}}}, {{{n + 3}}}, {{{n + 4}}})");
                args.AddRange([r.Span, r.Bucket, r.Query, r.Searches, r.ZeroResults]);
            }
            sql.Append($" ON CONFLICT (\"Span\", \"Bucket\", \"Query\") DO UPDATE SET \"Searches\" = \"{DemandTables.QueryRollups}\".\"Searches\" + excluded.\"Searches\", \"ZeroResults\" = \"{DemandTables.QueryRollups}\".\"ZeroResults\" + excluded.\"ZeroResults\"");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
        }
    }

    /// <summary>Throws the roll-ups away and folds every raw event again, in id order: the check on the live path.</summary>
    public async Task<(long Events, int ProductRows, int QueryRows)> RebuildAsync(CancellationToken ct)
    {
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var acc = new RollupAccumulator(options.Value.Zone);
        long count = 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<DemandProductRollup>().ExecuteDeleteAsync(ct);
        await db.Set<DemandQueryRollup>().ExecuteDeleteAsync(ct);
        long after = 0;
        while (true)
        {
            var page = await db.Set<DemandEvent>().AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(10_000).ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var e in page) acc.Add(e);
            count += page.Count;
            after = page[^1].Id;
        }
        await UpsertAsync(acc, ct);
        await tx.CommitAsync(ct);
        return (count, acc.Products.Count, acc.Queries.Count);
    }
}
