using System.Net;
using System.Text.RegularExpressions;

namespace Dots.Tests.Infrastructure;

/// <summary>Reading the site's server-rendered forms from a page's HTML, as a browser would post them.</summary>
public static partial class WebForms
{
    /// <summary>Every hidden input of the page by name (the antiforgery token, a form's key, …); the last one wins.</summary>
    public static Dictionary<string, string> Hidden(string html) =>
        HiddenInput().Matches(html).GroupBy(m => WebUtility.HtmlDecode(m.Groups[1].Value))
            .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.Last().Groups[2].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();
}
