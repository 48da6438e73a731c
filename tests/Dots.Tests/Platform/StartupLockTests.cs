using Dots.Infrastructure.Database;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dots.Tests.Platform;

/// <summary>
/// Issue 15 item 5 / ADR 0022: instances starting at once on one PostgreSQL database take turns at migrating and
/// seeding — even when the database does not exist yet — under an advisory lock, re-entrant within one start.
/// </summary>
public sealed class StartupLockTests
{
    [PostgresFact]
    public async Task StartsAtOnceOnAMissingDatabase_TakeTurns_AndAllFindItMigrated()
    {
        var database = "dots_lock_" + Guid.NewGuid().ToString("N")[..12];
        var connection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES")!) { Database = database }.ToString();
        var inside = 0;
        var most = 0;
        var turns = 0;
        async Task StartAsync()
        {
            await using var db = new PostgresDotsDbContext(new DbContextOptionsBuilder<PostgresDotsDbContext>()
                .UseNpgsql(connection, x => x.MigrationsHistoryTable("__ef_migrations")).Options);
            await DatabaseSetup.UnderStartupLockAsync(db, async () =>
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);
                // Re-entrant: migrating inside the lock does not wait for the lock this flow already holds.
                await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
                await Task.Delay(200);
                Interlocked.Increment(ref turns);
                Interlocked.Decrement(ref inside);
            }, CancellationToken.None);
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(StartAsync)));
            Assert.Equal(3, turns);
            Assert.Equal(1, most);
            await using var check = new PostgresDotsDbContext(new DbContextOptionsBuilder<PostgresDotsDbContext>()
                .UseNpgsql(connection, x => x.MigrationsHistoryTable("__ef_migrations")).Options);
            Assert.Empty(await check.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES"));
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
