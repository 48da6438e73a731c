using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Dots.Infrastructure.Database;

/// <summary>
/// <c>INSERT … ON CONFLICT DO NOTHING</c> for rows of a mapped entity type, on SQLite and PostgreSQL alike: a row whose
/// unique key exists already is skipped by the database, with no error raised, logged or rolled back (a unique
/// violation would abort a PostgreSQL transaction and make EF log a failed save). For writes that are idempotent by
/// design — booking a ledger line that a retry, a resume or a racing call may have booked first. The columns, table
/// and value conversions come from the EF model, so the statement follows the entity's configuration.
/// </summary>
public static class InsertOrIgnore
{
    /// <summary>Inserts <paramref name="rows"/> in one statement, skipping any that conflict; returns how many were inserted.</summary>
    public static async Task<int> InsertOrIgnoreAsync<T>(this DbContext db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return 0;
        }
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties().Where(p => p.GetColumnName(table) is not null).ToList();
        var sql = new System.Text.StringBuilder();
        sql.Append("INSERT INTO ").Append(Quote(table.Name)).Append(" (")
            .AppendJoin(", ", columns.Select(p => Quote(p.GetColumnName(table)!))).Append(") VALUES ");
        var parameters = new List<object>(rows.Count * columns.Count);
        // Parameters are made by each column's own type mapping, so value converters (SQLite's scaled decimals and
        // tick instants, enums as numbers) apply exactly as in SaveChanges.
        await using var factory = db.Database.GetDbConnection().CreateCommand();
        for (var r = 0; r < rows.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                var name = $"@ioi{parameters.Count}";
                var value = columns[c].GetGetter().GetClrValue(rows[r]);
                parameters.Add(columns[c].GetRelationalTypeMapping().CreateParameter(factory, name, value, columns[c].IsNullable));
                sql.Append(c == 0 ? "" : ", ").Append(name);
            }
            sql.Append(')');
        }
        sql.Append(" ON CONFLICT DO NOTHING");
        return await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
