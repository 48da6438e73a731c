using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Dots.Modules.Delivery;

/// <summary>
/// Every minute, on one instance of the cluster: a centre whose cut-off has passed (within the last 12 hours) gets the
/// wave of that night, created once (its unique row is the claim, so a repeat, a second instance or a restart after a
/// crash finds it there), and queued for planning.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class NightlyWaveJob(DotsDbContext db, WaveService waves, WavePlanner planner, TimeProvider clock) : IJob
{
    public const string Name = "delivery.nightly-wave";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var centres = await db.Set<FulfilmentCentre>().AsNoTracking().ToListAsync(ct);
        foreach (var centre in centres)
        {
            var night = DeliveryService.LastCutoffNight(centre, now);
            if (now - DeliveryService.CutoffOf(centre, night) > TimeSpan.FromHours(12))
            {
                continue;
            }
            var (waveId, created) = await waves.CreateAsync(centre.Id, night, "job", ct);
            if (created)
            {
                planner.Enqueue(waveId);
            }
        }
    }
}
