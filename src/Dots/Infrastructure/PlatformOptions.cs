using System.ComponentModel.DataAnnotations;

namespace Dots.Infrastructure;

/// <summary>`Seed`: whether the demo marketplace is loaded into an empty database at start.</summary>
public sealed class SeedOptions
{
    /// <summary>
    /// Loads the demo marketplace (with its published demo password) into an empty database. Unset means "only in
    /// Development", which the README's `dotnet run` uses; a production start never creates a demo account unless asked
    /// (`--seed-demo`, `Seed:Demo=true` or `dots seed`).
    /// </summary>
    public bool? Demo { get; set; }
}

/// <summary>`RateLimits`: request limits (ADR 0004), counted per instance on SQLite and shared by every instance on PostgreSQL (ADR 0022).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Auto (PostgreSQL: Database, SQLite: Memory), Memory (each instance counts alone) or Database (PostgreSQL only).</summary>
    public Dots.Infrastructure.Http.RateLimitStore Store { get; set; } = Dots.Infrastructure.Http.RateLimitStore.Auto;

    /// <summary>Sign-in and registration attempts (API and web forms) per client address per minute.</summary>
    [Range(1, 1_000_000_000)]
    public int AuthPerMinute { get; set; } = 30;

    /// <summary>Orders a user (or address) may place in a burst.</summary>
    [Range(1, 1_000_000_000)]
    public int OrdersBurst { get; set; } = 60;

    /// <summary>Orders a user (or address) may place per minute once the burst is spent.</summary>
    [Range(1, 1_000_000_000)]
    public int OrdersPerMinute { get; set; } = 120;
}
