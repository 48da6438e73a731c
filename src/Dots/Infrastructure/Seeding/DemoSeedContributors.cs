namespace Dots.Infrastructure.Seeding;

/// <summary>
/// A module's part of the demo marketplace. Contributors run after the core demo (shops, products, customers,
/// order history) exists, in registration order, every time demo seeding is on; each checks its own tables and does
/// nothing when its data is already there, so a module added to an existing demo database seeds itself once.
/// A contributor reaches other modules only through their public services, like any other module code.
/// </summary>
public interface IDemoSeedContributor
{
    Task SeedAsync(IProgress<string>? progress, CancellationToken ct);
}

public static class DemoSeedRegistration
{
    public static IServiceCollection AddDemoSeed<TContributor>(this IServiceCollection services)
        where TContributor : class, IDemoSeedContributor =>
        services.AddScoped<IDemoSeedContributor, TContributor>();

    /// <summary>Runs every module's contributor, each in a scope of its own, in registration order.</summary>
    public static async Task RunDemoSeedContributorsAsync(this IServiceProvider services, IProgress<string>? progress, CancellationToken ct)
    {
        int count;
        using (var probe = services.CreateScope())
        {
            count = probe.ServiceProvider.GetServices<IDemoSeedContributor>().Count();
        }
        for (var i = 0; i < count; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var contributor = scope.ServiceProvider.GetServices<IDemoSeedContributor>().ElementAt(i);
            await contributor.SeedAsync(progress, ct);
        }
    }
}
