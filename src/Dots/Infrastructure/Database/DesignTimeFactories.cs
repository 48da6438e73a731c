using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dots.Infrastructure.Database;

/// <summary>Lets `dotnet ef migrations add` build each provider's context without starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDotsDbContext>
{
    public SqliteDotsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDotsDbContext>().UseSqlite("Data Source=design.db", x => x.MigrationsHistoryTable("__ef_migrations")).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDotsDbContext>
{
    public PostgresDotsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDotsDbContext>().UseNpgsql("Host=localhost;Database=design", x => x.MigrationsHistoryTable("__ef_migrations")).Options);
}
