using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dots.Browser.Tests;

/// <summary>
/// One Dots app on a real Kestrel port (temp data directory, demo seed) and one headless Chromium, shared by every
/// browser test; each test opens its own browser context, so cookies and carts never leak between tests.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "dots-browser-" + Guid.NewGuid().ToString("N")[..8]);
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public static string ScreenshotDir { get; } = Path.Combine(ProjectDir(), "bin", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Browser tests need Debian's Chromium at {ChromiumPath}; install it with: apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk");
        }
        Directory.CreateDirectory(ScreenshotDir);
        _app = DotsApp.Build(
        [
            "--applicationName=dots",
            "--contentRoot=" + Path.Combine(RepoDir(), "src", "Dots"),
            "--DataDir=" + _dataDir,
            "--urls=http://127.0.0.1:0",
            "--Seed:Demo=true",
            "--Logging:LogLevel:Default=Warning",
            "--RateLimits:AuthPerMinute=10000",
            "--Delivery:PlanningBudget=00:00:03",
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            ],
        });
    }

    /// <summary>A fresh context (no cookies) at a phone or desktop size; Korean when <paramref name="locale"/> says so.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false, string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = locale,
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            DeviceScaleFactor = 1,
            IsMobile = phone,
            HasTouch = phone,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = locale },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A full-page screenshot; scrolls through first so lazy images load and the sticky header sits on top.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("async () => { window.scrollTo(0, document.body.scrollHeight); await new Promise(r => setTimeout(r, 250)); window.scrollTo(0, 0); }");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }

    private static string RepoDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dots.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (Dots.slnx) above " + AppContext.BaseDirectory);
    }

    private static string ProjectDir() => Path.Combine(RepoDir(), "tests", "Dots.Browser.Tests");
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "browser";
}
