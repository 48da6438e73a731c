using System.Globalization;
using System.Text.Json;
using Dots.Web;
using Microsoft.Extensions.Localization;

namespace Dots.Modules.Notifications;

/// <summary>Renders a notification text (key, string table, arguments) in a given language. (key, string table, JSON arguments) in a given language.</summary>
public sealed class NotificationTextRenderer(IStringLocalizerFactory localizers)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static CultureInfo Culture(string language) => CultureInfo.GetCultureInfo(language == "ko" ? "ko" : "en");

    internal static string SerializeArgs(IReadOnlyList<TextArg>? args) => JsonSerializer.Serialize(args ?? [], Json);

    internal string Render(string key, string? source, string argsJson, CultureInfo culture) =>
        Render(key, source, JsonSerializer.Deserialize<List<TextArg>>(argsJson, Json) ?? [], culture);

    public string Render(LocalizedText text, CultureInfo culture) => Render(text.Key, text.Source, text.Args, culture);

    public string Render(string key, string? source, IReadOnlyList<TextArg> args, CultureInfo culture)
    {
        // ResourceManager looks up CurrentUICulture; set it for this lookup only (it flows with the async context, so
        // nothing else sees the change).
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            var format = localizers.Create(TableOf(source))[key].Value;
            if (args.Count == 0)
            {
                return format;
            }
            var values = args.Select(a => (object)(a.Money is { } money ? Formatting.Money(money, culture) : a.Text ?? "")).ToArray();
            try
            {
                return string.Format(culture, format, values);
            }
            catch (FormatException)
            {
                // A translation with a broken placeholder still says something rather than failing the event.
                return format;
            }
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static Type TableOf(string? source) =>
        source is null ? typeof(NotificationsTexts) : typeof(NotificationTextRenderer).Assembly.GetType(source) ?? typeof(NotificationsTexts);
}
