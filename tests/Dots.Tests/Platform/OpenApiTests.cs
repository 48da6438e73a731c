using System.Net;
using System.Text.Json.Nodes;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Platform;

/// <summary>
/// The OpenAPI document is what clients are generated from: these tests hold the parts generators rely on,
/// and write the document to DOTS_OPENAPI_OUT (when set) so test.sh can lint it without starting a server.
/// </summary>
public sealed class OpenApiTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private async Task<JsonNode> DocumentAsync()
    {
        var response = await platform.CreateClient().GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (Environment.GetEnvironmentVariable("DOTS_OPENAPI_OUT") is { Length: > 0 } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, text);
        }
        return JsonNode.Parse(text)!;
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonNode doc) =>
        from path in doc["paths"]!.AsObject()
        from item in path.Value!.AsObject()
        where Methods.Contains(item.Key)
        select (path.Key, item.Key, item.Value!.AsObject());

    [Fact]
    public async Task Document_IsWrittenForTheLinter()
    {
        var doc = await DocumentAsync();
        Assert.StartsWith("3.", (string)doc["openapi"]!);
    }

    [Fact]
    public async Task EveryOperation_HasAUniqueOperationIdAndASummary()
    {
        var doc = await DocumentAsync();
        var ids = new List<string>();
        foreach (var (path, method, operation) in Operations(doc))
        {
            var id = (string?)operation["operationId"];
            Assert.False(string.IsNullOrWhiteSpace(id), $"{method.ToUpperInvariant()} {path} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{method.ToUpperInvariant()} {path} has no summary");
            Assert.True(operation["responses"]!.AsObject().Any(r => r.Key.StartsWith('2')), $"{method.ToUpperInvariant()} {path} declares no success response");
            ids.Add(id!);
        }
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task EveryApiOperation_DeclaresAClientError()
    {
        // The only API route with no client error to report: no parameters, no body, no sign-in, no rate limit.
        var cannotFail = new[] { "get /api/categories" };
        var doc = await DocumentAsync();
        foreach (var (path, method, operation) in Operations(doc).Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal) && !cannotFail.Contains($"{o.Method} {o.Path}")))
        {
            var codes = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            Assert.True(codes.Any(c => c.StartsWith('4')), $"{method.ToUpperInvariant()} {path} declares no 4xx response ({string.Join(", ", codes)})");
        }
    }

    [Fact]
    public async Task ProtectedOperations_ListTheBearerAndCookieSchemes_AnonymousOnesNone()
    {
        var doc = await DocumentAsync();
        var schemes = doc["components"]!["securitySchemes"]!;
        Assert.Equal("http", (string?)schemes["bearer"]!["type"]);
        Assert.Equal("bearer", (string?)schemes["bearer"]!["scheme"]);
        Assert.Equal("apiKey", (string?)schemes["cookie"]!["type"]);
        Assert.Equal("cookie", (string?)schemes["cookie"]!["in"]);
        Assert.Equal(".AspNetCore.Identity.Application", (string?)schemes["cookie"]!["name"]);

        var ops = Operations(doc).ToDictionary(o => $"{o.Method.ToUpperInvariant()} {o.Path}", o => o.Operation);
        var placeOrder = ops["POST /api/orders"]["security"]!.AsArray().Select(r => r!.AsObject().Single().Key).ToList();
        Assert.Equal(["bearer", "cookie"], placeOrder);
        Assert.True(ops["POST /api/orders"]["responses"]!["401"] is not null);
        foreach (var anonymous in new[] { "GET /api/products", "POST /api/auth/login", "GET /health" })
        {
            Assert.Empty(ops[anonymous]["security"]!.AsArray());
        }
        Assert.Equal(2, ops["GET /api/auth/manage/info"]["security"]!.AsArray().Count);
    }

    [Fact]
    public async Task MoneyEndpoints_DocumentTheirBodyAndTheIdempotencyKey()
    {
        var doc = await DocumentAsync();
        var ops = Operations(doc).ToDictionary(o => $"{o.Method.ToUpperInvariant()} {o.Path}", o => o.Operation);
        foreach (var route in new[] { "POST /api/orders", "POST /api/cart/checkout" })
        {
            Assert.NotNull(ops[route]["requestBody"]?["content"]?["application/json"]?["schema"]);
            var key = ops[route]["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "Idempotency-Key")!;
            Assert.Equal("header", (string?)key["in"]);
            Assert.Equal(200, (int?)key["schema"]!["maxLength"]);
            foreach (var status in new[] { "201", "400", "401", "402", "409", "429" })
            {
                Assert.True(ops[route]["responses"]![status] is not null, $"{route} does not declare {status}");
            }
        }
        Assert.True(ops["POST /api/orders/{id}/cancel"]["responses"]!["409"] is not null);
    }

    [Fact]
    public async Task TheDeclared401_IsTheProblemBodyTheApiSends()
    {
        var doc = await DocumentAsync();
        var declared = doc["paths"]!["/api/orders"]!["get"]!["responses"]!["401"]!["content"]!.AsObject().Single().Key;
        var response = await platform.CreateClient().GetAsync("/api/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(declared, response.Content.Headers.ContentType?.MediaType);
    }
}
