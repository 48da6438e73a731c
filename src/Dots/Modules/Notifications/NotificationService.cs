using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Notifications;

/// <summary>
/// The Notifications module's public service: other modules' event handlers call <see cref="NotifyAsync"/>; the
/// API and pages read and mark the caller's notifications and preferences.
/// </summary>
public sealed class NotificationService(
    DotsDbContext db,
    IEventPublisher events,
    NotificationKindRegistry kinds,
    NotificationTextRenderer texts,
    NotificationEmailComposer emails,
    UserManager<AppUser> users,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<NotificationService> logger)
{
    /// <summary>
    /// Stores the notification (shown in the centre if the user wants this kind in-app) and queues its e-mail (if the
    /// user wants this kind by e-mail), in one transaction; the e-mail is sent after the commit. Saves on its own: call
    /// it outside a transaction of yours (an event handler is). Idempotent by <see cref="NotificationRequest.DedupeKey"/>:
    /// a second call with the same recipient and key returns the first notification and sends nothing.
    /// </summary>
    /// <returns>The notification in the recipient's language; null when the user switched this kind off on both
    /// channels, or the account no longer exists.</returns>
    /// <exception cref="InvalidOperationException">The kind is not registered (<c>services.AddNotificationKind</c>).</exception>
    public async Task<NotificationDto?> NotifyAsync(NotificationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.UserId);
        var kind = kinds.Find(request.Kind)
            ?? throw new InvalidOperationException($"Notification kind '{request.Kind}' is not registered; add services.AddNotificationKind(...) for it.");
        if (request.Link is { } link && !(link.StartsWith('/') && !link.StartsWith("//", StringComparison.Ordinal)))
        {
            throw new ArgumentException("A notification's link is a site-relative URL starting with '/'.", nameof(request));
        }
        if (request.DedupeKey is { } key && await FindByKeyAsync(request.UserId, key, ct) is { } earlier)
        {
            return Dto(earlier, await CultureOfAsync(request.UserId, ct));
        }
        var user = await users.FindByIdAsync(request.UserId);
        if (user is null)
        {
            logger.LogInformation("Notification {Kind} for unknown user {UserId} dropped", request.Kind, request.UserId);
            return null;
        }
        var (inApp, email) = await ChannelsAsync(request.UserId, kind, ct);
        if (!inApp && !email)
        {
            return null;
        }
        var culture = NotificationTextRenderer.Culture(await LanguageOfAsync(user, ct));
        var now = clock.GetUtcNow();
        var notification = new Notification
        {
            Id = Ids.New(),
            UserId = request.UserId,
            Kind = kind.Key,
            TitleKey = request.Title.Key,
            BodyKey = request.Body.Key,
            TitleSource = request.Title.Source,
            BodySource = request.Body.Source,
            TitleArgs = NotificationTextRenderer.SerializeArgs(request.Title.Args),
            BodyArgs = NotificationTextRenderer.SerializeArgs(request.Body.Args),
            Link = request.Link,
            DedupeKey = request.DedupeKey,
            InApp = inApp,
            CreatedAt = now,
        };
        db.Add(notification);
        if (email && !string.IsNullOrEmpty(user.Email))
        {
            var title = texts.Render(request.Title, culture);
            var body = texts.Render(request.Body, culture);
            var (subject, text, html) = emails.Compose(title, body, request.Link, culture);
            var mail = new NotificationEmail
            {
                Id = Ids.New(),
                NotificationId = notification.Id,
                UserId = user.Id,
                To = user.Email,
                Language = culture.TwoLetterISOLanguageName,
                Subject = subject,
                TextBody = text,
                HtmlBody = html,
                CreatedAt = now,
            };
            db.Add(mail);
            events.Publish(db, new NotificationEmailQueued(mail.Id));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (request.DedupeKey is not null)
        {
            // Two deliveries of one event raced: the other one's insert won the unique index; nothing of ours was written.
            db.ChangeTracker.Clear();
            var winner = await FindByKeyAsync(request.UserId, request.DedupeKey, ct);
            if (winner is null)
            {
                throw;
            }
            return Dto(winner, culture);
        }
        return Dto(notification, culture);
    }

    /// <summary>The caller's notifications, newest first; texts in <paramref name="culture"/>, or the user's language when null (the API).</summary>
    public async Task<NotificationPageDto> ListAsync(string userId, int? page, int? pageSize, CultureInfo? culture, CancellationToken ct)
    {
        var (p, size) = Paging.Normalize(page, pageSize);
        culture ??= await CultureOfAsync(userId, ct);
        var mine = Visible(userId);
        var total = await mine.CountAsync(ct);
        var unread = await mine.CountAsync(n => n.ReadAt == null, ct);
        var rows = await mine.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new NotificationPageDto(rows.Select(n => Dto(n, culture)).ToList(), total, p, size, unread);
    }

    public async Task<int> UnreadCountAsync(string userId, CancellationToken ct) =>
        await Visible(userId).CountAsync(n => n.ReadAt == null, ct);

    /// <summary>Marks one of the caller's notifications read (again is harmless); someone else's is a 404.</summary>
    public async Task<NotificationDto> MarkReadAsync(string userId, string id, CultureInfo? culture, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await Visible(userId).Where(n => n.Id == id && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        var notification = await Visible(userId).FirstOrDefaultAsync(n => n.Id == id, ct) ?? throw new NotFoundException("No such notification.");
        return Dto(notification, culture ?? await CultureOfAsync(userId, ct));
    }

    /// <summary>Marks every notification of the caller read; answers what is unread afterwards (0 unless one just arrived).</summary>
    public async Task<UnreadCountDto> MarkAllReadAsync(string userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await Visible(userId).Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        return new UnreadCountDto(await UnreadCountAsync(userId, ct));
    }

    /// <summary>The link a notification opens, after marking it read; 404 for someone else's.</summary>
    public async Task<string> OpenAsync(string userId, string id, CancellationToken ct)
    {
        var notification = await MarkReadAsync(userId, id, CultureInfo.InvariantCulture, ct);
        return notification.Link ?? "/notifications";
    }

    /// <summary>The caller's language and every registered kind with its channels; labels in <paramref name="culture"/> or the user's language.</summary>
    public async Task<NotificationPreferencesDto> GetPreferencesAsync(string userId, CultureInfo? culture, CancellationToken ct)
    {
        var language = await LanguageOfAsync(userId, ct);
        culture ??= NotificationTextRenderer.Culture(language);
        var chosen = await db.Set<NotificationPreference>().AsNoTracking().Where(p => p.UserId == userId).ToDictionaryAsync(p => p.Kind, ct);
        var list = kinds.All.Select(k =>
        {
            var label = texts.Render(k.Label, k.LabelSource, [], culture);
            return chosen.TryGetValue(k.Key, out var p) ? new KindPreferenceDto(k.Key, label, p.InApp, p.Email) : new KindPreferenceDto(k.Key, label, k.InAppByDefault, k.EmailByDefault);
        }).ToList();
        return new NotificationPreferencesDto(language, list);
    }

    /// <summary>Changes what the request names (400 for an unknown kind or language) and answers the whole result.</summary>
    public async Task<NotificationPreferencesDto> UpdatePreferencesAsync(string userId, UpdateNotificationPreferencesRequest request, CultureInfo? culture, CancellationToken ct)
    {
        var v = new Validation();
        var language = request.Language?.Trim().ToLowerInvariant();
        v.Require(language is null || NotificationsOptions.Languages.Contains(language), "language", "The language must be 'ko' or 'en'.");
        var updates = request.Kinds ?? [];
        for (var i = 0; i < updates.Count; i++)
        {
            var u = updates[i];
            v.Require(u is not null && kinds.Find(u.Kind) is not null, $"kinds[{i}].kind", $"Unknown notification kind '{u?.Kind}'.");
        }
        v.Require(updates.Where(u => u is not null).Select(u => u.Kind).Distinct().Count() == updates.Count(u => u is not null), "kinds", "Each kind may appear once.");
        v.ThrowIfInvalid();

        // Two saves of one user's first preferences can race to insert the same rows: the loser reads them and applies again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyAsync(userId, language, updates, ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
        return await GetPreferencesAsync(userId, culture, ct);
    }

    private async Task ApplyAsync(string userId, string? language, IReadOnlyList<KindPreferenceUpdate> updates, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (language is not null)
        {
            var setting = await db.Set<NotificationSetting>().FirstOrDefaultAsync(s => s.UserId == userId, ct);
            if (setting is null)
            {
                db.Add(new NotificationSetting { UserId = userId, Language = language, UpdatedAt = now });
            }
            else
            {
                setting.Language = language;
                setting.UpdatedAt = now;
            }
        }
        var rows = await db.Set<NotificationPreference>().Where(p => p.UserId == userId).ToDictionaryAsync(p => p.Kind, ct);
        foreach (var u in updates)
        {
            var kind = kinds.Find(u.Kind)!;
            if (!rows.TryGetValue(kind.Key, out var row))
            {
                row = new NotificationPreference { UserId = userId, Kind = kind.Key, InApp = kind.InAppByDefault, Email = kind.EmailByDefault };
                db.Add(row);
                rows[kind.Key] = row;
            }
            row.InApp = u.InApp ?? row.InApp;
            row.Email = u.Email ?? row.Email;
            row.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The language notifications and e-mails for this user are written in: <c>ko</c> or <c>en</c>.</summary>
    public async Task<string> LanguageOfAsync(string userId, CancellationToken ct)
    {
        var chosen = await db.Set<NotificationSetting>().AsNoTracking().Where(s => s.UserId == userId).Select(s => s.Language).FirstOrDefaultAsync(ct);
        if (chosen is not null)
        {
            return chosen;
        }
        var user = await users.FindByIdAsync(userId);
        return Normalize(user?.PreferredCulture) ?? options.Value.DefaultLanguage;
    }

    private async Task<string> LanguageOfAsync(AppUser user, CancellationToken ct)
    {
        var chosen = await db.Set<NotificationSetting>().AsNoTracking().Where(s => s.UserId == user.Id).Select(s => s.Language).FirstOrDefaultAsync(ct);
        return chosen ?? Normalize(user.PreferredCulture) ?? options.Value.DefaultLanguage;
    }

    private static string? Normalize(string? culture) =>
        string.IsNullOrWhiteSpace(culture) ? null : culture.StartsWith("ko", StringComparison.OrdinalIgnoreCase) ? "ko" : "en";

    private async Task<CultureInfo> CultureOfAsync(string userId, CancellationToken ct) => NotificationTextRenderer.Culture(await LanguageOfAsync(userId, ct));

    private async Task<(bool InApp, bool Email)> ChannelsAsync(string userId, NotificationKind kind, CancellationToken ct)
    {
        var row = await db.Set<NotificationPreference>().AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId && p.Kind == kind.Key, ct);
        return row is null ? (kind.InAppByDefault, kind.EmailByDefault) : (row.InApp, row.Email);
    }

    private IQueryable<Notification> Visible(string userId) => db.Set<Notification>().Where(n => n.UserId == userId && n.InApp);

    private Task<Notification?> FindByKeyAsync(string userId, string key, CancellationToken ct) =>
        db.Set<Notification>().AsNoTracking().FirstOrDefaultAsync(n => n.UserId == userId && n.DedupeKey == key, ct);

    private NotificationDto Dto(Notification n, CultureInfo culture) => new(
        n.Id,
        n.Kind,
        texts.Render(n.TitleKey, n.TitleSource, n.TitleArgs, culture),
        texts.Render(n.BodyKey, n.BodySource, n.BodyArgs, culture),
        n.Link,
        n.CreatedAt,
        n.ReadAt);
}
