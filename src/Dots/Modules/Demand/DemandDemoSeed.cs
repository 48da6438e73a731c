using Dots.Infrastructure.Seeding;

namespace Dots.Modules.Demand;

internal sealed class DemandDemoSeed : IDemoSeedContributor
{
    public Task SeedAsync(IProgress<string>? progress, CancellationToken ct) => Task.CompletedTask;
}
