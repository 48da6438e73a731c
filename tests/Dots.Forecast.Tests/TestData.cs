using System.Diagnostics;

namespace Dots.Forecast.Tests;

/// <summary>Locates the fixtures and the shared benchmark data (never copied into the repo).</summary>
internal static class TestData
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>DOTS_SHARED_DIR if set, else the folder <c>shared</c> beside the one holding Dots.slnx.</summary>
    public static string SharedDir()
    {
        string? env = Environment.GetEnvironmentVariable("DOTS_SHARED_DIR");
        if (!string.IsNullOrEmpty(env))
            return env;
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Dots.slnx")) && dir.Parent is not null)
                    return Path.Combine(dir.Parent.FullName, "shared");
            }
        }
        throw new DirectoryNotFoundException("shared data not found: set DOTS_SHARED_DIR or place shared/ beside the repository");
    }

    /// <summary>The shared folder when it exists, else null (the tests that need it are skipped).</summary>
    public static string? SharedRoot
    {
        get
        {
            try
            {
                var dir = SharedDir();
                return Directory.Exists(dir) ? dir : null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }
        }
    }

    public static string ForecastData(string relative) => Path.Combine(SharedDir(), "data", "forecast", relative);

    public static string ReferenceScorer => Path.Combine(SharedDir(), "tools", "forecast_baselines.py");

    /// <summary>Runs python3 with the arguments; null when python3 is not installed.</summary>
    public static string? RunPython(params string[] args)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"python3 failed: {error}");
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
