using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dots.Infrastructure.Database;

/// <summary>How the embedded SQLite database lets concurrent work in one process take turns (ADR 0009).</summary>
public enum SqliteLocking
{
    /// <summary>Only write transactions queue on an in-process gate; reads run beside them (write-ahead log).</summary>
    WriteGate,

    /// <summary>Every connection's open-to-close span queues on the gate, reads included (the old behaviour).</summary>
    ConnectionGate,

    /// <summary>No gate: SQLite's own busy handler (PRAGMA busy_timeout) makes writers wait for each other.</summary>
    BusyTimeout,
}

/// <summary>
/// SQLite has one writer at a time. Microsoft.Data.Sqlite answers a busy database by sleeping and retrying, which
/// under concurrent checkouts turns into long tail latency, so within one process write transactions queue on an
/// async semaphore instead: nobody sleeps, and readers (write-ahead log) never wait. Other processes (the CLI)
/// still meet SQLite's own locking through busy_timeout. PostgreSQL never uses this.
///
/// The gate must never leak: it is taken when a transaction starts (or a connection opens, in
/// <see cref="SqliteLocking.ConnectionGate"/> mode) and given back on commit, rollback, failure, close and dispose,
/// whichever comes first, exactly once per taking. A wait that is cancelled takes nothing.
/// </summary>
public sealed class SqliteWriteGate(SqliteLocking mode, DatabaseWatchdog watchdog) : DbConnectionInterceptor, IDbTransactionInterceptor
{
    public const int BusyTimeoutMilliseconds = 30_000;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    // Per connection: whether it has claimed the gate (set atomically before waiting, so two operations misusing one
    // context at once never both wait — the second would wait on the first, which is the same connection) and the gate
    // it holds once the wait is over.
    private static readonly ConditionalWeakTable<DbConnection, Hold> Held = [];

    private sealed class Hold
    {
        public bool Claimed;
        public SemaphoreSlim? Gate;
    }

    public SqliteLocking Mode => mode;

    /// <summary>Units free on the gate of a database file: 1 when nobody holds it (for tests and diagnostics).</summary>
    public static int FreeCount(string dataSource) => Gates.TryGetValue(dataSource, out var gate) ? gate.CurrentCount : 1;

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (mode == SqliteLocking.ConnectionGate)
        {
            Acquire(connection);
        }
        return result;
    }

    public override async ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (mode == SqliteLocking.ConnectionGate)
        {
            await AcquireAsync(connection, cancellationToken);
        }
        return result;
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => SetBusyTimeout(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        SetBusyTimeout(connection);
        return Task.CompletedTask;
    }

    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Release(connection);

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    // EF disposes some connections without closing them first (SQLite's database-exists probe, for one).
    public override void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public override Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (mode == SqliteLocking.WriteGate)
        {
            Acquire(connection);
        }
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (mode == SqliteLocking.WriteGate)
        {
            await AcquireAsync(connection, cancellationToken);
        }
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => ReleaseTransaction(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseTransaction(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => ReleaseTransaction(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseTransaction(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => ReleaseTransaction(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseTransaction(transaction);
        return Task.CompletedTask;
    }

    private void ReleaseTransaction(DbTransaction transaction)
    {
        // A transaction that failed to start has no connection; the connection's close gives the gate back then.
        if (mode == SqliteLocking.WriteGate && transaction.Connection is { } connection)
        {
            Release(connection);
        }
    }

    private void Acquire(DbConnection connection)
    {
        if (!TryClaim(connection, out var hold))
        {
            return; // this connection already holds (or is acquiring) the gate: waiting would wait on itself
        }
        var gate = GateFor(connection);
        try
        {
            using (watchdog.Waiting("sqlite gate"))
            {
                gate.Wait();
            }
        }
        catch
        {
            Unclaim(hold);
            throw;
        }
        lock (hold)
        {
            hold.Gate = gate;
        }
    }

    private async Task AcquireAsync(DbConnection connection, CancellationToken ct)
    {
        if (!TryClaim(connection, out var hold))
        {
            return; // this connection already holds (or is acquiring) the gate: two operations misusing one context
        }
        var gate = GateFor(connection);
        try
        {
            using (watchdog.Waiting("sqlite gate"))
            {
                await gate.WaitAsync(ct);
            }
        }
        catch
        {
            Unclaim(hold);
            throw;
        }
        lock (hold)
        {
            hold.Gate = gate;
        }
    }

    private static bool TryClaim(DbConnection connection, out Hold hold)
    {
        hold = Held.GetValue(connection, _ => new Hold());
        lock (hold)
        {
            if (hold.Claimed)
            {
                return false;
            }
            hold.Claimed = true;
            return true;
        }
    }

    private static void Unclaim(Hold hold)
    {
        lock (hold)
        {
            hold.Claimed = false;
        }
    }

    private static void SetBusyTimeout(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";
        command.ExecuteNonQuery();
    }

    private static SemaphoreSlim GateFor(DbConnection connection) =>
        Gates.GetOrAdd(connection.DataSource ?? connection.ConnectionString, _ => new SemaphoreSlim(1, 1));

    private static void Release(DbConnection connection)
    {
        // Once per acquisition: a commit followed by a close releases only once. A release while the acquisition is
        // still waiting leaves it alone; the connection's close or dispose gives that gate back.
        if (!Held.TryGetValue(connection, out var hold))
        {
            return;
        }
        SemaphoreSlim? gate;
        lock (hold)
        {
            gate = hold.Gate;
            if (gate is not null)
            {
                hold.Gate = null;
                hold.Claimed = false;
            }
        }
        gate?.Release();
    }
}
