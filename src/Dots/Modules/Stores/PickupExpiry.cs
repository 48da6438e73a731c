using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Ordering;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Dots.Modules.Stores;

/// <summary>
/// Uncollected pickups expire: the pickup is claimed Expired with a conditional update (so one sweep wins), the store's
/// units go back (each allocation once), and the order is cancelled through Ordering, which returns the total and
/// refunds exactly once.
/// </summary>
public sealed class PickupExpirySweeper(IServiceScopeFactory scopes, TimeProvider clock, ILogger<PickupExpirySweeper> logger)
{
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<PickupOrder> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            due = await db.Set<PickupOrder>().AsNoTracking()
                .Where(p => (p.Status == PickupStatus.Waiting || p.Status == PickupStatus.Ready) && p.ExpiresAt <= now)
                .OrderBy(p => p.ExpiresAt).Take(100).ToListAsync(ct);
        }
        var expired = 0;
        foreach (var p in due)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
                var claimed = await db.Set<PickupOrder>().Where(x => x.OrderId == p.OrderId && (x.Status == PickupStatus.Waiting || x.Status == PickupStatus.Ready) && x.ExpiresAt <= now)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, PickupStatus.Expired), ct);
                if (claimed == 0)
                {
                    continue;
                }
                await StoreCheckoutStep.RestoreAsync(db, p.OrderId, now, "pickup expired", ct);
                await scope.ServiceProvider.GetRequiredService<OrderService>().CancelAsync(p.OrderId, p.BuyerId, CancellationToken.None);
                expired++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Expiring pickup {OrderId} failed", p.OrderId);
            }
        }
        return expired;
    }
}

[DisallowConcurrentExecution]
internal sealed class PickupExpiryJob(PickupExpirySweeper sweeper, Microsoft.Extensions.Options.IOptions<StoresOptions> options) : IJob
{
    public const string Name = "stores.expire-pickups";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (options.Value.RunJobs)
        {
            await sweeper.SweepAsync(cancellationToken);
        }
    }
}

/// <summary>A cancelled order's store units go back to their stores (each allocation once, however often this runs).</summary>
internal sealed class RestoreStoreStockOnCancel(DotsDbContext db, TimeProvider clock) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled domainEvent, CancellationToken ct)
    {
        await StoreCheckoutStep.RestoreAsync(db, domainEvent.OrderId, clock.GetUtcNow(), "order cancelled", ct);
        await db.Set<PickupOrder>().Where(p => p.OrderId == domainEvent.OrderId && (p.Status == PickupStatus.Waiting || p.Status == PickupStatus.Ready))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PickupStatus.Cancelled), ct);
    }
}
