namespace Dots.Infrastructure;

/// <summary>Where the platform keeps files: the SQLite database and uploaded media.</summary>
public sealed class DataPaths
{
    public DataPaths(string dataDir)
    {
        DataDir = Path.GetFullPath(dataDir);
        MediaDir = Path.Combine(DataDir, "media");
        Directory.CreateDirectory(MediaDir);
    }

    public string DataDir { get; }

    public string MediaDir { get; }

    public string SqlitePath => Path.Combine(DataDir, "dots.db");

    /// <summary>
    /// The data folder when none is configured: <c>./data</c> of the current folder — except under
    /// <c>dotnet run --project src/Dots</c>, which starts us in the project's folder: there it is the repository root's
    /// <c>./data</c> (git-ignored), as the README says, not <c>src/Dots/data</c>.
    /// </summary>
    public static string DefaultDir(string? currentDirectory = null)
    {
        var cwd = new DirectoryInfo(currentDirectory ?? Directory.GetCurrentDirectory());
        if (File.Exists(Path.Combine(cwd.FullName, "Dots.csproj"))
            && cwd.Parent?.Parent is { } repo && File.Exists(Path.Combine(repo.FullName, "Dots.slnx")))
        {
            return Path.Combine(repo.FullName, "data");
        }
        return Path.Combine(cwd.FullName, "data");
    }
}
