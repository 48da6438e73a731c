using System.Net;
using System.Net.Http.Json;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Demand;

public sealed class DemandBackPressureTests(SmallQueuePlatform platform) : IClassFixture<SmallQueuePlatform>
{
    [Fact]
    public async Task AStalledWriter_MakesIngestionPushBackWith429_AndLosesNoAcceptedEvent()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var productId = (string)(await owner.CreateProductAsync(shopId))["id"]!;
        var session = "bp-" + Guid.NewGuid().ToString("N");
        var client = platform.CreateClient();
        var batch = new { events = Enumerable.Range(0, 30).Select(_ => new { type = "view", productId, sessionId = session }).ToArray() };

        platform.Writer.Stall();
        int accepted = 0;
        HttpResponseMessage? pushedBack = null;
        try
        {
            for (int i = 0; i < 20 && pushedBack is null; i++)
            {
                var response = await client.PostAsJsonAsync("/api/events", batch);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) pushedBack = response;
                else accepted += (int)(await response.JsonAsync(HttpStatusCode.Accepted))["accepted"]!;
            }
            Assert.NotNull(pushedBack);
            Assert.Equal("1", pushedBack.Headers.GetValues("Retry-After").Single());
            Assert.True(accepted is > 0 and <= 200, $"accepted {accepted}");
            Assert.True(platform.Writer.Queued <= 200);
        }
        finally
        {
            platform.Writer.Resume();
        }
        await Eventually.UntilAsync(async () => (await platform.EventsAsync(e => e.SessionId == session)).Count == accepted, "every accepted event written");
        await Eventually.UntilAsync(async () => (await platform.ProductRollupsAsync(shopId)).Where(r => r.Span == 24).Sum(r => r.Views) == accepted, "every accepted event rolled up");
        // And ingestion takes events again.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/events", batch)).StatusCode);
    }
}
