using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Tests.Architecture;

/// <summary>Each module configures its own tables; a change to any module's model must come with migrations for both providers.</summary>
public sealed class MigrationTests
{
    [Fact]
    public void SqliteMigrations_MatchTheModel()
    {
        using var db = new SqliteDotsDbContext(new DbContextOptionsBuilder<SqliteDotsDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQLite migration: dotnet ef migrations add NAME --context SqliteDotsDbContext --output-dir Infrastructure/Database/Migrations/Sqlite");
    }

    [Fact]
    public void PostgresMigrations_MatchTheModel()
    {
        using var db = new PostgresDotsDbContext(new DbContextOptionsBuilder<PostgresDotsDbContext>().UseNpgsql("Host=localhost").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a PostgreSQL migration: dotnet ef migrations add NAME --context PostgresDotsDbContext --output-dir Infrastructure/Database/Migrations/Postgres");
    }
}
