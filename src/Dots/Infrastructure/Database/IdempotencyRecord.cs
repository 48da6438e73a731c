namespace Dots.Infrastructure.Database;

/// <summary>
/// A claimed Idempotency-Key and, once the request finished, its first response, replayed for every retry. An
/// unfinished claim carries a lease: a retry after the lease ran out (the process died) takes the claim over and
/// resumes the operation from <see cref="ResourceId"/>, what it recorded before money could move (ADR 0021).
/// </summary>
public sealed class IdempotencyRecord
{
    public required string UserId { get; init; }
    public required string Key { get; init; }
    public required string Scope { get; init; }
    public required string RequestHash { get; init; }
    public int? StatusCode { get; set; }
    public string? ResponseBody { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Until when the claim's holder may still be running it; after that a retry takes it over.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>How many times the operation was started (the first run plus takeovers); the takeover's compare-and-set.</summary>
    public int Attempts { get; set; }

    /// <summary>What the operation wrote in its first transaction (an order id), in that transaction; null before.</summary>
    public string? ResourceId { get; set; }
}
