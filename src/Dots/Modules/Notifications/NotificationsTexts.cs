namespace Dots.Modules.Notifications;

/// <summary>
/// The Notifications module's string table: <c>NotificationsTexts.resx</c> (English) and <c>NotificationsTexts.ko.resx</c>
/// (Korean), keys in English. Holds the pages' texts and the notification texts this module's own handlers send.
/// </summary>
public sealed class NotificationsTexts;
