using Dots.Infrastructure.Database;
using Dots.Infrastructure.Signals;
using Dots.Modules.Demand;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;

namespace Dots.Tests.Demand;

/// <summary>Records what the demand module tells client-signal listeners.</summary>
public sealed class RecordingSignalListener : IClientSignalListener
{
    public static readonly ConcurrentQueue<ClientSignal> Seen = new();

    public Task OnAcceptedAsync(IReadOnlyList<ClientSignal> signals, CancellationToken ct)
    {
        foreach (var s in signals) Seen.Enqueue(s);
        return Task.CompletedTask;
    }
}

/// <summary>A platform for the demand tests: ingestion's rate limit out of the way, jobs off, a listener recording client signals.</summary>
public class DemandPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Demand:RequestsPerSecond"] = "100000",
        ["Demand:RequestBurst"] = "100000",
        ["Jobs:RunJobs"] = "false",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddClientSignalListener<RecordingSignalListener>());
    }

    internal DemandWriter Writer => Services.GetRequiredService<DemandWriter>();

    internal async Task<T> DemandAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    internal Task<List<DemandProductRollup>> ProductRollupsAsync(string? shopId = null) => WithDbAsync(db =>
        db.Set<DemandProductRollup>().AsNoTracking().Where(r => shopId == null || r.ShopId == shopId).ToListAsync());

    internal Task<List<DemandEvent>> EventsAsync(Func<DemandEvent, bool> where) => WithDbAsync(async db =>
        (await db.Set<DemandEvent>().AsNoTracking().ToListAsync()).Where(where).ToList());
}

/// <summary>A platform whose writer holds few events, for back-pressure.</summary>
public sealed class SmallQueuePlatform : DemandPlatform
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Demand:QueueCapacity"] = "200",
        ["Demand:AckWaitMilliseconds"] = "50",
    };
}
