using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Dots.Tests.Web;

public sealed partial class LocalizationTests
{
    [Fact]
    public void EveryEnglishText_HasAKoreanTranslation()
    {
        var english = Entries("Ui.resx");
        var korean = Entries("Ui.ko.resx");
        Assert.Empty(english.Keys.Except(korean.Keys));
        Assert.All(korean, kv => Assert.False(string.IsNullOrWhiteSpace(kv.Value), kv.Key));
    }

    [Fact]
    public void EveryTextThePagesAskFor_IsInTheResources()
    {
        var keys = Entries("Ui.resx").Keys.ToHashSet(StringComparer.Ordinal);
        var used = Directory.EnumerateFiles(Path.Combine(RepoDir(), "src", "Dots", "Web"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => LocalizerCall().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        Assert.NotEmpty(used);
        var missing = used.Where(k => !keys.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "Not in Ui.resx: " + string.Join(" | ", missing));
    }

    [Fact]
    public void KoreanReaders_GetKoreanFromTheSatelliteAssembly()
    {
        var localizer = new Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Localization.LocalizationOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).Create(typeof(Dots.Web.Localization.Ui));
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ko");
            Assert.Equal("장바구니 담기", localizer["Add to cart"].Value);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal("Add to cart", localizer["Add to cart"].Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [GeneratedRegex("""\bL\["((?:[^"\\]|\\.)*)"[\],]""")]
    private static partial Regex LocalizerCall();

    private static Dictionary<string, string> Entries(string file) =>
        XDocument.Load(Path.Combine(RepoDir(), "src", "Dots", "Web", "Localization", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    /// <summary>The repository root (where Dots.slnx is), for tests that read its sources.</summary>
    internal static string RepoDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dots.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root.");
    }
}
