using Dots.Infrastructure.Seeding;

namespace Dots.Modules.CoCreation;

/// <summary>The co-creation part of the demo marketplace (filled in below).</summary>
internal sealed class CoCreationDemoSeed : IDemoSeedContributor
{
    public Task SeedAsync(IProgress<string>? progress, CancellationToken ct) => Task.CompletedTask;
}
