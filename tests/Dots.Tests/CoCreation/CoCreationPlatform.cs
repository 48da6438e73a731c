using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.CoCreation;
using Dots.Modules.Identity;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.CoCreation;

/// <summary>
/// A platform for the Co-creation tests: its own database, the Payments and Co-creation jobs off (only the tests move
/// money and settle), so sandbox faults injected by one test reach only that test's calls.
/// </summary>
public sealed class CoCreationPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Payments:RunJobs"] = "false",
        ["CoCreation:RunJobs"] = "false",
    };

    internal SandboxFaults Faults => Services.GetRequiredService<SandboxFaults>();

    public async Task<T> RunAsync<TService, T>(Func<TService, Task<T>> call)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>The sandbox provider's own books for one payment purpose: what the "bank" actually did.</summary>
    internal async Task<List<SandboxLedgerEntry>> SandboxEntriesAsync(string purpose)
    {
        var intent = await RunAsync<PaymentService, PaymentIntentDto?>(p => p.GetAsync(purpose, CancellationToken.None));
        if (intent is null)
        {
            return [];
        }
        return await WithDbAsync(db => db.Set<SandboxLedgerEntry>().AsNoTracking().Where(e => e.Key.StartsWith(intent.Id)).ToListAsync());
    }

    internal async Task<int> ApprovedCapturesAsync(string pledgeId) =>
        (await SandboxEntriesAsync(CampaignService.PaymentPurpose(pledgeId))).Count(e => e.Operation == PaymentOperation.Capture && e.Approved);

    /// <summary>An idea with a maker's accepted proposal: the campaign is open.</summary>
    public async Task<Loop> OpenCampaignAsync(int goalUnits = 3, decimal unitPrice = 20000, DateTimeOffset? deadline = null)
    {
        var author = await NewUserAsync();
        var maker = await NewUserAsync();
        var shopId = await maker.OpenShopAsync("Maker Workshop");
        var idea = await (await author.Http.PostAsJsonAsync("/api/ideas", CoCreationApiTests.IdeaBody("Foldable laptop stand"))).JsonAsync(HttpStatusCode.Created);
        var ideaId = (string)idea["id"]!;
        var proposal = await (await maker.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals", new
        {
            shopId, unitPrice = new { amount = unitPrice, currency = "KRW" }, minimumUnits = 1, leadTimeDays = 30, note = "Aluminium, anodised",
        })).JsonAsync(HttpStatusCode.Created);
        var accepted = await (await author.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/{proposal["id"]}/accept", new
        {
            goalUnits, deadline = deadline ?? DateTimeOffset.UtcNow.AddDays(7),
        })).JsonAsync(HttpStatusCode.Created);
        return new Loop(author, maker, shopId, ideaId, (string)proposal["id"]!, (string)accepted["campaignId"]!);
    }

    public sealed record Loop(UserClient Author, UserClient Maker, string ShopId, string IdeaId, string ProposalId, string CampaignId);
}

public static class CoCreationCalls
{
    public static object PledgeBody(int quantity, string card = Api.ApprovedCard) => new
    {
        quantity,
        shippingAddress = Api.Address,
        payment = new { method = "card", cardNumber = card },
    };

    public static Task<HttpResponseMessage> PledgeAsync(this UserClient backer, string campaignId, int quantity, string? key = null, string card = Api.ApprovedCard)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/campaigns/{campaignId}/pledges") { Content = JsonContent.Create(PledgeBody(quantity, card)) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return backer.Http.SendAsync(request);
    }

    public static async Task<JsonNode> CampaignAsync(this HttpClient client, string campaignId) =>
        await (await client.GetAsync($"/api/campaigns/{campaignId}")).JsonAsync(HttpStatusCode.OK);
}
