using System.Net;
using Dots.Modules.CoCreation;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dots.Tests.CoCreation;

/// <summary>
/// Issue 15: a pledge during a payment-provider outage answered 500 and stayed Pending forever. It must answer 503
/// (ProblemDetails, Retry-After), a retry with the same key must resume the same pledge to a final answer without
/// holding the card twice, and a Pending pledge nobody retries must resolve by itself.
/// </summary>
public sealed class PledgeOutageTests(CoCreationPlatform platform) : IClassFixture<CoCreationPlatform>
{
    [Theory]
    [InlineData("Timeout")]
    [InlineData("ErrorAfterMoved")]
    public async Task AnOutage_Is503WithRetryAfter_AndARetryWithTheSameKey_ResumesToOneCountedPledge(string faultName)
    {
        var fault = Enum.Parse<SandboxFaultMode>(faultName);
        var loop = await platform.OpenCampaignAsync(goalUnits: 5);
        var backer = await platform.NewUserAsync();
        var key = "outage-" + Guid.NewGuid().ToString("N");

        platform.Faults.Inject(fault, 1, PaymentOperation.Authorize);
        var outage = await backer.PledgeAsync(loop.CampaignId, 2, key);
        var problem = await outage.JsonAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("application/problem+json", outage.Content.Headers.ContentType!.MediaType);
        Assert.Equal(503, (int)problem["status"]!);
        Assert.True(outage.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 says when to retry");

        var retry = await (await backer.PledgeAsync(loop.CampaignId, 2, key)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Authorized", (string)retry["status"]!);
        var again = await (await backer.PledgeAsync(loop.CampaignId, 2, key)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal((string)retry["id"]!, (string)again["id"]!);

        var campaign = await platform.CreateClient().CampaignAsync(loop.CampaignId);
        Assert.Equal(2, (int)campaign["pledgedUnits"]!);
        Assert.Equal(1, (int)campaign["backers"]!);
        var pledges = await platform.WithDbAsync(db => db.Set<Pledge>().AsNoTracking().Where(p => p.CampaignId == loop.CampaignId).ToListAsync());
        var pledge = Assert.Single(pledges);
        var entries = await platform.SandboxEntriesAsync(CampaignService.PaymentPurpose(pledge.Id));
        Assert.Single(entries, e => e.Operation == PaymentOperation.Authorize && e.Approved);
    }

    [Fact]
    public async Task APendingPledgeNobodyRetries_ResolvesByItself_CountedWhenTheHoldWasPlaced_RefusedWhenNot()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 5);
        var moved = await platform.NewUserAsync();
        var lost = await platform.NewUserAsync();
        platform.Faults.Inject(SandboxFaultMode.ErrorAfterMoved, 1, PaymentOperation.Authorize);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await moved.PledgeAsync(loop.CampaignId, 1)).StatusCode);
        platform.Faults.Inject(SandboxFaultMode.Timeout, 1, PaymentOperation.Authorize);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await lost.PledgeAsync(loop.CampaignId, 2)).StatusCode);
        Assert.Equal(0, (int)(await platform.CreateClient().CampaignAsync(loop.CampaignId))["pledgedUnits"]!);

        // Young pledges are left to their clients' retries; stale ones are resolved (the job runs this every minute).
        Assert.Equal(0, await platform.RunAsync<CampaignService, int>(c => c.ResolveStalePledgesAsync(TimeSpan.FromMinutes(2), CancellationToken.None)));
        Assert.Equal(2, await platform.RunAsync<CampaignService, int>(c => c.ResolveStalePledgesAsync(TimeSpan.Zero, CancellationToken.None)));

        var pledges = await platform.WithDbAsync(db => db.Set<Pledge>().AsNoTracking().Where(p => p.CampaignId == loop.CampaignId).ToListAsync());
        Assert.Equal(PledgeStatus.Authorized, pledges.Single(p => p.Quantity == 1).Status);
        Assert.Equal(PledgeStatus.Rejected, pledges.Single(p => p.Quantity == 2).Status);
        Assert.Equal(1, (int)(await platform.CreateClient().CampaignAsync(loop.CampaignId))["pledgedUnits"]!);
        Assert.Equal(0, await platform.RunAsync<CampaignService, int>(c => c.ResolveStalePledgesAsync(TimeSpan.Zero, CancellationToken.None)));
    }
}
