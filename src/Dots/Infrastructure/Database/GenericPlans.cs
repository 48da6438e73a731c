using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dots.Infrastructure.Database;

/// <summary>
/// PostgreSQL plans a prepared statement anew on every execution for as long as its custom plans look cheaper than the
/// generic one — and for a multi-row write that joins <c>unnest</c> of array parameters they always do (a custom plan
/// knows the batch's length, the generic one assumes a hundred rows). The checkout's batch writes were planned again on
/// each execution: about a fifth of the database's CPU in a flash sale (docs/benchmarks.md §1, eleventh stop).
/// </summary>
public static class GenericPlans
{
    /// <summary>
    /// The rest of the current transaction runs its prepared statements on their generic plans. For transactions that
    /// read and write rows by their whole key, whose best plan does not depend on the values; nothing outside the
    /// transaction changes. Check a statement's generic plan against a table that has grown before putting it here.
    /// PostgreSQL only: call it right after beginning the transaction.
    /// </summary>
    public static Task UseGenericPlansAsync(this DatabaseFacade database, CancellationToken ct) =>
        database.ExecuteSqlRawAsync("SET LOCAL plan_cache_mode = force_generic_plan", ct);

    /// <summary>
    /// <paramref name="connectionString"/> for connections whose sessions run generic plans throughout (a pool of their
    /// own, so nothing else runs on them): for services whose every statement reads and writes by its whole key — the
    /// shared rate limit's multi-row counts — without a round trip per transaction. Not for statements that match a
    /// prefix of a key with arrays of values (the idempotency claims' <c>"UserId" = ANY(…)</c>): their generic plan
    /// reads every row of each user, where the custom one looks up each row.
    /// </summary>
    public static string ForKeyedStatements(string connectionString) => WithPlanCacheMode(connectionString, "force_generic_plan");

    /// <summary>
    /// The opposite rule, for statements that match a prefix of a key with arrays of values (the idempotency claims'
    /// <c>"UserId" = ANY(…)</c> joined with <c>unnest</c>): each execution is planned with its own arrays. Left to its
    /// usual choice, PostgreSQL may settle a connection on the generic plan — whenever the statistics of the moment make
    /// it look cheap, as on a young table — and that plan reads every claim of each user in the batch on every
    /// execution, a cost that grows with each order: 15 ms instead of 0.6 ms per batch, two thirds of the database's CPU
    /// in a flash sale on the connections that had settled on it (docs/benchmarks.md §1, thirteenth stop).
    /// </summary>
    public static string ForKeyPrefixStatements(string connectionString) => WithPlanCacheMode(connectionString, "force_custom_plan");

    /// <summary>
    /// The same connections, for a statement whose best plan depends on how big a table is right now — the outbox's
    /// lease, an anti-join over the open deliveries. Left to its usual choice, PostgreSQL may settle a connection on a
    /// generic plan made while the table was nearly empty (a new database's first minute): sequential scans nested in
    /// each other, which it keeps until autovacuum first analyzes the table. On 24,000 pending deliveries that plan took
    /// 195 s per lease, the custom plan 1.8 ms (ADR 0023 addendum, seventeenth stop).
    /// </summary>
    public static string ForSizeDependentStatements(string connectionString) => WithPlanCacheMode(connectionString, "force_custom_plan");

    /// <summary>
    /// <see cref="ForKeyPrefixStatements"/> for the rest of the current transaction (statements whose plans depend on
    /// their arrays). PostgreSQL only, inside a transaction.
    /// </summary>
    public static Task UseCustomPlansAsync(this DatabaseFacade database, CancellationToken ct) =>
        database.ExecuteSqlRawAsync("SET LOCAL plan_cache_mode = force_custom_plan", ct);

    private static string WithPlanCacheMode(string connectionString, string mode)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase) != true)
        {
            builder.Options = $"{builder.Options} -c plan_cache_mode={mode}".Trim();
        }
        return builder.ToString();
    }
}
