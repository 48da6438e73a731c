using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Signals;
using Dots.Modules.Personalization;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Personalization;

public sealed class PersonalizationTests(PersonalizationPlatform platform) : IClassFixture<PersonalizationPlatform>
{
    private static bool HasHangul(string s) => s.Any(ch => ch is >= '\uAC00' and <= '\uD7A3');

    private static void AssertShopCap(JsonNode list, int limit)
    {
        var cap = Math.Max(1, limit / 3);
        foreach (var g in list.Items().GroupBy(i => (string?)i["shopId"]))
        {
            Assert.True(g.Count() <= cap, $"shop {g.Key} fills {g.Count()} of a list of {limit}");
        }
    }

    [Fact]
    public async Task ForYou_IsPersonal_NeverShowsTheOwnShopOrAJustBoughtProduct_CapsEachShop_AndExplainsInBothLanguages()
    {
        var w = await platform.WorldAsync();

        var en = await w.Owner.Http.GetListAsync("/api/recommendations/for-you?limit=6");
        var ko = await w.Owner.Http.GetListAsync("/api/recommendations/for-you?limit=6", "ko-KR,ko;q=0.9");

        Assert.True((bool)en["personalized"]!);
        Assert.Equal(6, en.Items().Count);
        Assert.DoesNotContain(en.Ids(), w.D.Products.Contains);
        Assert.DoesNotContain(w.A.Products[0], en.Ids());
        AssertShopCap(en, 6);
        Assert.All(en.Items(), i =>
        {
            Assert.Equal("product", (string?)i["kind"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)i["title"]));
            var reason = (string)i["reason"]!;
            Assert.False(HasHangul(reason), reason);
            Assert.Matches("^(Because you bought|Often bought after|Because you viewed|Customers who shop like you|You buy this often|You bought this before|Popular in)", reason);
        });
        Assert.All(ko.Items(), i => Assert.True(HasHangul((string)i["reason"]!), (string)i["reason"]!));
        // A reason that names a purchase names it by its title in the reader's language.
        var named = en.Items().FirstOrDefault(i => (string?)i["reasonKind"] == ReasonKinds.BecauseYouBought);
        if (named is not null)
        {
            Assert.Contains("Jeju Tangerines", (string)named["reason"]!);
            var koNamed = ko.Items().First(i => (string?)i["id"] == (string?)named["id"]);
            Assert.Contains("제주 감귤", (string)koNamed["reason"]!);
        }
        var big = await w.Owner.Http.GetListAsync("/api/recommendations/for-you?limit=20");
        AssertShopCap(big, 20);
        Assert.DoesNotContain(big.Ids(), w.D.Products.Contains);
    }

    [Fact]
    public async Task SoldOutAndUnpublishedProducts_NeverAppear_InAnyList()
    {
        var w = await platform.WorldAsync();
        var anon = platform.CreateClient();
        var before = await anon.GetListAsync("/api/recommendations/for-you?limit=20");
        Assert.Contains(w.C.Products[1], before.Ids());
        Assert.Contains(w.B.Products[1], before.Ids());

        // C1 sells out, B1 is unpublished.
        await (await w.C.Seller.Http.PutAsJsonAsync($"/api/products/{w.C.Products[1]}/variants/{w.C.Variants[1]}/stock", new { stock = 0 })).JsonAsync(HttpStatusCode.OK);
        await (await w.B.Seller.Http.PostAsync($"/api/products/{w.B.Products[1]}/unpublish", null)).JsonAsync(HttpStatusCode.OK);
        await platform.SyncAsync();
        try
        {
            var lists = new[]
            {
                await anon.GetListAsync("/api/recommendations/for-you?limit=20"),
                await w.Owner.Http.GetListAsync("/api/recommendations/for-you?limit=20"),
                await anon.GetListAsync($"/api/products/{w.A.Products[1]}/similar?limit=20"),
                await anon.GetListAsync($"/api/products/{w.A.Products[1]}/bought-together?limit=20"),
                await anon.GetListAsync("/api/recommendations/for-you?limit=20", session: "sold-out-session"),
            };
            foreach (var list in lists)
            {
                Assert.DoesNotContain(w.C.Products[1], list.Ids());
                Assert.DoesNotContain(w.B.Products[1], list.Ids());
            }
        }
        finally
        {
            await w.C.Seller.Http.PutAsJsonAsync($"/api/products/{w.C.Products[1]}/variants/{w.C.Variants[1]}/stock", new { stock = 500 });
            await w.B.Seller.Http.PostAsync($"/api/products/{w.B.Products[1]}/publish", null);
            await platform.SyncAsync();
        }
    }

    [Fact]
    public async Task BoughtTogether_NamesTheProduct_AndSimilarStaysInItsCategory()
    {
        var w = await platform.WorldAsync();
        var anon = platform.CreateClient();

        var together = await anon.GetListAsync($"/api/products/{w.A.Products[0]}/bought-together?limit=5");
        var similar = await anon.GetListAsync($"/api/products/{w.A.Products[0]}/similar?limit=5", "ko");

        // A0 was bought with B0 (same order) and before B3 (a later order) by the same three customers.
        Assert.Contains(together.Ids(), id => id == w.B.Products[0] || id == w.B.Products[3]);
        Assert.All(together.Items(), i => Assert.Equal("Often bought together with Jeju Tangerines", (string)i["reason"]!));
        Assert.DoesNotContain(w.A.Products[0], similar.Ids());
        Assert.All(similar.Ids(), id => Assert.DoesNotContain(id, w.B.Products));
        Assert.All(similar.Items(), i => Assert.True(HasHangul((string)i["reason"]!)));
        AssertShopCap(similar, 5);
        await (await anon.GetAsync("/api/products/nope/similar")).JsonAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync("/api/recommendations/for-you?limit=0")).JsonAsync(HttpStatusCode.BadRequest);
        await (await anon.GetAsync("/api/recommendations/for-you?limit=500")).JsonAsync(HttpStatusCode.BadRequest);
        await (await anon.GetAsync("/api/me/buy-again")).JsonAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task APurchase_ShowsInBuyAgain_AndLeavesForYou_WithoutRetraining()
    {
        var w = await platform.WorldAsync();
        var buyer = await platform.NewUserAsync();
        await World.BuyAsync(buyer, w.A.Variants[0]);
        var first = await buyer.Http.GetListAsync("/api/recommendations/for-you?limit=10");
        var top = first.Items().First(i => !w.A.Products[0].Equals((string?)i["id"]));
        var topId = (string)top["id"]!;
        var variant = w.A.Products.Concat(w.B.Products).Concat(w.C.Products).Zip(w.A.Variants.Concat(w.B.Variants).Concat(w.C.Variants)).First(p => p.First == topId).Second;

        await World.BuyAsync(buyer, variant);

        await Eventually.UntilAsync(async () => !(await buyer.Http.GetListAsync("/api/recommendations/for-you?limit=10")).Ids().Contains(topId),
            "the just-bought product leaves for you");
        Assert.Empty((await buyer.Http.GetListAsync("/api/me/buy-again")).Ids());

        await World.BuyAsync(buyer, variant);
        var again = await buyer.Http.GetListAsync("/api/me/buy-again", "ko");
        Assert.Equal([topId], again.Ids());
        Assert.Equal("자주 구매하신 상품", (string)again.Items()[0]["reason"]!);
        Assert.Equal("You buy this often", (string)(await buyer.Http.GetListAsync("/api/me/buy-again")).Items()[0]["reason"]!);
    }

    [Fact]
    public async Task SwitchingPersonalizationOff_GivesTheNonPersonalLists_AndStopsRecordingViews()
    {
        var w = await platform.WorldAsync();
        var buyer = await platform.NewUserAsync();
        var buyerId = (string)(await (await buyer.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK))["id"]!;
        await World.BuyAsync(buyer, w.A.Variants[3]);
        await World.BuyAsync(buyer, w.A.Variants[3]);
        Assert.NotEmpty((await buyer.Http.GetListAsync("/api/me/buy-again")).Ids());

        var off = await (await buyer.SetPersonalizationAsync(false)).JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)off["enabled"]!);
        await Listen(new ClientSignal("view", w.C.Products[4], null, null, null, buyerId, DateTimeOffset.UtcNow));

        var forYou = await buyer.Http.GetListAsync("/api/recommendations/for-you?limit=10");
        var anonymous = await platform.CreateClient().GetListAsync("/api/recommendations/for-you?limit=10");
        Assert.False((bool)forYou["personalized"]!);
        Assert.Equal(anonymous.Ids(), forYou.Ids());
        Assert.Empty((await buyer.Http.GetListAsync("/api/me/buy-again")).Ids());
        Assert.Empty((await buyer.Http.GetListAsync("/api/recommendations/recently-viewed")).Ids());

        await (await buyer.SetPersonalizationAsync(true)).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)(await buyer.Http.GetListAsync("/api/recommendations/for-you?limit=10"))["personalized"]!);
        Assert.Empty((await buyer.Http.GetListAsync("/api/recommendations/recently-viewed")).Ids());
        await (await buyer.Http.PutAsJsonAsync("/api/me/personalization", new { })).JsonAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AGuestSession_GetsRecommendationsFromItsViews_ThroughTheSignalListener()
    {
        var w = await platform.WorldAsync();
        var session = "guest-" + Guid.NewGuid().ToString("N");
        var anon = platform.CreateClient();
        Assert.False((bool)(await anon.GetListAsync("/api/recommendations/for-you", session: session))["personalized"]!);

        var at = DateTimeOffset.UtcNow;
        await Listen(
            new ClientSignal("view", w.A.Products[1], null, null, session, null, at.AddSeconds(-3)),
            new ClientSignal("search", null, "tea", 3, session, null, at.AddSeconds(-2)),
            new ClientSignal("view", w.C.Products[1], null, null, session, null, at.AddSeconds(-1)),
            new ClientSignal("view", w.A.Products[4], null, null, session, null, at));

        var forYou = await anon.GetListAsync("/api/recommendations/for-you?limit=6", session: session);
        var recent = await anon.GetListAsync("/api/recommendations/recently-viewed", session: session);
        Assert.True((bool)forYou["personalized"]!);
        Assert.Contains(forYou.Items(), i => (string?)i["reasonKind"] == ReasonKinds.BecauseYouViewed);
        Assert.Equal([w.A.Products[4], w.C.Products[1], w.A.Products[1]], recent.Ids());
        Assert.Empty((await anon.GetListAsync("/api/recommendations/recently-viewed", session: "someone-else")).Ids());
    }

    [Fact]
    public async Task SigningIn_MergesTheSessionsViews()
    {
        var w = await platform.WorldAsync();
        var user = await platform.NewUserAsync();
        var userId = (string)(await (await user.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK))["id"]!;
        var session = "merge-" + Guid.NewGuid().ToString("N");
        await Listen(new ClientSignal("view", w.B.Products[2], null, null, session, null, DateTimeOffset.UtcNow));

        await using (var scope = platform.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RecommendationService>().MergeSessionAsync(session, userId, CancellationToken.None);
        }

        Assert.Equal([w.B.Products[2]], (await user.Http.GetListAsync("/api/recommendations/recently-viewed")).Ids());
    }

    [Fact]
    public async Task ViewsOlderThanTheRetention_ArePruned_AndTheRecentOnesStay()
    {
        var w = await platform.WorldAsync();
        var session = "prune-" + Guid.NewGuid().ToString("N");
        var anon = platform.CreateClient();
        var now = DateTimeOffset.UtcNow;
        var retention = platform.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PersonalizationOptions>>().Value.ViewRetentionDays;
        await Listen(
            new ClientSignal("view", w.A.Products[2], null, null, session, null, now.AddDays(-retention - 1)),
            new ClientSignal("view", w.C.Products[2], null, null, session, null, now.AddDays(-retention + 1)));

        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var pruned = await scope.ServiceProvider.GetRequiredService<RecommendationService>().PruneViewsAsync(CancellationToken.None);
            Assert.True(pruned >= 1, $"pruned {pruned}");
        }

        Assert.Equal([w.C.Products[2]], (await anon.GetListAsync("/api/recommendations/recently-viewed", session: session)).Ids());
    }

    [Fact]
    public async Task AModelSwapUnderLoad_ServesNoError_AndNeverMixesVersionsInOneResponse()
    {
        var w = await platform.WorldAsync();
        var host = platform.Services.GetRequiredService<ModelHost>();
        var first = host.Current;
        var retrained = await platform.TrainAsync();
        Assert.Equal("live", retrained.Status);
        var second = host.Current;
        Assert.NotEqual(first.Label, second.Label);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var swapper = Task.Run(async () =>
        {
            var flip = false;
            while (!stop.IsCancellationRequested)
            {
                host.Swap(flip ? first : second);
                flip = !flip;
                await Task.Yield();
            }
        });
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var clients = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            var http = i % 2 == 0 ? w.Owner.Http : platform.CreateClient();
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var url = (n++ % 3) switch
                {
                    0 => "/api/recommendations/for-you?limit=10",
                    1 => $"/api/products/{w.A.Products[0]}/similar?limit=5",
                    _ => $"/api/products/{w.A.Products[1]}/bought-together?limit=5",
                };
                var list = await http.GetListAsync(url);
                var version = (string)list["modelVersion"]!;
                Assert.All(list.Items(), item => Assert.Equal(version, (string?)item["modelVersion"]));
                seen.AddOrUpdate(version, 1, (_, c) => c + 1);
            }
        })).ToList();
        await Task.WhenAll(clients);
        await swapper;
        host.Swap(second);

        Assert.Contains(first.Label, seen.Keys);
        Assert.Contains(second.Label, seen.Keys);
    }

    [Fact]
    public async Task ACandidateMuchWorseThanTheLiveModel_IsNotPromoted()
    {
        await platform.WorldAsync();
        var host = platform.Services.GetRequiredService<ModelHost>();
        var live = host.Current;
        var original = await platform.WithDbAsync(db => db.Set<ModelVersion>().Where(v => v.Number == live.Number).Select(v => v.HoldoutRecall).SingleAsync());
        await platform.WithDbAsync(db => db.Set<ModelVersion>().Where(v => v.Number == live.Number).ExecuteUpdateAsync(u => u.SetProperty(v => v.HoldoutRecall, 2.0)));
        try
        {
            var result = await platform.TrainAsync();

            Assert.Equal("rejected", result.Status);
            Assert.Equal(live.Label, host.Current.Label);
        }
        finally
        {
            await platform.WithDbAsync(db => db.Set<ModelVersion>().Where(v => v.Number == live.Number).ExecuteUpdateAsync(u => u.SetProperty(v => v.HoldoutRecall, original)));
        }
    }

    private async Task Listen(params ClientSignal[] signals)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        foreach (var listener in scope.ServiceProvider.GetServices<IClientSignalListener>())
        {
            await listener.OnAcceptedAsync(signals, CancellationToken.None);
        }
    }
}
