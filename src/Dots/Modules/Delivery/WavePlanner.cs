using System.Threading.Channels;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Delivery;

/// <summary>
/// The background worker that runs the route solver: requests queue here (a new wave, a re-plan), and a periodic scan
/// picks up waves whose planner died (their lease ran out) or that another instance queued. Requests never solve.
/// </summary>
public sealed class WavePlanner(IServiceScopeFactory scopes, TimeProvider clock, IOptions<DeliveryOptions> options, ILogger<WavePlanner> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();

    public void Enqueue(string waveId) => _queue.Writer.TryWrite(waveId);

    /// <summary>Marks a planned wave for re-planning (compare-and-set from Planned) and queues it.</summary>
    public async Task RequestReplanAsync(string waveId, CancellationToken ct)
    {
        await scopes.RunAsync(async (DotsDbContext db) =>
        {
            await db.Set<DeliveryWave>().Where(w => w.Id == waveId && (w.Status == WaveStatus.Planned || w.Status == WaveStatus.Failed))
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WaveStatus.Planning).SetProperty(w => w.LeaseUntil, (DateTimeOffset?)null), ct);
        });
        Enqueue(waveId);
    }

    /// <summary>Waits (polling the database, so it works whichever instance plans) until the wave leaves Planning or the time is up.</summary>
    public async Task<bool> WaitAsync(string waveId, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var status = await scopes.RunAsync((DotsDbContext db) => db.Set<DeliveryWave>().Where(w => w.Id == waveId).Select(w => (WaveStatus?)w.Status).FirstOrDefaultAsync(ct));
            if (status is not WaveStatus.Planning)
            {
                return true;
            }
            await Task.Delay(150, ct);
        }
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                tick.CancelAfter(TimeSpan.FromSeconds(10));
                string? waveId = null;
                try
                {
                    waveId = await _queue.Reader.ReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
                if (waveId is not null)
                {
                    await scopes.RunAsync((WaveRouting r) => r.PlanAsync(waveId, stoppingToken));
                    continue;
                }
                // Nothing queued here: take over waves that wait for a planner (another instance's queue, a crash).
                var now = clock.GetUtcNow();
                var waiting = await scopes.RunAsync((DotsDbContext db) => db.Set<DeliveryWave>()
                    .Where(w => w.Status == WaveStatus.Planning && (w.LeaseUntil == null || w.LeaseUntil < now)).OrderBy(w => w.Id).Select(w => w.Id).Take(5).ToListAsync(stoppingToken));
                foreach (var id in waiting)
                {
                    await scopes.RunAsync((WaveRouting r) => r.PlanAsync(id, stoppingToken));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The wave planner's loop failed; it carries on");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    internal TimeSpan Budget => options.Value.PlanningBudget;
}
