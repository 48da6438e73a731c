using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Dots.Tests.Platform;

/// <summary>Settings are typed and checked at start; the demo marketplace (and its published password) appears only where asked for.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task AProductionStartOnAnEmptyDatabase_CreatesNoDemoAccount_AndTheSignInPageShowsNoDemoPassword()
    {
        using var platform = new EnvironmentPlatform("Production", seedDemo: null);
        var client = platform.CreateClient();

        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = "demo@dots.local", password = "Demo1234" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        var page = await client.GetStringAsync("/account/login");
        Assert.DoesNotContain("Demo1234", page, StringComparison.Ordinal);
        var shops = await (await client.GetAsync("/api/shops")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)shops["total"]!);
    }

    [Fact]
    public async Task AskingForTheDemo_LoadsTheMarketplace_AndTheSignInPageNamesTheDemoAccount()
    {
        using var platform = new EnvironmentPlatform("Production", seedDemo: "true");
        var client = platform.CreateClient();

        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = "demo@dots.local", password = "Demo1234" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Demo1234", await client.GetStringAsync("/account/login"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RateLimits:AuthPerMinute", "0", "AuthPerMinute")]
    [InlineData("Ordering:CommissionRate", "1.5", "CommissionRate")]
    [InlineData("Database:Health:StallThreshold", "-00:00:01", "Database:Health")]
    public async Task AnInvalidSetting_StopsTheStart_WithAMessageThatNamesIt(string key, string value, string named)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dots-tests", Guid.NewGuid().ToString("N"));
        await using var app = DotsApp.Build([$"--DataDir={dataDir}", "--urls=http://127.0.0.1:0", "--environment=Testing", "--Seed:Demo=false", $"--{key}={value}"]);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private sealed class EnvironmentPlatform(string environment, string? seedDemo) : DotsFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
            builder.UseSetting("Seed:Demo", seedDemo ?? "");
        }
    }

}
