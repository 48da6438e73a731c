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
        var (prefix, columns) = ShapeOf(db.Model, typeof(T));
        var sql = new System.Text.StringBuilder(prefix, prefix.Length + rows.Count * columns.Length * 10 + 32);
        var parameters = new List<object>(rows.Count * columns.Length);
        // Parameters are made by each column's own type mapping, so value converters (SQLite's scaled decimals and
        // tick instants, enums as numbers) apply exactly as in SaveChanges.
        await using var factory = db.Database.GetDbConnection().CreateCommand();
        for (var r = 0; r < rows.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
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

    // The statement's head and columns depend only on the model and the type: worked out once per model (every
    // idempotency claim and payout line comes through here), forgotten with the model.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IModel, System.Collections.Concurrent.ConcurrentDictionary<Type, (string Prefix, IProperty[] Columns)>> Shapes = new();

    private static (string Prefix, IProperty[] Columns) ShapeOf(IModel model, Type type) =>
        Shapes.GetOrCreateValue(model).GetOrAdd(type, t =>
        {
            var entityType = model.FindEntityType(t) ?? throw new InvalidOperationException($"{t.Name} is not mapped.");
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var columns = entityType.GetProperties().Where(p => p.GetColumnName(table) is not null).ToArray();
            var prefix = $"INSERT INTO {Quote(table.Name)} ({string.Join(", ", columns.Select(p => Quote(p.GetColumnName(table)!)))}) VALUES ";
            return (prefix, columns);
        });

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
