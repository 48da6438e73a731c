using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dots.Modules.Ordering;

namespace Dots.Tests.Ordering;

/// <summary>
/// Ordering's UI texts live in the module (OrderingTexts.resx + .ko.resx), not in the shared Ui.resx: every text its
/// pages ask for is there in English and Korean, every shared text they still ask for is in Ui.resx, and a Korean
/// reader sees the same Korean as before the move.
/// </summary>
public sealed class OrderingTextsTests
{
    [Fact]
    public void EveryTextTheOrderingPagesAskFor_IsInItsResources_InEnglishAndKorean()
    {
        var english = Entries("src/Dots/Modules/Ordering/OrderingTexts.resx");
        var korean = Entries("src/Dots/Modules/Ordering/OrderingTexts.ko.resx");
        var shared = Entries("src/Dots/Web/Localization/Ui.resx");
        Assert.Empty(english.Keys.Except(korean.Keys));
        Assert.All(korean, kv => Assert.False(string.IsNullOrWhiteSpace(kv.Value), kv.Key));
        // A text is in one place: the module's or the shared file, never both.
        Assert.Empty(english.Keys.Intersect(shared.Keys));

        var pages = Directory.EnumerateFiles(Path.Combine(RepoDir(), "src", "Dots", "Modules", "Ordering"), "*.razor", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();
        var own = pages.SelectMany(p => Call("T").Matches(p).Select(m => Regex.Unescape(m.Groups[1].Value))).Distinct().ToList();
        var common = pages.SelectMany(p => Call("L").Matches(p).Select(m => Regex.Unescape(m.Groups[1].Value))).Distinct().ToList();
        Assert.True(own.Count >= 40, $"only {own.Count} texts asked of OrderingTexts");
        var missing = own.Where(k => !english.ContainsKey(k)).Concat(common.Where(k => !shared.ContainsKey(k))).ToList();
        Assert.True(missing.Count == 0, "Not in the resources: " + string.Join(" | ", missing));
    }

    [Fact]
    public void KoreanReaders_GetTheSameKoreanAsBeforeTheMove()
    {
        var localizer = new Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Localization.LocalizationOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).Create(typeof(OrderingTexts));
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ko");
            Assert.Equal("장바구니가 비어 있어요", localizer["Your cart is empty"].Value);
            Assert.Equal("주문/결제", localizer["Checkout"].Value);
            Assert.False(localizer["Payment captured"].ResourceNotFound);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal("Your cart is empty", localizer["Your cart is empty"].Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    private static Regex Call(string localizer) => new($"""\b{localizer}\["((?:[^"\\]|\\.)*)"[\],]""");

    private static Dictionary<string, string> Entries(string file) =>
        XDocument.Load(Path.Combine(RepoDir(), file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    private static string RepoDir() => Dots.Tests.Web.LocalizationTests.RepoDir();
}
