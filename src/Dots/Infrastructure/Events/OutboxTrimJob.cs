using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Infrastructure.Events;

/// <summary>Deletes events every handler has finished with, once they are older than `Events:RetainDelivered`.</summary>
[DisallowConcurrentExecution]
internal sealed class OutboxTrimJob(DotsDbContext db, TimeProvider clock, IOptions<EventsOptions> options) : IJob
{
    public const string Name = "events.trim-outbox";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await TrimAsync(cancellationToken);

    /// <summary>Returns how many events were deleted. Events with an open (pending or failed) delivery are kept.</summary>
    public async Task<int> TrimAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.RetainDelivered;
        var deleted = 0;
        while (true)
        {
            var batch = await db.Set<OutboxMessage>()
                .Where(m => m.OccurredAt < cutoff && m.Deliveries.All(d => d.Status == DeliveryStatus.Done))
                .OrderBy(m => m.Sequence).Select(m => m.Sequence).Take(500).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return deleted;
            }
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Set<OutboxDelivery>().Where(d => batch.Contains(d.MessageSequence)).ExecuteDeleteAsync(ct);
            deleted += await db.Set<OutboxMessage>().Where(m => batch.Contains(m.Sequence)).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
    }
}
