using System.Net;
using Dots.Infrastructure.Database;
using Dots.Modules.CoCreation;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.CoCreation;

/// <summary>
/// Settlement happens exactly once: racing closes, a crash between captures, two workers at once, and pledges racing the
/// close. "Once" is checked against the sandbox provider's own books, not against our records of it.
/// </summary>
public sealed class SettlementTests(CoCreationPlatform platform) : IClassFixture<CoCreationPlatform>
{
    private async Task<List<string>> PledgeAsync(string campaignId, params int[] quantities)
    {
        var ids = new List<string>();
        foreach (var quantity in quantities)
        {
            var backer = await platform.NewUserAsync();
            ids.Add((string)(await (await backer.PledgeAsync(campaignId, quantity)).JsonAsync(HttpStatusCode.Created))["id"]!);
        }
        return ids;
    }

    private Task<List<(string Id, string Status, string OrderId)>> PledgesAsync(string campaignId) =>
        platform.WithDbAsync(async db => (await db.Set<Pledge>().AsNoTracking().Where(p => p.CampaignId == campaignId).ToListAsync())
            .Select(p => (p.Id, p.Status.ToString(), p.OrderId)).ToList());

    private Task<int> OrdersAsync(IEnumerable<string> orderIds)
    {
        var ids = orderIds.ToList();
        return platform.WithDbAsync(db => db.Orders.CountAsync(o => ids.Contains(o.Id)));
    }

    private async Task AssertCapturedOnceAndOrderedAsync(string campaignId)
    {
        var pledges = await PledgesAsync(campaignId);
        Assert.All(pledges, p => Assert.Equal("Ordered", p.Status));
        foreach (var pledge in pledges)
        {
            Assert.Equal(1, await platform.ApprovedCapturesAsync(pledge.Id));
        }
        Assert.Equal(pledges.Count, await OrdersAsync(pledges.Select(p => p.OrderId)));
    }

    [Fact]
    public async Task TheWebPledgeForm_SubmittedTwice_HoldsTheCardOnce()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 5);
        var backer = await platform.NewUserAsync();
        var me = await (await backer.Http.GetAsync("/api/me")).JsonAsync(System.Net.HttpStatusCode.OK);
        var userId = (string)me["id"]!;
        var request = new PledgeRequest(2,
            new Dots.Modules.Ordering.AddressDto("Kim Ji-won", "152 Teheran-ro", null, "Seoul", "06236", "010-1234-5678", null, null),
            new Dots.Modules.Ordering.PaymentRequest("card", Api.ApprovedCard));
        var formKey = Guid.NewGuid().ToString("N");

        var submits = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            platform.RunAsync<CampaignService, PledgeDto>(s => s.PledgeOnceAsync(loop.CampaignId, userId, formKey, request, CancellationToken.None))));

        Assert.Single(submits.Select(p => p.Id).Distinct());
        var campaign = await backer.Http.CampaignAsync(loop.CampaignId);
        Assert.Equal(2, (int)campaign["pledgedUnits"]!);
        var holds = (await platform.SandboxEntriesAsync(CampaignService.PaymentPurpose(submits[0].Id))).Count(e => e.Operation == PaymentOperation.Authorize && e.Approved);
        Assert.Equal(1, holds);
    }

    [Fact]
    public async Task ConcurrentCloseRequests_SettleOnce_AndAllAnswer200()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 3);
        await PledgeAsync(loop.CampaignId, 1, 1, 1, 1);
        var op = await platform.NewOperatorAsync();
        var closes = Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? loop.Maker : op).Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null)).ToList();
        foreach (var response in await Task.WhenAll(closes))
        {
            var body = await response.JsonAsync(HttpStatusCode.OK);
            Assert.Equal("Funded", (string?)body["status"]);
        }
        // Losers of the claim may answer before the winner finished; whoever finishes, it is once.
        await Eventually.UntilAsync(async () => (bool)(await platform.CreateClient().CampaignAsync(loop.CampaignId))["settled"]!, "the settlement to finish");
        await AssertCapturedOnceAndOrderedAsync(loop.CampaignId);
    }

    [Fact]
    public async Task ACrashBetweenCaptures_IsResumed_WithoutCapturingAnyPledgeTwice()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 3);
        var pledges = await PledgeAsync(loop.CampaignId, 1, 1, 1);

        // The first capture goes through; the second moves the money at the bank and then the call dies.
        platform.Faults.Inject(SandboxFaultMode.Latency, 1, PaymentOperation.Capture, TimeSpan.Zero);
        platform.Faults.Inject(SandboxFaultMode.ErrorAfterMoved, 1, PaymentOperation.Capture);
        var closed = await (await loop.Maker.Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Funded", (string?)closed["status"]);
        Assert.False((bool)closed["settled"]!);
        var midway = await PledgesAsync(loop.CampaignId);
        Assert.Equal(1, midway.Count(p => p.Status == "Ordered"));
        Assert.Equal(2, midway.Count(p => p.Status == "Authorized"));
        var crashedAt = midway.Where(p => p.Status == "Authorized").Select(p => p.Id).Order(StringComparer.Ordinal).First();
        Assert.Equal(1, await platform.ApprovedCapturesAsync(crashedAt)); // the bank did capture it

        // The settlement job resumes it: the capture it lost track of is reconciled, not repeated.
        var finished = await platform.RunAsync<CampaignSettlement, int>(s => s.RunDueAsync(CancellationToken.None));
        Assert.Equal(1, finished);
        await AssertCapturedOnceAndOrderedAsync(loop.CampaignId);
        var again = await (await loop.Maker.Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null)).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)again["settled"]!);
        await AssertCapturedOnceAndOrderedAsync(loop.CampaignId);
    }

    [Fact]
    public async Task ATimeoutBeforeTheBankActed_IsResentUnderTheSameKey_AndCapturedOnce()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 2);
        await PledgeAsync(loop.CampaignId, 1, 1);
        platform.Faults.Inject(SandboxFaultMode.Timeout, 1, PaymentOperation.Capture);
        var closed = await (await loop.Maker.Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null)).JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)closed["settled"]!);
        var resumed = await platform.RunAsync<CampaignSettlement, SettlementResult?>(s => s.SettleAsync(loop.CampaignId, CancellationToken.None));
        Assert.True(resumed!.Completed);
        await AssertCapturedOnceAndOrderedAsync(loop.CampaignId);
    }

    [Fact]
    public async Task TwoSettlementWorkersRacing_SettleEachPledgeOnce()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 4);
        await PledgeAsync(loop.CampaignId, 1, 1, 1, 1, 1, 1);
        Assert.True(await platform.RunAsync<CampaignSettlement, bool>(s => s.ClaimAsync(loop.CampaignId, false, CancellationToken.None)));
        Assert.False(await platform.RunAsync<CampaignSettlement, bool>(s => s.ClaimAsync(loop.CampaignId, false, CancellationToken.None)));

        // Slow captures keep the first worker busy while the second arrives.
        platform.Faults.Inject(SandboxFaultMode.Latency, 6, PaymentOperation.Capture, TimeSpan.FromMilliseconds(150));
        var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => platform.RunAsync<CampaignSettlement, SettlementResult?>(s => s.SettleAsync(loop.CampaignId, CancellationToken.None))));
        var results = await Task.WhenAll(workers);
        Assert.Single(results, r => r is { Completed: true });
        Assert.Single(results, r => r is null);
        await AssertCapturedOnceAndOrderedAsync(loop.CampaignId);
    }

    [PostgresFact]
    public async Task TwoInstancesRunningTheDeadlineJob_SettleTheCampaignOnce()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 2);
        await PledgeAsync(loop.CampaignId, 1, 1, 1);
        // The deadline passes.
        var past = DateTimeOffset.UtcNow.AddSeconds(-1);
        await platform.WithDbAsync(db => db.Set<Campaign>().Where(c => c.Id == loop.CampaignId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Deadline, past)));
        Assert.Equal(HttpStatusCode.Conflict, (await (await platform.NewUserAsync()).PledgeAsync(loop.CampaignId, 1)).StatusCode);
        await using var second = new SecondInstance(platform);
        platform.Faults.Inject(SandboxFaultMode.Latency, 3, PaymentOperation.Capture, TimeSpan.FromMilliseconds(150));
        var runs = await Task.WhenAll(
            Task.Run(() => platform.RunAsync<CampaignSettlement, int>(s => s.RunDueAsync(CancellationToken.None))),
            Task.Run(() => second.RunDueAsync()));
        Assert.Equal(1, runs.Sum());
        Assert.Equal("Funded", (string?)(await platform.CreateClient().CampaignAsync(loop.CampaignId))["status"]);
        await AssertCapturedOnceAndOrderedAsync(loop.CampaignId);
    }

    [Fact]
    public async Task PledgesRacingTheClose_AreEitherInAndCaptured_OrRefusedWith409AndReleased_NeverLost()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 1);
        var backers = new List<UserClient>();
        for (var i = 0; i < 12; i++)
        {
            backers.Add(await platform.NewUserAsync());
        }
        var pledges = backers.Select((b, i) => Task.Run(async () =>
        {
            await Task.Delay(i * 15);
            return await b.PledgeAsync(loop.CampaignId, 1 + i % 2);
        })).ToList();
        await Task.Delay(90);
        var close = loop.Maker.Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null);
        var responses = await Task.WhenAll(pledges);
        await (await close).JsonAsync(HttpStatusCode.OK);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        await platform.RunAsync<CampaignSettlement, int>(s => s.RunDueAsync(CancellationToken.None));

        var campaign = await platform.CreateClient().CampaignAsync(loop.CampaignId);
        var rows = await PledgesAsync(loop.CampaignId);
        var accepted = new List<string>();
        var acceptedUnits = 0;
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            var body = await response.JsonAsync(HttpStatusCode.Created);
            accepted.Add((string)body["id"]!);
            acceptedUnits += (int)body["quantity"]!;
        }
        Assert.Equal(acceptedUnits, (int)campaign["pledgedUnits"]!);
        Assert.Equal(accepted.Count, (int)campaign["backers"]!);
        foreach (var row in rows)
        {
            var intent = await platform.RunAsync<PaymentService, PaymentIntentDto?>(p => p.GetAsync(CampaignService.PaymentPurpose(row.Id), CancellationToken.None));
            if (accepted.Contains(row.Id))
            {
                Assert.Equal("Ordered", row.Status);
                Assert.Equal(1, await platform.ApprovedCapturesAsync(row.Id));
            }
            else
            {
                Assert.Equal("Rejected", row.Status);
                Assert.True(intent is null || intent.Status is "Voided" or "Failed" or "RequiresAuthorization", $"pledge {row.Id}: {intent?.Status}");
                Assert.Equal(0, await platform.ApprovedCapturesAsync(row.Id));
            }
        }
        Assert.Equal(accepted.Count, await OrdersAsync(rows.Where(r => accepted.Contains(r.Id)).Select(r => r.OrderId)));
        Assert.Equal(0, await OrdersAsync(rows.Where(r => !accepted.Contains(r.Id)).Select(r => r.OrderId)));
    }

    /// <summary>A second app instance on the same PostgreSQL database, as a second server would be.</summary>
    private sealed class SecondInstance(CoCreationPlatform first) : IAsyncDisposable
    {
        private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _factory = first.WithWebHostBuilder(_ => { });

        public async Task<int> RunDueAsync()
        {
            await using var scope = _factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<CampaignSettlement>().RunDueAsync(CancellationToken.None);
        }

        public ValueTask DisposeAsync() => _factory.DisposeAsync();
    }
}
