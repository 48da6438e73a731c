using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Web;

/// <summary>A bunit context with the web UI's localization and a stand-in antiforgery token; English unless told otherwise.</summary>
public abstract class WebTestContext : BunitContext
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    protected WebTestContext()
    {
        Services.AddLocalization();
        Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgery>();
        UseCulture("en");
    }

    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
    }

    protected void Interactive() => Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    protected void Static() => Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

    protected override void Dispose(bool disposing)
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        base.Dispose(disposing);
    }

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
    }
}
