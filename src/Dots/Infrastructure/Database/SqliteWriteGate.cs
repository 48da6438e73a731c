using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dots.Infrastructure.Database;

/// <summary>
/// SQLite allows one writer at a time, and Microsoft.Data.Sqlite answers a busy database by sleeping 150 ms and
/// retrying, which under concurrent checkouts turns into seconds of tail latency. Within one process we therefore
/// queue EF connections to the same file on an async semaphore: each open-to-close span (a query, a SaveChanges, an
/// explicit transaction) runs alone and nobody sleeps. Other processes (the CLI) still meet SQLite's own locking.
/// PostgreSQL never uses this.
/// </summary>
internal sealed class SqliteWriteGate : DbConnectionInterceptor
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<DbConnection, SemaphoreSlim> Held = [];

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        var gate = GateFor(connection);
        gate.Wait();
        Held.AddOrUpdate(connection, gate);
        return result;
    }

    public override async ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        var gate = GateFor(connection);
        await gate.WaitAsync(cancellationToken);
        Held.AddOrUpdate(connection, gate);
        return result;
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

    // EF disposes some connections without closing them first (SQLite's database-exists probe, for one); a disposed
    // connection must give the gate back too, or every later query would wait forever.
    public override void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public override Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    private static SemaphoreSlim GateFor(DbConnection connection) =>
        Gates.GetOrAdd(connection.DataSource ?? connection.ConnectionString, _ => new SemaphoreSlim(1, 1));

    private static void Release(DbConnection connection)
    {
        // Remove succeeds once per acquisition, so a close followed by a dispose releases only once.
        if (Held.TryGetValue(connection, out var gate) && Held.Remove(connection))
        {
            gate.Release();
        }
    }
}
