namespace Dots.Infrastructure;

public sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public static class Paging
{
    public const int MaxPageSize = 100;

    /// <summary>Validates ?page and ?pageSize: a client's bad paging is a 400 that names the field.</summary>
    /// <summary>The furthest row a page may start at.</summary>
    public const int MaxOffset = 1_000_000;

    public static (int Page, int PageSize) Normalize(int? page, int? pageSize, int defaultSize = 20)
    {
        var p = page ?? 1;
        var s = pageSize ?? defaultSize;
        var v = new Validation()
            .Require(p >= 1, "page", "The page must be 1 or more.")
            .Require(s is >= 1 and <= MaxPageSize, "pageSize", $"The pageSize must be between 1 and {MaxPageSize}.")
            // The offset (page - 1) × pageSize must fit the database's row offset; no list is that long anyway.
            .Require((long)(p - 1) * s <= MaxOffset, "page", $"The page is too far: (page - 1) × pageSize must be at most {MaxOffset}.");
        v.ThrowIfInvalid();
        return (p, s);
    }
}

public static class DecimalExtensions
{
    /// <summary>Drops trailing zeros (PostgreSQL numeric(18,4) reads 12900 back as 12900.0000).</summary>
    public static decimal Normalize(this decimal value) => value / 1.0000000000000000000000000000m;
}

public sealed record MoneyDto(decimal Amount, string Currency)
{
    public static MoneyDto Of(decimal amount, string currency) => new(amount.Normalize(), currency);
}
