using System.Net;
using Dots.Cli;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Platform;

public sealed class CliTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task UsersGrantOperator_WhileTheServerRuns_MakesTheAccountAnOperator()
    {
        var user = await platform.NewUserAsync();
        var exit = await DotsCli.RunAsync(["users", "grant", "operator", user.Email, .. platform.CliDatabaseArgs, "--Seed:Demo=false", "--Logging:LogLevel:Default=Warning"]);
        Assert.Equal(0, exit);
        var me = await (await user.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains("operator", me["roles"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task UsersGrantOperator_ForAnUnknownEmail_FailsWithExitCode2()
    {
        _ = platform.Services;
        var exit = await DotsCli.RunAsync(["users", "grant", "operator", "nobody@nowhere.test", .. platform.CliDatabaseArgs, "--Logging:LogLevel:Default=Warning"]);
        Assert.Equal(2, exit);
    }
}
