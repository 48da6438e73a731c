using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Dots.Tests.Platform;

/// <summary>
/// The in-process SQLite gate must be given back on every path that takes it, or the whole server stops answering.
/// Each test provokes one path and then checks the gate is free (and that a new write still goes through).
/// These run on SQLite whatever the test provider, since the gate exists only there.
/// </summary>
public sealed class SqliteGateTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "dots-tests", $"gate-{Guid.NewGuid():N}.db");
    private readonly DatabaseWatchdog _watchdog = new(new FakeTimeProvider());

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        await using var db = Context(SqliteLocking.WriteGate);
        await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
        return Task.CompletedTask;
    }

    private SqliteDotsDbContext Context(SqliteLocking mode, string? file = null) => new(
        new DbContextOptionsBuilder<SqliteDotsDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = file ?? _file, Pooling = true }.ToString())
            .AddInterceptors(new SqliteWriteGate(mode, _watchdog))
            .Options);

    private async Task AssertGateFreeAsync()
    {
        Assert.Equal(1, SqliteWriteGate.FreeCount(_file));
        // And the database still takes a write: nothing is left waiting on a leaked gate.
        await using var db = Context(SqliteLocking.WriteGate);
        db.Categories.Add(new Category { Slug = "c" + Guid.NewGuid().ToString("N")[..8], Name = "Probe", NameKo = "프로브" });
        await db.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, SqliteWriteGate.FreeCount(_file));
    }

    [Fact]
    public async Task CommittedTransaction_GivesTheGateBack()
    {
        await using var db = Context(SqliteLocking.WriteGate);
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(0, SqliteWriteGate.FreeCount(_file));
            await db.Database.ExecuteSqlRawAsync("UPDATE \"Categories\" SET \"Name\" = \"Name\"");
            await tx.CommitAsync();
        }
        await AssertGateFreeAsync();
    }

    [Fact]
    public async Task RolledBackTransaction_GivesTheGateBack()
    {
        await using var db = Context(SqliteLocking.WriteGate);
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await tx.RollbackAsync();
        }
        await AssertGateFreeAsync();
    }

    [Fact]
    public async Task ExceptionBetweenBeginAndCommit_GivesTheGateBackWhenTheTransactionIsDisposed()
    {
        await using var db = Context(SqliteLocking.WriteGate);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            throw new InvalidOperationException("the caller's own bug, thrown mid-transaction");
        });
        await AssertGateFreeAsync();
    }

    [Fact]
    public async Task FailingCommandInsideATransaction_GivesTheGateBack()
    {
        await using var db = Context(SqliteLocking.WriteGate);
        await Assert.ThrowsAsync<SqliteException>(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("UPDATE no_such_table SET x = 1");
        });
        await AssertGateFreeAsync();
    }

    [Fact]
    public async Task FailingSaveChanges_GivesTheGateBack()
    {
        await using var db = Context(SqliteLocking.WriteGate);
        db.Categories.Add(new Category { Slug = "dup", Name = "A", NameKo = "A" });
        db.Categories.Add(new Category { Slug = "dup2", Name = "B", NameKo = "B" });
        await db.SaveChangesAsync();
        await using var again = Context(SqliteLocking.WriteGate);
        again.Categories.Add(new Category { Slug = "ok" + Guid.NewGuid().ToString("N")[..6], Name = "C", NameKo = "C" });
        again.Categories.Add(new Category { Slug = "dup", Name = "A again", NameKo = "A" });
        await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync());
        await AssertGateFreeAsync();
    }

    [Fact]
    public async Task ContextDisposedWithATransactionOpen_GivesTheGateBack()
    {
        var db = Context(SqliteLocking.WriteGate);
        await db.Database.BeginTransactionAsync();
        Assert.Equal(0, SqliteWriteGate.FreeCount(_file));
        await db.DisposeAsync();
        await AssertGateFreeAsync();
    }

    [Fact]
    public async Task CancelledWait_TakesNothing()
    {
        await using var holder = Context(SqliteLocking.WriteGate);
        var tx = await holder.Database.BeginTransactionAsync();
        await using var waiter = Context(SqliteLocking.WriteGate);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.Database.BeginTransactionAsync(cancel.Token));
        Assert.Equal(0, SqliteWriteGate.FreeCount(_file));
        await tx.CommitAsync();
        await tx.DisposeAsync();
        await AssertGateFreeAsync();
    }

    // (Deleted: "two operations on one context at once fail cleanly and leave the gate free" under the non-default
    // ConnectionGate mode. It drove twenty threads through ONE DbContext, which EF Core documents as unsupported: what
    // happens is undefined — EF usually refuses the second operation, but its internals can also be left waiting — so
    // the test hung about one run in three on a loaded machine and stayed skipped. What it guarded is covered without
    // undefined behaviour: the gate is given back on every end of a taking (the tests above), a connection that already
    // holds the gate never waits on itself (the atomic claim in SqliteWriteGate), and components no longer share a
    // context (ADR 0009, ComponentDataAccessTests). Branch `hardening`, issue 15 item 6.)

    [Fact]
    public async Task ConnectionThatFailsToOpen_GivesTheGateBack()
    {
        var missing = Path.Combine(Path.GetTempPath(), "dots-tests", "no-such-dir-" + Guid.NewGuid().ToString("N"), "x.db");
        await using var db = Context(SqliteLocking.ConnectionGate, missing);
        await Assert.ThrowsAsync<SqliteException>(() => db.Categories.CountAsync());
        Assert.Equal(1, SqliteWriteGate.FreeCount(missing));
    }

    [Fact]
    public async Task ReadsDoNotWaitForAWriterUnderTheWriteGate()
    {
        await using var reader = Context(SqliteLocking.WriteGate);
        var before = await reader.Categories.CountAsync();
        await using var writer = Context(SqliteLocking.WriteGate);
        await using var tx = await writer.Database.BeginTransactionAsync();
        writer.Categories.Add(new Category { Slug = "w" + Guid.NewGuid().ToString("N")[..8], Name = "Uncommitted", NameKo = "U" });
        await writer.SaveChangesAsync();
        // Write-ahead log: the reader answers while the writer holds the gate, and sees the last committed state.
        Assert.Equal(before, await reader.Categories.CountAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        await tx.CommitAsync();
        Assert.Equal(before + 1, await reader.Categories.CountAsync());
    }
}
