using Dots.Infrastructure;

namespace Dots.Tests.Platform;

public sealed class DataPathsTests
{
    [Fact]
    public void DefaultDir_UnderDotnetRunInTheProjectFolder_IsTheRepositoryRootsData_AsTheReadmeSays()
    {
        // dotnet run --project src/Dots starts the app in src/Dots (the Web SDK's RunWorkingDirectory).
        var repo = Directory.CreateTempSubdirectory("dots-repo-");
        try
        {
            File.WriteAllText(Path.Combine(repo.FullName, "Dots.slnx"), "<Solution />");
            var project = Directory.CreateDirectory(Path.Combine(repo.FullName, "src", "Dots"));
            File.WriteAllText(Path.Combine(project.FullName, "Dots.csproj"), "<Project />");
            Assert.Equal(Path.Combine(repo.FullName, "data"), DataPaths.DefaultDir(project.FullName));
            // Anywhere else (a published dots, a test) it is ./data of the current folder.
            Assert.Equal(Path.Combine(repo.FullName, "data"), DataPaths.DefaultDir(repo.FullName));
            var elsewhere = Directory.CreateDirectory(Path.Combine(repo.FullName, "deploy"));
            Assert.Equal(Path.Combine(elsewhere.FullName, "data"), DataPaths.DefaultDir(elsewhere.FullName));
        }
        finally
        {
            repo.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheDataFolder_IsGitIgnored_AtTheRootAndUnderTheProject()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dots.slnx")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var ignore = File.ReadAllLines(Path.Combine(dir.FullName, ".gitignore"));
        Assert.Contains("/data/", ignore);
        Assert.Contains("/src/Dots/data/", ignore);
    }
}
