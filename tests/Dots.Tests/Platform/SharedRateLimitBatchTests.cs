using Dots.Infrastructure.Http;
using Dots.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Platform;

/// <summary>
/// The shared rate-limit store (PostgreSQL, ADR 0022) counts hits arriving together in one statement: the limit still
/// holds exactly — of many concurrent requests for one key, exactly the limit are let through — and keys counted in the
/// same statement do not share their counts.
/// </summary>
public sealed class SharedRateLimitBatchTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [PostgresFact]
    public async Task ConcurrentHits_AreCountedTogether_AndExactlyTheLimitIsLetThrough()
    {
        var limits = platform.Services.GetRequiredService<SharedRateLimits>();
        Assert.True(limits.Enabled);
        var a = "test:batch-a:" + Guid.NewGuid().ToString("N");
        var b = "test:batch-b:" + Guid.NewGuid().ToString("N");
        using var start = new SemaphoreSlim(0);
        var hits = Enumerable.Range(0, 300).Select(async i =>
        {
            await start.WaitAsync();
            var key = i % 3 == 0 ? b : a;
            var (allowed, _) = await limits.HitAsync(key, key == a ? 37 : 80, TimeSpan.FromDays(1), CancellationToken.None);
            return (Key: key, Allowed: allowed);
        }).ToList();
        start.Release(hits.Count);
        var answers = await Task.WhenAll(hits);

        Assert.Equal(37, answers.Count(x => x.Key == a && x.Allowed));
        Assert.Equal(200 - 37, answers.Count(x => x.Key == a && !x.Allowed));
        Assert.Equal(80, answers.Count(x => x.Key == b && x.Allowed));
        Assert.Equal(20, answers.Count(x => x.Key == b && !x.Allowed));
        // Once over, the key stays over for the window.
        Assert.False((await limits.HitAsync(a, 37, TimeSpan.FromDays(1), CancellationToken.None)).Allowed);
    }
}
