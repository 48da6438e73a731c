using System.Net;
using Dots.Modules.Catalog;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Search;

/// <summary>A fake personalizer that likes the products a test tells it to, and remembers who asked.</summary>
public sealed class FakePersonalizer : ISearchPersonalizer
{
    public static readonly HashSet<string> Liked = [];
    public static readonly List<(string? UserId, string? SessionId, int Candidates)> Calls = [];

    public Task<IReadOnlyDictionary<string, double>> ScoreAsync(string? userId, string? sessionId, IReadOnlyList<SearchCandidate> candidates, CancellationToken ct)
    {
        lock (Calls)
        {
            Calls.Add((userId, sessionId, candidates.Count));
            return Task.FromResult<IReadOnlyDictionary<string, double>>(candidates.Where(c => Liked.Contains(c.ProductId)).ToDictionary(c => c.ProductId, _ => 1.0));
        }
    }
}

public sealed class PersonalizedPlatform : DotsFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddScoped<ISearchPersonalizer, FakePersonalizer>());
    }
}

public sealed class PersonalizedSearchTests(PersonalizedPlatform platform) : IClassFixture<PersonalizedPlatform>
{
    private async Task<List<string>> IdsAsync(HttpClient client, string query)
    {
        var page = await (await client.GetAsync("/api/products?q=" + Uri.EscapeDataString(query))).JsonAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
    }

    [Fact]
    public async Task ThePersonalizer_ReordersComparableMatches_ButNeverLiftsAFuzzierMatchAboveAnExactTitle()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var m = "zq" + Guid.NewGuid().ToString("N")[..8];
        var plainA = (string)(await owner.CreateProductAsync(shop, title: $"Linen Towel {m}"))["id"]!;
        var plainB = (string)(await owner.CreateProductAsync(shop, title: $"Linen Towel {m}"))["id"]!;
        var sampler = (string)(await owner.CreateProductAsync(shop, title: $"Linens Sampler {m}"))["id"]!;
        lock (FakePersonalizer.Calls)
        {
            FakePersonalizer.Liked.UnionWith([plainB, sampler]);
        }

        // Anonymous and without a session: nothing to personalize, the personalizer is not asked.
        var anonymous = await IdsAsync(platform.CreateClient(), $"linen towel {m}");
        Assert.Equal(2, anonymous.Count);

        var session = platform.CreateClient();
        session.DefaultRequestHeaders.Add("X-Session-Id", "s-" + m);
        var personal = await IdsAsync(session, $"linen {m}");
        Assert.Equal([plainB, plainA, sampler], personal); // B lifted above its equal A; the liked fragment match stays below both
        lock (FakePersonalizer.Calls)
        {
            Assert.Contains(FakePersonalizer.Calls, c => c.SessionId == "s-" + m && c.UserId is null && c.Candidates == 3);
        }

        var signedIn = await platform.NewUserAsync();
        await IdsAsync(signedIn.Http, $"linen {m}");
        lock (FakePersonalizer.Calls)
        {
            Assert.Contains(FakePersonalizer.Calls, c => c.UserId is not null && c.SessionId is null);
        }

        // Other sorts are not personal.
        var newest = await (await session.GetAsync($"/api/products?q=linen+{m}&sort=newest")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(sampler, (string?)newest["items"]![0]!["id"]);
    }
}
