using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Notifications;

/// <summary>
/// The demo customer's bell has something on it: confirmations of their three latest orders, the oldest already read.
/// Runs only while the module's table is empty; orders are found through Ordering's public service.
/// </summary>
internal sealed class NotificationsDemoSeed(DotsDbContext db, NotificationService notifications, OrderService orders, UserManager<AppUser> users) : IDemoSeedContributor
{
    public async Task SeedAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Set<Notification>().AnyAsync(ct) || await users.FindByEmailAsync(DemoSeeder.DemoCustomerEmail) is not { } demo)
        {
            return;
        }
        var latest = (await orders.ListAsync(demo.Id, 1, 3, ct)).Items.Reverse().ToList();
        foreach (var order in latest)
        {
            var sent = await notifications.NotifyAsync(new NotificationRequest(demo.Id, NotificationKinds.OrderPaid,
                LocalizedText.Of("Order confirmed"),
                LocalizedText.Of("Your order of {0} is confirmed. We'll let you know when it ships.", order.Total),
                $"/orders/{order.Id}", $"{NotificationKinds.OrderPaid}:demo:{order.Id}"), ct);
            if (sent is not null && order == latest[0])
            {
                await notifications.MarkReadAsync(demo.Id, sent.Id, null, ct);
            }
        }
        progress?.Report($"notifications: {latest.Count} for the demo customer");
    }
}
