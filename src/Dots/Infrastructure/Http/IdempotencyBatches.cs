using Dots.Infrastructure.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dots.Infrastructure.Http;

/// <summary>
/// The idempotency store's two per-request writes — the claim and the stored answer — group-committed on PostgreSQL
/// (<see cref="GroupCommit{TItem, TResult}"/>): the claims that arrive while one statement runs go in the next as one
/// <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING</c>, the answers as one <c>UPDATE … FROM
/// unnest(…)</c>. Each request gets exactly what its own statement would have told it (claimed or not; answer written),
/// and nothing is answered before its batch has committed, so a crash loses nothing a single statement would have kept.
/// A flash sale's hundred buyers cost a few statements and commits instead of two hundred (ADR 0023 addendum).
/// SQLite (one writer by design) keeps one statement per request.
/// </summary>
public sealed class IdempotencyBatches
{
    private readonly GroupCommit<IdempotencyRecord, bool> _claims;
    private readonly GroupCommit<Answer, bool> _answers;
    private readonly DatabaseWatchdog _watchdog;

    public IdempotencyBatches(DatabaseSettings database, IOptions<IdempotencyOptions> options, DatabaseWatchdog watchdog)
    {
        _watchdog = watchdog;
        Enabled = database.Provider == DatabaseProvider.Postgres && options.Value.GroupCommit;
        // Never on generic plans (GenericPlans.ForKeyPrefixStatements): the answers' generic plan finds a claim among
        // all its user's claims, and a connection left to choose may settle on it.
        ConnectionString = Enabled ? GenericPlans.ForKeyPrefixStatements(database.ConnectionString) : null;
        _claims = new GroupCommit<IdempotencyRecord, bool>(ClaimAllAsync);
        _answers = new GroupCommit<Answer, bool>(AnswerAllAsync);
    }

    /// <summary>The connections the claims and answers are written on (null unless <see cref="Enabled"/>).</summary>
    internal string? ConnectionString { get; }

    /// <summary>Whether claims and answers are group-committed (PostgreSQL, <c>Idempotency:GroupCommit</c>, on by default).</summary>
    public bool Enabled { get; }

    public (long Batches, long Items) ClaimStats => _claims.Stats;

    public (long Batches, long Items) AnswerStats => _answers.Stats;

    /// <summary>A stored answer for the claim (user, scope, key); clears the claim's lease.</summary>
    public sealed record Answer(string UserId, string Scope, string Key, int Status, string Body, string? Location);

    /// <summary>Inserts the claim unless (user, scope, key) exists: true when this request now holds it.</summary>
    public Task<bool> ClaimAsync(IdempotencyRecord record) => _claims.RunAsync(record);

    /// <summary>Stores the answer of a claim this request holds; completes once committed.</summary>
    public Task AnswerAsync(Answer answer) => _answers.RunAsync(answer);

    private async Task<IReadOnlyList<bool>> ClaimAllAsync(IReadOnlyList<IdempotencyRecord> claims)
    {
        // One row per key in the statement: a second request with the same key in the same batch lost the race to the
        // first (as it would have one statement later) and is told "not claimed".
        var first = new Dictionary<(string, string, string), int>();
        for (var i = 0; i < claims.Count; i++)
        {
            first.TryAdd((claims[i].UserId, claims[i].Scope, claims[i].Key), i);
        }
        var rows = first.Values.Select(i => claims[i]).ToList();
        using var watched = _watchdog.Waiting("idempotency claims");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO "IdempotencyRecords" ("UserId", "Scope", "Key", "RequestHash", "CreatedAt", "LeaseUntil", "Attempts")
            SELECT * FROM unnest(@users, @scopes, @keys, @hashes, @created, @leases, @attempts)
            ON CONFLICT DO NOTHING
            RETURNING "UserId", "Scope", "Key"
            """, connection);
        command.Parameters.AddWithValue("users", rows.Select(r => r.UserId).ToArray());
        command.Parameters.AddWithValue("scopes", rows.Select(r => r.Scope).ToArray());
        command.Parameters.AddWithValue("keys", rows.Select(r => r.Key).ToArray());
        command.Parameters.AddWithValue("hashes", rows.Select(r => r.RequestHash).ToArray());
        command.Parameters.AddWithValue("created", rows.Select(r => r.CreatedAt).ToArray());
        command.Parameters.AddWithValue("leases", rows.Select(r => r.LeaseUntil ?? r.CreatedAt).ToArray());
        command.Parameters.AddWithValue("attempts", rows.Select(r => r.Attempts).ToArray());
        var inserted = new HashSet<(string, string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
        {
            while (await reader.ReadAsync(CancellationToken.None))
            {
                inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        return claims.Select((c, i) => first[(c.UserId, c.Scope, c.Key)] == i && inserted.Contains((c.UserId, c.Scope, c.Key))).ToList();
    }

    /// <summary>
    /// The answers' update. The join with <c>unnest</c> is also restricted by <c>= ANY(…)</c> on the key's columns, so the
    /// rows are found through the primary key whatever join the planner picks: a plan made while the table was small
    /// (a fresh database, not yet analyzed) would otherwise scan the whole table on every batch as it grows.
    /// </summary>
    private async Task<IReadOnlyList<bool>> AnswerAllAsync(IReadOnlyList<Answer> answers)
    {
        using var watched = _watchdog.Waiting("idempotency answers");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            """
            UPDATE "IdempotencyRecords" AS r
            SET "StatusCode" = a.status, "ResponseBody" = a.body, "Location" = a.location, "LeaseUntil" = NULL
            FROM unnest(@users, @scopes, @keys, @statuses, @bodies, @locations) AS a(user_id, scope, key, status, body, location)
            WHERE r."UserId" = a.user_id AND r."Scope" = a.scope AND r."Key" = a.key
              AND r."UserId" = ANY(@users) AND r."Key" = ANY(@keys)
            """, connection);
        command.Parameters.AddWithValue("users", answers.Select(a => a.UserId).ToArray());
        command.Parameters.AddWithValue("scopes", answers.Select(a => a.Scope).ToArray());
        command.Parameters.AddWithValue("keys", answers.Select(a => a.Key).ToArray());
        command.Parameters.AddWithValue("statuses", answers.Select(a => a.Status).ToArray());
        command.Parameters.AddWithValue("bodies", answers.Select(a => a.Body).ToArray());
        command.Parameters.AddWithValue("locations", answers.Select(a => a.Location).ToArray());
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        return answers.Select(_ => true).ToList();
    }
}
