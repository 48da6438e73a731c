using System.Net;
using System.Net.Http.Json;
using Dots.Infrastructure;
using Dots.Modules.Delivery;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Delivery;

public sealed class ZoneEditTests(DeliveryPlatform platform) : IClassFixture<DeliveryPlatform>
{
    [Fact]
    public async Task AnOperatorEditsAZone_AndTheCentresCutoff_WithFieldErrorsForBadInput()
    {
        var op = await platform.NewOperatorAsync();
        var (centreId, zoneId) = await platform.CityAsync(op, 41.00, 29.00, capacity: 10);
        var square = new[] { new[] { 40.9, 28.9 }, new[] { 41.1, 28.9 }, new[] { 41.1, 29.1 }, new[] { 40.9, 29.1 } };

        var updated = await (await op.Http.PutAsJsonAsync($"/api/ops/delivery/zones/{zoneId}", new { name = "Beyoğlu", nameKo = "베이오울루", nightlyCapacity = 25, polygon = square }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(25, (int)updated["nightlyCapacity"]!);
        Assert.Equal(4, updated["polygon"]!.AsArray().Count);
        var promise = await (await platform.CreateClient().GetAsync("/api/delivery/promise?latitude=41.09&longitude=29.09")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(25, (int)promise["remaining"]!);

        var flat = await (await op.Http.PutAsJsonAsync($"/api/ops/delivery/zones/{zoneId}", new { name = "Flat", nightlyCapacity = 5, polygon = new[] { new[] { 41.0, 29.0 }, new[] { 41.0, 29.0 }, new[] { 41.0, 29.0 } } }))
            .JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(flat["errors"]!["polygon"]);
        var bad = await (await op.Http.PutAsJsonAsync($"/api/ops/delivery/zones/{zoneId}", new { name = "", nightlyCapacity = -1, polygon = square.Take(2) }))
            .JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["name"]);
        Assert.NotNull(bad["errors"]!["nightlyCapacity"]);
        Assert.NotNull(bad["errors"]!["polygon"]);
        await (await op.Http.PutAsJsonAsync("/api/ops/delivery/zones/nope", new { name = "X", nightlyCapacity = 5, polygon = square })).JsonAsync(HttpStatusCode.NotFound);

        // The centre's cut-off moves to 21:30; a bad time is a field error.
        var centre = await (await op.Http.PutAsJsonAsync($"/api/ops/delivery/centres/{centreId}/times", new { cutoff = "21:30", deliverBy = "06:00" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("21:30", (string)centre["cutoff"]!);
        var later = await (await platform.CreateClient().GetAsync("/api/delivery/promise?latitude=41.09&longitude=29.09")).JsonAsync(HttpStatusCode.OK);
        Assert.EndsWith("21:30:00+09:00", (string)later["cutoff"]!);
        var wrong = await (await op.Http.PutAsJsonAsync($"/api/ops/delivery/centres/{centreId}/times", new { cutoff = "25:00" })).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(wrong["errors"]!["cutoff"]);
    }

    [Fact]
    public void TheZoneFormsVertexList_IsParsedLineByLine_AndABadLineIsNamed()
    {
        var points = DeliverySetup.ParseVertices("37.5, 126.9\n 37.6,127.0 \n\n37.55 127.1\n");
        Assert.Equal(3, points.Count);
        Assert.Equal([37.55, 127.1], points[2]);
        var e = Assert.Throws<RequestValidationException>(() => DeliverySetup.ParseVertices("37.5, 126.9\n37.6; 127"));
        Assert.Contains("Line 2", e.Errors["polygon"][0]);
    }
}
