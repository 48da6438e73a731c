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
}
