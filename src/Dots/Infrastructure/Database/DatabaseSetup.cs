using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Dots.Infrastructure.Database;

public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, SqliteLocking SqliteLocking = SqliteLocking.BusyTimeout)
{
    /// <summary>Reads `Database:Provider` (Sqlite | Postgres) and `ConnectionStrings:Postgres`; SQLite lives in the data directory.</summary>
    public static DatabaseSettings From(IConfiguration configuration, DataPaths paths)
    {
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            var cs = configuration.GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(cs))
            {
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is not set (use --ConnectionStrings:Postgres=\"Host=...;Database=...;Username=...\").");
            }
            // Automatic preparation lets PostgreSQL skip parsing and planning the statements every checkout repeats.
            var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(cs);
            if (npgsql.MaxAutoPrepare == 0)
            {
                npgsql.MaxAutoPrepare = 64;
                npgsql.AutoPrepareMinUsages = 2;
            }
            // One DbContext per operation (ADR 0009) opens a pooled connection many times per request; Npgsql's reset on
            // each return (RESET ALL, DISCARD …, UNLISTEN, advisory unlock: seven statements with auto-preparation on)
            // was a third of the statements a checkout sent (docs/benchmarks.md §1). Nothing here leaves session state
            // behind (no session SETs, temp tables or session advisory locks; LISTEN has its own connection), so the
            // reset is skipped unless the connection string asks for it explicitly.
            if (!cs.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase) && !cs.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
            {
                npgsql.NoResetOnClose = true;
            }
            return new DatabaseSettings(DatabaseProvider.Postgres, npgsql.ToString());
        }
        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Unknown Database:Provider '{provider}'; use Sqlite or Postgres.");
        }
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = paths.SqlitePath,
            Pooling = true,
            // Writers queue on SQLite's single write lock; wait for it rather than fail.
            DefaultTimeout = 60,
        };
        var lockingText = configuration["Database:SqliteLocking"] ?? nameof(SqliteLocking.BusyTimeout);
        if (!Enum.TryParse<SqliteLocking>(lockingText, ignoreCase: true, out var locking) || !Enum.IsDefined(locking))
        {
            throw new InvalidOperationException($"Unknown Database:SqliteLocking '{lockingText}'; use BusyTimeout, WriteGate or ConnectionGate.");
        }
        return new DatabaseSettings(DatabaseProvider.Sqlite, sqlite.ToString(), locking);
    }
}

public static class DatabaseSetup
{
    public static IServiceCollection AddDotsDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<DataPaths>()));
        services.AddSingleton<DatabaseWatchdog>();
        services.AddSingleton<WatchdogCommandInterceptor>();
        services.AddSingleton(sp => new SqliteWriteGate(sp.GetRequiredService<DatabaseSettings>().SqliteLocking, sp.GetRequiredService<DatabaseWatchdog>()));
        services.AddOptions<DatabaseHealthOptions>().BindConfiguration("Database:Health")
            .Validate(o => o.StallThreshold > TimeSpan.Zero && o.ProbeTimeout > TimeSpan.Zero, "Database:Health thresholds must be positive.")
            .ValidateOnStart();
        services.AddDbContext<SqliteDotsDbContext>((sp, o) =>
            o.UseSqlite(sp.GetRequiredService<DatabaseSettings>().ConnectionString, x => x.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors(sp.GetRequiredService<SqliteWriteGate>(), sp.GetRequiredService<WatchdogCommandInterceptor>()),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddDbContextPool<PostgresDotsDbContext>((sp, o) =>
            o.UseNpgsql(sp.GetRequiredService<DatabaseSettings>().ConnectionString, x => x.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors(sp.GetRequiredService<WatchdogCommandInterceptor>()));
        services.AddScoped<DotsDbContext>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresDotsDbContext>()
            : sp.GetRequiredService<SqliteDotsDbContext>());
        return services;
    }

    /// <summary>
    /// Applies migrations. On PostgreSQL under the startup lock (<see cref="UnderStartupLockAsync"/>), so instances
    /// starting together on one database take turns; SQLite runs in write-ahead-log mode so the CLI and a running
    /// server can share the file.
    /// </summary>
    public static async Task MigrateAsync(DotsDbContext db, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // The migrator opens a second connection while holding the first, so it runs without the write gate.
            var options = new DbContextOptionsBuilder<SqliteDotsDbContext>()
                .UseSqlite(db.Database.GetConnectionString(), x => x.MigrationsHistoryTable("__ef_migrations")).Options;
            await using var ungated = new SqliteDotsDbContext(options);
            await ungated.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await ungated.Database.MigrateAsync(ct);
            return;
        }
        await UnderStartupLockAsync(db, () => db.Database.MigrateAsync(ct), ct);
    }

    /// <summary>The advisory lock key every instance takes around migrations and seeding ("dotsinit").</summary>
    public const long StartupLockKey = 0x646F7473696E6974;

    private static readonly AsyncLocal<bool> HoldingStartupLock = new();

    /// <summary>
    /// Runs <paramref name="work"/> (migrations, demo seeding) while holding a PostgreSQL session advisory lock on the
    /// database, so several instances started at once on an empty database take turns: the first migrates and seeds,
    /// the others find it done (ADR 0022). A database that does not exist yet is created first, under the same lock
    /// taken on the maintenance database. Re-entrant within one flow; SQLite (one instance) just runs it.
    /// </summary>
    public static async Task UnderStartupLockAsync(DotsDbContext db, Func<Task> work, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Postgres || HoldingStartupLock.Value)
        {
            await work();
            return;
        }
        // Unpooled: a session lock must end with its own connection, never ride back into the pool.
        var target = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, Enlist = false };
        await using var connection = await OpenCreatingAsync(target, ct);
        await using (var lockCommand = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", StartupLockKey);
            lockCommand.CommandTimeout = 0;
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        HoldingStartupLock.Value = true;
        try
        {
            await work();
        }
        finally
        {
            HoldingStartupLock.Value = false;
            await using var unlock = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", StartupLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Opens a connection to the target database, creating the database first (under the lock, on the maintenance database) when it is missing.</summary>
    private static async Task<Npgsql.NpgsqlConnection> OpenCreatingAsync(Npgsql.NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var connection = new Npgsql.NpgsqlConnection(target.ToString());
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InvalidCatalogName)
        {
            await connection.DisposeAsync();
        }
        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(target.ToString()) { Database = "postgres" };
        await using (var admin = new Npgsql.NpgsqlConnection(maintenance.ToString()))
        {
            await admin.OpenAsync(ct);
            await using (var lockCommand = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(@key)", admin))
            {
                lockCommand.Parameters.AddWithValue("key", StartupLockKey);
                lockCommand.CommandTimeout = 0;
                await lockCommand.ExecuteNonQueryAsync(ct);
            }
            await using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
            exists.Parameters.AddWithValue("name", target.Database!);
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", admin);
                await create.ExecuteNonQueryAsync(ct);
            }
            // Closing the unpooled connection ends its session and with it the lock.
        }
        connection = new Npgsql.NpgsqlConnection(target.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }
}
