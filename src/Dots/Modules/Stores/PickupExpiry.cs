using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Ordering;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Dots.Modules.Stores;

/// <summary>
/// Uncollected pickups expire in recorded steps, so a crash anywhere resolves by itself on the next sweep:
/// (1) the pickup is claimed <c>Waiting|Ready → Expired</c> with a conditional update (one sweep wins);
/// (2) every Expired pickup not yet settled — the ones just claimed and any a crash left behind — has its store units
/// returned (each allocation once: a conditional stamp and the increment commit together), its order cancelled through
/// Ordering (a cancel of an already cancelled order only finishes its refund; Payments refunds once per purpose), and is
/// then stamped <c>ExpirySettledAt</c>. Re-running any step after a crash changes nothing already done.
/// </summary>
public sealed class PickupExpirySweeper(IServiceScopeFactory scopes, TimeProvider clock, ILogger<PickupExpirySweeper> logger)
{
    /// <summary>Steps of one expiry, for <see cref="Checkpoint"/>.</summary>
    internal const string Claimed = "claimed", Restored = "restored", Cancelled = "cancelled";

    /// <summary>
    /// Test seam: called after each step of an expiry with (orderId, step); a test throws from it to simulate the process
    /// dying at that point (nothing after it runs in that sweep). Null in production.
    /// </summary>
    internal Func<string, string, Task>? Checkpoint { get; set; }

    /// <summary>Expires what is due and finishes any expiry a crash interrupted; returns how many expiries were finished.</summary>
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
        foreach (var p in due)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
                var claimed = await db.Set<PickupOrder>().Where(x => x.OrderId == p.OrderId && (x.Status == PickupStatus.Waiting || x.Status == PickupStatus.Ready) && x.ExpiresAt <= now)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, PickupStatus.Expired), ct);
                if (claimed == 1 && Checkpoint is { } hook)
                {
                    await hook(p.OrderId, Claimed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Expiring pickup {OrderId} failed; the next sweep resumes it", p.OrderId);
            }
        }

        // Step 2 for every expiry not finished yet: the ones claimed above and any a crash left half done.
        List<PickupOrder> open;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            open = await db.Set<PickupOrder>().AsNoTracking().Where(p => p.Status == PickupStatus.Expired && p.ExpirySettledAt == null)
                .OrderBy(p => p.ExpiresAt).Take(100).ToListAsync(ct);
        }
        var settled = 0;
        foreach (var p in open)
        {
            try
            {
                settled += await SettleAsync(p, ct) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Finishing the expiry of pickup {OrderId} failed; the next sweep resumes it", p.OrderId);
            }
        }
        return settled;
    }

    private async Task<bool> SettleAsync(PickupOrder p, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            await StoreCheckoutStep.RestoreAsync(db, p.OrderId, now, "pickup expired", ct);
        }
        if (Checkpoint is { } afterRestore)
        {
            await afterRestore(p.OrderId, Restored);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OrderService>().CancelAsync(p.OrderId, p.BuyerId, CancellationToken.None);
        }
        if (Checkpoint is { } afterCancel)
        {
            await afterCancel(p.OrderId, Cancelled);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            return await db.Set<PickupOrder>().Where(x => x.OrderId == p.OrderId && x.Status == PickupStatus.Expired && x.ExpirySettledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpirySettledAt, now), CancellationToken.None) == 1;
        }
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
