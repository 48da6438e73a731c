using System.Net;
using System.Text;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Demand;

/// <summary>The hand-written body reader (Utf8JsonReader) accepts what the JSON means, not only the bench's spelling.</summary>
public sealed class DemandEventReaderTests(DemandPlatform platform) : IClassFixture<DemandPlatform>
{
    [Fact]
    public async Task EscapedIds_OtherSpellingsOfTheType_NullsAndUnknownNestedFields_AreReadAsJsonMeansThem()
    {
        var owner = await platform.NewUserAsync();
        var shopId = await owner.OpenShopAsync();
        var productId = (string)(await owner.CreateProductAsync(shopId, stock: 3))["id"]!;
        var escaped = string.Concat(productId.Select(c => $"\\u{(int)c:x4}"));
        var session = "r-" + Guid.NewGuid().ToString("N")[..10];
        var body = $$"""
            { "meta": { "page": [1, 2, { "x": "events" }] }, "events": [
              { "type": "view", "productId": "{{escaped}}", "sessionId": "{{session}}" },
              { "type": " View ", "extra": { "events": [] }, "productId": "{{productId}}", "sessionId": "{{session}}", "at": null, "quantity": null },
              { "type": "cart", "productId": "{{productId}}", "quantity": 3, "sessionId": "{{session}}" },
              { "type": "view", "productId": 42, "sessionId": "{{session}}" },
              7,
              { "type": "search", "query": "Tea\tPot", "resultCount": 0, "productId": "not-looked-up", "sessionId": "{{session}}" },
              { "type": "view", "productId": "{{productId}}", "sessionId": "bad session!" }
            ], "trailing": true }
            """;
        var response = await platform.CreateClient().PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(4, (int)json["accepted"]!);
        var rejected = json["rejected"]!.AsArray().Select(r => ((int)r!["index"]!, (string)r["reason"]!)).ToList();
        Assert.Equal([3, 4, 6], rejected.Select(r => r.Item1).ToArray());
        Assert.Contains("productId is required", rejected[0].Item2);
        Assert.Equal("an event must be an object", rejected[1].Item2);
        Assert.Contains("sessionId must be", rejected[2].Item2);

        var rows = await platform.EventsAsync(e => e.SessionId == session);
        Assert.Equal(2, rows.Count(e => e.Type == "view" && e.ProductId == productId));
        Assert.Equal(3, Assert.Single(rows, e => e.Type == "cart_add").Quantity);
        Assert.Equal("tea pot", Assert.Single(rows, e => e.Type == "search").Query);
    }

    [Theory]
    [InlineData("{\"events\": [ {\"type\": \"view\"} ")]
    [InlineData("{\"events\": [], \"x\": }")]
    [InlineData("{\"other\": []}")]
    [InlineData("\"events\"")]
    public async Task ATruncatedOrWrongBody_Is400(string body)
    {
        var response = await platform.CreateClient().PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task MoreEventsThanTheLimit_Is400()
    {
        var events = string.Join(",", Enumerable.Repeat("{\"type\":\"search\",\"query\":\"x\",\"resultCount\":1,\"sessionId\":\"s\"}", 501));
        var response = await platform.CreateClient().PostAsync("/api/events", new StringContent($"{{\"events\":[{events}]}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
