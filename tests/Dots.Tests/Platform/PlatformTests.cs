using System.Net;
using System.Text;
using Dots.Tests.Infrastructure;

namespace Dots.Tests.Platform;

public sealed class PlatformTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task Health_IsOkWhenTheDatabaseIsReachable()
    {
        var response = await platform.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheContractRoutes()
    {
        var doc = await (await platform.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        foreach (var route in new[] { "/api/me", "/api/shops", "/api/shops/{shopId}/products", "/api/products", "/api/products/{id}",
                     "/api/products/{id}/variants/{variantId}/stock", "/api/orders", "/api/orders/{id}", "/api/orders/{id}/cancel", "/api/shops/{shopId}/orders", "/api/auth/login", "/api/auth/register" })
        {
            Assert.Contains(route, paths);
        }
    }

    [Fact]
    public async Task ApiReferencePage_IsServed()
    {
        var response = await platform.CreateClient().GetAsync("/api-docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABodyOverTheLimit_Returns413Problem()
    {
        var user = await platform.NewUserAsync();
        var huge = "{\"name\":\"" + new string('x', 1_100_000) + "\"}";
        var response = await user.Http.PostAsync("/api/shops", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task MalformedJson_Returns400ProblemNot500()
    {
        var user = await platform.NewUserAsync();
        var response = await user.Http.PostAsync("/api/shops", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));
        await response.JsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownRoute_Returns404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CreateClient().GetAsync("/api/nothing-here")).StatusCode);
    }
}

public sealed class StrictRateLimitPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:AuthPerMinute"] = "5",
        ["RateLimits:OrdersPerMinute"] = "3",
        ["RateLimits:OrdersBurst"] = "3",
    };
}

public sealed class RateLimitTests(StrictRateLimitPlatform platform) : IClassFixture<StrictRateLimitPlatform>
{
    [Fact]
    public async Task RepeatedSignInAttempts_AreThrottledWith429AndRetryAfter()
    {
        var client = platform.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var response = await client.PostAsync("/api/auth/login", new StringContent("{\"email\":\"nobody@test.dots\",\"password\":\"Nope12345\"}", Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter is not null || response.Headers.Contains("Retry-After"));
            }
        }
        Assert.Contains(HttpStatusCode.Unauthorized, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}

public sealed class HealthProbeTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [Fact]
    public async Task RepeatedHealthProbes_LeaveTheApiAnswering()
    {
        var client = platform.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/products?pageSize=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }
}
