using System.Net;
using System.Net.Http.Json;
using Dots.Modules.CoCreation;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.CoCreation;

/// <summary>The co-creation loop through the HTTP API, as its users live it, with the contract's status codes.</summary>
public sealed class CoCreationApiTests(CoCreationPlatform platform) : IClassFixture<CoCreationPlatform>
{
    public static object IdeaBody(string title, string category = "home") => new
    {
        title,
        description = "A stand that folds flat into a laptop sleeve.",
        category,
        targetPrice = new { amount = 25000, currency = "KRW" },
    };

    [Fact]
    public async Task TheWholeLoop_FromIdeaToProductOnSale_CapturesOnce_WritesOrders_AndPaysTheAuthorRoyaltiesForever()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 3, unitPrice: 20000);
        var voters = new[] { await platform.NewUserAsync(), await platform.NewUserAsync() };
        foreach (var voter in voters)
        {
            await (await voter.Http.PostAsync($"/api/ideas/{loop.IdeaId}/votes", null)).JsonAsync(HttpStatusCode.OK);
        }
        var again = await (await voters[0].Http.PostAsync($"/api/ideas/{loop.IdeaId}/votes", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)again["votes"]!);

        var idea = await (await platform.CreateClient().GetAsync($"/api/ideas/{loop.IdeaId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(loop.CampaignId, (string?)idea["campaignId"]);
        Assert.Equal("InCampaign", (string?)idea["status"]);
        Assert.Equal(2, (int)idea["votes"]!);
        Assert.Single(idea["proposals"]!.AsArray());

        var backers = new[] { await platform.NewUserAsync(), await platform.NewUserAsync() };
        var first = await (await backers[0].PledgeAsync(loop.CampaignId, 2, key: "pledge-1")).JsonAsync(HttpStatusCode.Created);
        var replay = await (await backers[0].PledgeAsync(loop.CampaignId, 2, key: "pledge-1")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal((string?)first["id"], (string?)replay["id"]);
        Assert.Equal("Authorized", (string?)first["status"]);
        Assert.Equal(40000m, (decimal)first["amount"]!["amount"]!);
        Assert.Equal(["authorize"], first["payments"]!.AsArray().Select(p => (string)p!["kind"]!));
        var second = await (await backers[1].PledgeAsync(loop.CampaignId, 1)).JsonAsync(HttpStatusCode.Created);

        var open = await platform.CreateClient().CampaignAsync(loop.CampaignId);
        Assert.Equal("Open", (string?)open["status"]);
        Assert.Equal(3, (int)open["pledgedUnits"]!);
        Assert.Equal(3, (int)open["goalUnits"]!);

        var closed = await (await loop.Maker.Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Funded", (string?)closed["status"]);
        Assert.True((bool)closed["settled"]!);
        var productId = (string)closed["productId"]!;

        // Closing again is 200 with the campaign unchanged; a late pledge is 409 and holds nothing.
        var closedAgain = await (await loop.Maker.Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(closed.ToJsonString(), closedAgain.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, (await (await platform.NewUserAsync()).PledgeAsync(loop.CampaignId, 1)).StatusCode);

        // Each backer has a paid order from the maker's shop, and the bank captured each hold exactly once.
        foreach (var (backer, pledge, units) in new[] { (backers[0], first, 2), (backers[1], second, 1) })
        {
            var mine = await (await backer.Http.GetAsync($"/api/me/pledges?campaignId={loop.CampaignId}")).JsonAsync(HttpStatusCode.OK);
            var settled = mine.AsArray().Single()!;
            Assert.Equal("Ordered", (string?)settled["status"]);
            var order = await (await backer.Http.GetAsync($"/api/orders/{settled["orderId"]}")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal("Paid", (string?)order["status"]);
            Assert.Equal(loop.ShopId, (string?)order["lines"]![0]!["shopId"]);
            Assert.Equal(units, (int)order["lines"]![0]!["quantity"]!);
            Assert.Equal(productId, (string?)order["lines"]![0]!["productId"]);
            Assert.Equal(1, await platform.ApprovedCapturesAsync((string)pledge["id"]!));
        }

        // The product is a normal catalog product of the maker's shop, born from the idea.
        var product = await (await platform.CreateClient().GetAsync($"/api/products/{productId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(loop.ShopId, (string?)product["shopId"]);
        Assert.Equal(loop.IdeaId, (string?)product["origin"]!["ideaId"]);
        var page = await platform.CreateClient().GetStringAsync($"/products/{productId}");
        Assert.Contains($"/ideas/{loop.IdeaId}", page);

        // Production: the maker posts updates; shipped puts stock on the shelf and the idea on sale.
        foreach (var stage in new[] { "design", "sample", "mass-production", "quality-check" })
        {
            await (await loop.Maker.Http.PostAsJsonAsync($"/api/campaigns/{loop.CampaignId}/updates", new { stage, text = $"{stage} done" })).JsonAsync(HttpStatusCode.Created);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await loop.Author.Http.PostAsJsonAsync($"/api/campaigns/{loop.CampaignId}/updates", new { stage = "shipped", text = "no" })).StatusCode);
        var shipped = await (await loop.Maker.Http.PostAsJsonAsync($"/api/campaigns/{loop.CampaignId}/updates", new { stage = "shipped", text = "On its way", stock = 10 })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Delivered", (string?)shipped["status"]);
        Assert.Equal(5, shipped["updates"]!.AsArray().Count);
        Assert.Equal(10, await platform.CreateClient().StockAsync(productId));
        Assert.Equal("OnSale", (string?)(await (await platform.CreateClient().GetAsync($"/api/ideas/{loop.IdeaId}")).JsonAsync(HttpStatusCode.OK))["status"]);

        // Royalties: 5% of the campaign's 60,000 of revenue.
        await RoyaltyBalanceIsAsync(loop.Author, 3000m);

        // A later normal purchase credits the author again; cancelling it reverses that royalty.
        var shopper = await platform.NewUserAsync();
        var variantId = (string)product["variants"]![0]!["id"]!;
        var bought = await (await shopper.PlaceOrderAsync(Api.OrderBody(variantId, 2))).JsonAsync(HttpStatusCode.Created);
        await RoyaltyBalanceIsAsync(loop.Author, 5000m);
        await (await shopper.Http.PostAsync($"/api/orders/{bought["id"]}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        await RoyaltyBalanceIsAsync(loop.Author, 3000m);
        var royalties = await (await loop.Author.Http.GetAsync("/api/me/royalties")).JsonAsync(HttpStatusCode.OK);
        var entries = royalties["entries"]!.AsArray();
        Assert.Equal(3, entries.Count(e => (string?)e!["kind"] == "earned"));
        var reversed = Assert.Single(entries, e => (string?)e!["kind"] == "reversed")!;
        Assert.Equal((string?)bought["id"], (string?)reversed["orderId"]);
        Assert.Equal(-2000m, (decimal)reversed["amount"]!["amount"]!);
        Assert.All(entries, e => Assert.Equal(loop.IdeaId, (string?)e!["ideaId"]));
        Assert.Equal(0m, (decimal)(await (await backers[0].Http.GetAsync("/api/me/royalties")).JsonAsync(HttpStatusCode.OK))["balance"]!["amount"]!);
    }

    private static Task RoyaltyBalanceIsAsync(UserClient author, decimal expected) =>
        Eventually.UntilAsync(async () =>
        {
            var royalties = await (await author.Http.GetAsync("/api/me/royalties")).JsonAsync(HttpStatusCode.OK);
            return (decimal)royalties["balance"]!["amount"]! == expected;
        }, $"the author's royalty balance to be {expected}");

    [Fact]
    public async Task ACampaignThatMissesItsGoal_Fails_ReleasesEveryHold_WritesNoOrders_AndPaysNoRoyalty()
    {
        var loop = await platform.OpenCampaignAsync(goalUnits: 10);
        var backers = new[] { await platform.NewUserAsync(), await platform.NewUserAsync() };
        var pledges = new List<string>();
        foreach (var backer in backers)
        {
            pledges.Add((string)(await (await backer.PledgeAsync(loop.CampaignId, 2)).JsonAsync(HttpStatusCode.Created))["id"]!);
        }
        var closed = await (await loop.Maker.Http.PostAsync($"/api/campaigns/{loop.CampaignId}/close", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Failed", (string?)closed["status"]);
        Assert.True((bool)closed["settled"]!);
        Assert.Null((string?)closed["productId"]);

        foreach (var pledgeId in pledges)
        {
            var intent = await platform.RunAsync<PaymentService, PaymentIntentDto?>(p => p.GetAsync(CampaignService.PaymentPurpose(pledgeId), CancellationToken.None));
            Assert.Equal("Voided", intent!.Status);
            var ledger = await platform.SandboxEntriesAsync(CampaignService.PaymentPurpose(pledgeId));
            Assert.DoesNotContain(ledger, e => e.Operation == PaymentOperation.Capture);
            Assert.Single(ledger, e => e.Operation == PaymentOperation.Void && e.Approved);
        }
        foreach (var backer in backers)
        {
            var orders = await (await backer.Http.GetAsync("/api/orders")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(0, (int)orders["total"]!);
            var mine = await (await backer.Http.GetAsync("/api/me/pledges")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal("Voided", (string?)mine[0]!["status"]);
        }
        var royalties = await (await loop.Author.Http.GetAsync("/api/me/royalties")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(royalties["entries"]!.AsArray());
        var idea = await (await platform.CreateClient().GetAsync($"/api/ideas/{loop.IdeaId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Open", (string?)idea["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await backers[0].PledgeAsync(loop.CampaignId, 1)).StatusCode);
    }

    [Fact]
    public async Task OnlyTheAuthorAccepts_OnlyTheShopOwnerProposes_OnlyMakerOrOperatorCloses()
    {
        var author = await platform.NewUserAsync();
        var maker = await platform.NewUserAsync();
        var stranger = await platform.NewUserAsync();
        var shopId = await maker.OpenShopAsync();
        var ideaId = (string)(await (await author.Http.PostAsJsonAsync("/api/ideas", IdeaBody("Self-watering planter"))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var proposal = new { shopId, unitPrice = new { amount = 15000, currency = "KRW" }, minimumUnits = 2, leadTimeDays = 20 };

        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals", proposal)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().PostAsJsonAsync($"/api/ideas/{ideaId}/proposals", proposal)).StatusCode);
        var proposalId = (string)(await (await maker.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals", proposal)).JsonAsync(HttpStatusCode.Created))["id"]!;

        var accept = new { goalUnits = 5, deadline = DateTimeOffset.UtcNow.AddDays(3) };
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/{proposalId}/accept", accept)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await maker.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/{proposalId}/accept", accept)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await author.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/nope/accept", accept)).StatusCode);
        var tooSmall = await (await author.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/{proposalId}/accept", new { goalUnits = 1, deadline = DateTimeOffset.UtcNow.AddDays(3) }))
            .JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(tooSmall["errors"]!["goalUnits"]);
        var past = await (await author.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/{proposalId}/accept", new { goalUnits = 5, deadline = DateTimeOffset.UtcNow.AddDays(-1) }))
            .JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(past["errors"]!["deadline"]);
        var campaignId = (string)(await (await author.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/{proposalId}/accept", accept)).JsonAsync(HttpStatusCode.Created))["campaignId"]!;
        Assert.Equal(HttpStatusCode.Conflict, (await author.Http.PostAsJsonAsync($"/api/ideas/{ideaId}/proposals/{proposalId}/accept", accept)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Http.PostAsync($"/api/campaigns/{campaignId}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await author.Http.PostAsync($"/api/campaigns/{campaignId}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await maker.Http.PostAsync("/api/campaigns/nope/close", null)).StatusCode);
        var op = await platform.NewOperatorAsync();
        var closed = await (await op.Http.PostAsync($"/api/campaigns/{campaignId}/close", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Failed", (string?)closed["status"]);
    }

    [Fact]
    public async Task SubmittingAnIdea_ValidatesTheCategoryAgainstTheCatalog_AndTheAuthorEditsUntilACampaign()
    {
        var author = await platform.NewUserAsync();
        var bad = await (await author.Http.PostAsJsonAsync("/api/ideas", IdeaBody("Thing", category: "teleporters"))).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["category"]);
        var noTitle = await (await author.Http.PostAsJsonAsync("/api/ideas", new { category = "home", targetPrice = new { amount = 1, currency = "KRW" } })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(noTitle["errors"]!["title"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().PostAsJsonAsync("/api/ideas", IdeaBody("Anon"))).StatusCode);

        var idea = await (await author.Http.PostAsJsonAsync("/api/ideas", IdeaBody("Magnetic spice rack"))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Open", (string?)idea["status"]);
        Assert.Equal(0, (int)idea["votes"]!);
        var id = (string)idea["id"]!;
        var edited = await (await author.Http.PutAsJsonAsync($"/api/ideas/{id}", new { title = "Magnetic spice rack for fridges" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Magnetic spice rack for fridges", (string?)edited["title"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await platform.NewUserAsync()).Http.PutAsJsonAsync($"/api/ideas/{id}", new { title = "Mine now" })).StatusCode);

        var similar = await (await platform.CreateClient().GetAsync("/api/ideas/similar?title=magnetic%20spice")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(similar.AsArray(), s => (string?)s!["id"] == id);
    }

    [Fact]
    public async Task Votes_AreOnePerUser_AndWithdrawable_AndTheBoardSortsByTopNewAndTrending()
    {
        var author = await platform.NewUserAsync();
        var category = "beauty";
        var a = (string)(await (await author.Http.PostAsJsonAsync("/api/ideas", IdeaBody("Refillable lipstick case", category))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var b = (string)(await (await author.Http.PostAsJsonAsync("/api/ideas", IdeaBody("Travel brush that folds", category))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var voters = new[] { await platform.NewUserAsync(), await platform.NewUserAsync(), await platform.NewUserAsync() };
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => voters[0].Http.PostAsync($"/api/ideas/{a}/votes", null)));
        await voters[1].Http.PostAsync($"/api/ideas/{a}/votes", null);
        await voters[2].Http.PostAsync($"/api/ideas/{b}/votes", null);
        var withdrawn = await (await voters[1].Http.DeleteAsync($"/api/ideas/{a}/votes")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)withdrawn["votes"]!);
        Assert.False((bool)withdrawn["voted"]!);
        await voters[1].Http.PostAsync($"/api/ideas/{a}/votes", null);

        var top = await (await platform.CreateClient().GetAsync($"/api/ideas?sort=top&category={category}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { a, b }, top["items"]!.AsArray().Select(i => (string)i!["id"]!).Take(2));
        Assert.Equal(2, (int)top["items"]![0]!["votes"]!);
        var fresh = await (await platform.CreateClient().GetAsync($"/api/ideas?sort=new&category={category}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(b, (string?)fresh["items"]![0]!["id"]);
        var trending = await (await platform.CreateClient().GetAsync($"/api/ideas?sort=trending&category={category}&status=Open")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(a, (string?)trending["items"]![0]!["id"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.CreateClient().GetAsync("/api/ideas?sort=random")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await voters[0].Http.PostAsync("/api/ideas/nope/votes", null)).StatusCode);
    }

    [Fact]
    public async Task Comments_Follows_Reports_AndOperatorsHideIdeasAndComments()
    {
        var author = await platform.NewUserAsync();
        var fan = await platform.NewUserAsync();
        var id = (string)(await (await author.Http.PostAsJsonAsync("/api/ideas", IdeaBody("Quiet mechanical keyboard"))).JsonAsync(HttpStatusCode.Created))["id"]!;
        var comment = await (await fan.Http.PostAsJsonAsync($"/api/ideas/{id}/comments", new { body = "Yes please, with Korean legends" })).JsonAsync(HttpStatusCode.Created);
        var reply = await (await author.Http.PostAsJsonAsync($"/api/ideas/{id}/comments", new { body = "Noted!", parentId = (string)comment["id"]! })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal((string?)comment["id"], (string?)reply["parentId"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await fan.Http.PostAsJsonAsync($"/api/ideas/{id}/comments", new { body = "" })).StatusCode);
        var follow = await (await fan.Http.PostAsync($"/api/ideas/{id}/follow", null)).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)follow["following"]!);
        Assert.Equal(2, (int)follow["followers"]!); // the author follows their own idea

        await (await fan.Http.PostAsJsonAsync($"/api/comments/{reply["id"]}/reports", new { reason = "spam" })).JsonAsync(HttpStatusCode.OK);
        await (await fan.Http.PostAsJsonAsync($"/api/ideas/{id}/reports", new { reason = "duplicate" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await fan.Http.PutAsJsonAsync($"/api/ops/ideas/{id}/hidden", new { hidden = true })).StatusCode);
        var op = await platform.NewOperatorAsync();
        var reports = await (await op.Http.GetAsync("/api/ops/idea-reports")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(reports.AsArray(), r => (string?)r!["targetId"] == id);

        await (await op.Http.PutAsJsonAsync($"/api/ops/comments/{reply["id"]}/hidden", new { hidden = true })).JsonAsync(HttpStatusCode.OK);
        var thread = await (await platform.CreateClient().GetAsync($"/api/ideas/{id}/comments")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(thread.AsArray());
        await (await op.Http.PutAsJsonAsync($"/api/ops/ideas/{id}/hidden", new { hidden = true })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.Http.GetAsync($"/api/ideas/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.Http.PostAsync($"/api/ideas/{id}/votes", null)).StatusCode);
        await (await author.Http.GetAsync($"/api/ideas/{id}")).JsonAsync(HttpStatusCode.OK);
        var board = await (await platform.CreateClient().GetAsync("/api/ideas?sort=new&pageSize=100")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(board["items"]!.AsArray(), i => (string?)i!["id"] == id);
    }

    [Fact]
    public async Task APledge_IsValidated_DeclinedCardsAre402_AndAnotherUsersPledgeIsNotFound()
    {
        var loop = await platform.OpenCampaignAsync();
        var backer = await platform.NewUserAsync();
        var bad = await (await backer.PledgeAsync(loop.CampaignId, 0)).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["quantity"]);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await backer.PledgeAsync(loop.CampaignId, 1, card: Api.DeclinedCard)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await backer.PledgeAsync("nope", 1)).StatusCode);
        var pledge = await (await backer.PledgeAsync(loop.CampaignId, 1)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, (int)(await platform.CreateClient().CampaignAsync(loop.CampaignId))["pledgedUnits"]!);
        var other = await platform.NewUserAsync();
        Assert.Empty((await (await other.Http.GetAsync("/api/me/pledges")).JsonAsync(HttpStatusCode.OK)).AsArray());
        var same = await (await backer.Http.GetAsync("/api/me/pledges")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal((string?)pledge["id"], (string?)Assert.Single(same.AsArray())!["id"]);
    }
}
