namespace Dots.Infrastructure;

/// <summary>Time-ordered string ids (UUID v7, 32 hex chars): sortable, unguessable enough, index friendly.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
