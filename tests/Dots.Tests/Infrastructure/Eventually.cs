using Dots.Infrastructure.Database;

namespace Dots.Tests.Infrastructure;

/// <summary>Waits for something asynchronous (a dispatcher, a scheduler) to happen, with a generous timeout rather than a fixed sleep.</summary>
public static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);
}

/// <summary>A test that needs several instances sharing one PostgreSQL (clustering); skipped with the reason on SQLite.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (DotsFactory.Provider != DatabaseProvider.Postgres)
        {
            Skip = "Needs PostgreSQL: the SQLite job store is single-instance by design (ADR 0012). Run with DOTS_TEST_PROVIDER=postgres.";
        }
    }
}

/// <summary>A theory that needs PostgreSQL (a crash test of `dots serve` on a shared database); skipped with the reason on SQLite.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (DotsFactory.Provider != DatabaseProvider.Postgres)
        {
            Skip = "Needs PostgreSQL: the crash test runs `dots serve` as its own process on a PostgreSQL database. Run with DOTS_TEST_PROVIDER=postgres.";
        }
    }
}
