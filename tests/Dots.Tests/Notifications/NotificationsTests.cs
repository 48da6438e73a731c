using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Notifications;
using Dots.Modules.Ordering;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Dots.Tests.Notifications;

/// <summary>The notification centre, its preferences and its e-mails, through the API and the events that feed them.</summary>
public sealed class NotificationsTests(NotificationsTests.Platform platform) : IClassFixture<NotificationsTests.Platform>
{
    public sealed class Platform : DotsFactory
    {
        public string MailDir => Path.Combine(DataDir, "mail");

        public async Task<T> NotificationsAsync<T>(Func<NotificationService, Task<T>> call)
        {
            await using var scope = Services.CreateAsyncScope();
            return await call(scope.ServiceProvider.GetRequiredService<NotificationService>());
        }

        /// <summary>The .eml files written for one recipient, parsed.</summary>
        public List<MimeMessage> MailTo(string email) =>
            Directory.Exists(MailDir)
                ? Directory.GetFiles(MailDir, "*.eml").Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(a => a.Address == email)).ToList()
                : [];
    }

    private static async Task<string> IdOfAsync(UserClient user) =>
        (string)(await (await user.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK))["id"]!;

    private static async Task<int> UnreadAsync(UserClient user) =>
        (int)(await (await user.Http.GetAsync("/api/me/notifications/unread-count")).JsonAsync(HttpStatusCode.OK))["unread"]!;

    private static async Task<JsonNode> ListAsync(UserClient user, string query = "") =>
        await (await user.Http.GetAsync("/api/me/notifications" + query)).JsonAsync(HttpStatusCode.OK);

    private static NotificationRequest Paid(string userId, string dedupe, decimal amount = 12900) => new(
        userId, NotificationKinds.OrderPaid,
        LocalizedText.Of("Order confirmed"),
        LocalizedText.Of("Your order of {0} is confirmed. We'll let you know when it ships.", MoneyDto.Of(amount, "KRW")),
        "/orders/" + dedupe, "test:" + dedupe);

    [Fact]
    public async Task APaidOrder_NotifiesTheBuyerExactlyOnce_EvenWhenItsEventIsDeliveredTwice()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync());
        var buyer = await platform.NewUserAsync();
        var buyerId = await IdOfAsync(buyer);
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId()))).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)order["id"]!;

        await Eventually.UntilAsync(async () => await UnreadAsync(buyer) == 1, "the buyer's order confirmation");
        // The outbox delivers at least once: the same event again, through the outbox, and twice at once straight to the handler.
        var paid = new OrderPaid(orderId, buyerId, [], MoneyDto.Of(12900, "KRW"), DateTimeOffset.UtcNow);
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            scope.ServiceProvider.GetRequiredService<IEventPublisher>().Publish(db, paid);
            await db.SaveChangesAsync();
        }
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var scope = platform.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<NotifyOrderPaid>().HandleAsync(paid, CancellationToken.None);
        }));
        await Eventually.UntilAsync(async () => !await platform.WithDbAsync(db => db.Set<OutboxDelivery>()
            .AnyAsync(d => d.Handler == typeof(NotifyOrderPaid).FullName && d.Status == DeliveryStatus.Pending)), "the redelivery");

        var list = await ListAsync(buyer);
        var only = Assert.Single(list["items"]!.AsArray());
        Assert.Equal("order.paid", (string?)only!["kind"]);
        Assert.Equal($"/orders/{orderId}", (string?)only["link"]);
        Assert.False((bool)only["read"]!);
        Assert.Equal(1, (int)list["unread"]!);
        // The account has no language of its own (made through the API): Korean, the default.
        Assert.Equal("주문 확정", (string?)only["title"]);
        Assert.Contains("12,900원", (string?)only["body"], StringComparison.Ordinal);
        // One e-mail too, however often the event came.
        await Eventually.UntilAsync(() => platform.MailTo(buyer.Email).Count == 1, "the confirmation e-mail");
        Assert.Equal(1, await platform.WithDbAsync(db => db.Set<NotificationEmail>().CountAsync(m => m.UserId == buyerId)));
    }

    [Fact]
    public async Task UnreadCount_FallsAsNotificationsAreRead_OneOrAll()
    {
        var user = await platform.NewUserAsync();
        var userId = await IdOfAsync(user);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await platform.NotificationsAsync(n => n.NotifyAsync(Paid(userId, Ids.New(), 1000 + i), CancellationToken.None)))!.Id);
        }
        Assert.Equal(3, await UnreadAsync(user));

        var list = await ListAsync(user, "?page=1&pageSize=2");
        Assert.Equal(3, (int)list["total"]!);
        Assert.Equal(2, list["items"]!.AsArray().Count);
        Assert.Equal(ids[2], (string?)list["items"]![0]!["id"]); // newest first

        var read = await (await user.Http.PostAsync($"/api/me/notifications/{ids[0]}/read", null)).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)read["read"]!);
        Assert.Equal(2, await UnreadAsync(user));
        (await user.Http.PostAsync($"/api/me/notifications/{ids[0]}/read", null)).EnsureSuccessStatusCode(); // again: harmless
        Assert.Equal(2, await UnreadAsync(user));

        var all = await (await user.Http.PostAsync("/api/me/notifications/read-all", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)all["unread"]!);
        Assert.Equal(0, await UnreadAsync(user));
        Assert.Equal(0, (int)(await ListAsync(user))["unread"]!);
    }

    [Fact]
    public async Task AnotherUsersNotification_Is404_AndNeverListed()
    {
        var owner = await platform.NewUserAsync();
        var stranger = await platform.NewUserAsync();
        var mine = await platform.NotificationsAsync(async n => (await n.NotifyAsync(Paid(await IdOfAsync(owner), Ids.New()), CancellationToken.None))!);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsync($"/api/me/notifications/{mine.Id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.PostAsync($"/api/me/notifications/{Ids.New()}/read", null)).StatusCode);
        Assert.Empty((await ListAsync(stranger))["items"]!.AsArray());
        (await stranger.Http.PostAsync("/api/me/notifications/read-all", null)).EnsureSuccessStatusCode();
        Assert.Equal(1, await UnreadAsync(owner));
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().GetAsync("/api/me/notifications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().GetAsync("/api/me/notifications/unread-count")).StatusCode);
    }

    [Fact]
    public async Task EmailPreference_Off_WritesNoMail_On_WritesOneInTheUsersLanguage()
    {
        var korean = await platform.NewUserAsync();
        var english = await platform.NewUserAsync();
        var koreanId = await IdOfAsync(korean);
        var englishId = await IdOfAsync(english);

        var prefs = await (await korean.Http.GetAsync("/api/me/notification-preferences")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("ko", (string?)prefs["language"]);
        var paidKind = prefs["kinds"]!.AsArray().Single(k => (string?)k!["kind"] == "order.paid")!;
        Assert.True((bool)paidKind["inApp"]!);
        Assert.True((bool)paidKind["email"]!);
        Assert.Equal("주문 확정", (string?)paidKind["label"]);

        // E-mail off for the kind: the notification is in the centre, and no e-mail is queued or written.
        (await korean.Http.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new[] { new { kind = "order.paid", email = false } } })).EnsureSuccessStatusCode();
        await platform.NotificationsAsync(n => n.NotifyAsync(Paid(koreanId, Ids.New()), CancellationToken.None));
        Assert.Equal(1, await UnreadAsync(korean));
        Assert.Equal(0, await platform.WithDbAsync(db => db.Set<NotificationEmail>().CountAsync(m => m.UserId == koreanId)));

        // On again: one e-mail, in Korean.
        var after = await (await korean.Http.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new[] { new { kind = "order.paid", email = true } } })).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)after["kinds"]!.AsArray().Single(k => (string?)k!["kind"] == "order.paid")!["email"]!);
        await platform.NotificationsAsync(n => n.NotifyAsync(Paid(koreanId, Ids.New()), CancellationToken.None));
        await Eventually.UntilAsync(() => platform.MailTo(korean.Email).Count == 1, "the Korean e-mail");
        var ko = Assert.Single(platform.MailTo(korean.Email));
        Assert.Equal("주문 확정", ko.Subject);
        Assert.Contains("12,900원 주문이 확정되었어요", ko.TextBody, StringComparison.Ordinal);
        Assert.Contains("주문이 확정되었어요", ko.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("/orders/", ko.TextBody, StringComparison.Ordinal);

        // An English reader gets English.
        (await english.Http.PutAsJsonAsync("/api/me/notification-preferences", new { language = "en" })).EnsureSuccessStatusCode();
        await platform.NotificationsAsync(n => n.NotifyAsync(Paid(englishId, Ids.New()), CancellationToken.None));
        await Eventually.UntilAsync(() => platform.MailTo(english.Email).Count == 1, "the English e-mail");
        var en = Assert.Single(platform.MailTo(english.Email));
        Assert.Equal("Order confirmed", en.Subject);
        Assert.Contains("Your order of ₩12,900 is confirmed.", en.TextBody, StringComparison.Ordinal);
        Assert.Contains("Open in Dots", en.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("Order confirmed", (string?)(await ListAsync(english))["items"]![0]!["title"]);
        Assert.Single(platform.MailTo(korean.Email));
    }

    [Fact]
    public async Task InAppOff_KeepsTheCentreEmpty_AndBothOff_StoresNothing()
    {
        var user = await platform.NewUserAsync();
        var userId = await IdOfAsync(user);
        (await user.Http.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new[] { new { kind = "order.paid", inApp = false, email = false } } })).EnsureSuccessStatusCode();
        Assert.Null(await platform.NotificationsAsync(n => n.NotifyAsync(Paid(userId, Ids.New()), CancellationToken.None)));
        (await user.Http.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new[] { new { kind = "order.paid", email = true } } })).EnsureSuccessStatusCode();
        await platform.NotificationsAsync(n => n.NotifyAsync(Paid(userId, Ids.New()), CancellationToken.None));
        Assert.Equal(0, await UnreadAsync(user));
        Assert.Empty((await ListAsync(user))["items"]!.AsArray());
        await Eventually.UntilAsync(() => platform.MailTo(user.Email).Count == 1, "the e-mail-only notification");
    }

    [Fact]
    public async Task BadPreferencesAndPaging_Are400WithTheField()
    {
        var user = await platform.NewUserAsync();
        var unknown = await (await user.Http.PutAsJsonAsync("/api/me/notification-preferences", new { kinds = new[] { new { kind = "no.such-kind", email = false } } })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(unknown["errors"]!["kinds[0].kind"]);
        var language = await (await user.Http.PutAsJsonAsync("/api/me/notification-preferences", new { language = "fr" })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(language["errors"]!["language"]);
        var paging = await (await user.Http.GetAsync("/api/me/notifications?pageSize=1000")).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(paging["errors"]!["pageSize"]);
        Assert.Equal("ko", (string?)(await (await user.Http.GetAsync("/api/me/notification-preferences")).JsonAsync(HttpStatusCode.OK))["language"]);
    }

    [Fact]
    public async Task ACancelledOrder_TellsTheBuyerItWasCancelledAndRefunded()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync());
        var buyer = await platform.NewUserAsync();
        (await buyer.Http.PutAsJsonAsync("/api/me/notification-preferences", new { language = "en" })).EnsureSuccessStatusCode();
        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(product.FirstVariantId()))).JsonAsync(HttpStatusCode.Created);
        (await buyer.Http.PostAsync($"/api/orders/{order["id"]}/cancel", null)).EnsureSuccessStatusCode();

        await Eventually.UntilAsync(async () => await UnreadAsync(buyer) == 3, "confirmed, cancelled and refunded");
        var kinds = (await ListAsync(buyer))["items"]!.AsArray().Select(n => (string)n!["kind"]!).ToHashSet();
        Assert.Equal(["order.paid", "order.cancelled", "payment.refunded"], kinds);
        var refund = (await ListAsync(buyer))["items"]!.AsArray().Single(n => (string?)n!["kind"] == "payment.refunded")!;
        Assert.Equal("Refund issued", (string?)refund["title"]);
        Assert.Equal($"/orders/{order["id"]}", (string?)refund["link"]);
    }
}
