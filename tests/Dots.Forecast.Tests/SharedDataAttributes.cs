namespace Dots.Forecast.Tests;

/// <summary>
/// A test that reads the shared benchmark data (never copied into the repository): skipped, naming the folder it
/// needs, when that folder is absent — as on any clone without <c>../shared</c> beside it or with
/// <c>DOTS_SHARED_DIR</c> pointing elsewhere.
/// </summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relative = "data/forecast") => Skip = SharedData.SkipReason(relative);
}

/// <inheritdoc cref="SharedDataFactAttribute"/>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute(string relative = "data/forecast") => Skip = SharedData.SkipReason(relative);
}

internal static class SharedData
{
    /// <summary>Null when <paramref name="relative"/> exists under the shared folder, else why the test is skipped.</summary>
    public static string? SkipReason(string relative)
    {
        var root = TestData.SharedRoot;
        if (root is not null && (Directory.Exists(Path.Combine(root, relative)) || File.Exists(Path.Combine(root, relative))))
        {
            return null;
        }
        return $"Needs the shared benchmark data folder '{relative}' under {root ?? "../shared"} "
            + "(set DOTS_SHARED_DIR or keep ../shared beside the repository).";
    }
}
