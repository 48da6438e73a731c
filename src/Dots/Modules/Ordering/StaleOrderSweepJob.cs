using Quartz;

namespace Dots.Modules.Ordering;

/// <summary>The stale-order sweep as a scheduled job: once a minute, on one instance of the cluster.</summary>
[DisallowConcurrentExecution]
internal sealed class StaleOrderSweepJob(StaleOrderSweeper sweeper) : IJob
{
    public const string Name = "ordering.sweep-stale-orders";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sweeper.SweepAsync(cancellationToken);
}
