namespace Dots.Infrastructure.Database;

/// <summary>The first response to a request made with an Idempotency-Key, replayed for every retry.</summary>
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
}
