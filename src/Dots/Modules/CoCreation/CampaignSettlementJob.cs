using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Modules.CoCreation;

/// <summary>
/// Every minute, on one node of the cluster: closes campaigns whose deadline passed (the compare-and-set claim makes a
/// second firing, or a maker's close at the same moment, change nothing) and finishes settlements a crash left open.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class CampaignSettlementJob(IServiceScopeFactory scopes, IOptions<CoCreationOptions> options) : IJob
{
    public const string Name = "cocreation.settle-campaigns";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Value.RunJobs)
        {
            return;
        }
        await using (var resolve = scopes.CreateAsyncScope())
        {
            await resolve.ServiceProvider.GetRequiredService<CampaignService>().ResolveStalePledgesAsync(options.Value.StalePledgeAfter, cancellationToken);
        }
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CampaignSettlement>().RunDueAsync(cancellationToken);
    }
}
