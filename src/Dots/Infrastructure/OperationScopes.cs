namespace Dots.Infrastructure;

/// <summary>
/// One operation, one DI scope, one DbContext. A server-rendered page runs its layout and its components'
/// lifecycle methods concurrently, and a DbContext cannot serve two operations at once, so components never
/// inject a database-backed service: they run each load or save through these helpers (ADR 0009). The scope
/// (and its DbContext) lives exactly as long as the operation.
/// </summary>
public static class OperationScopes
{
    public static async Task<T> RunAsync<TService, T>(this IServiceScopeFactory scopes, Func<TService, Task<T>> work)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public static async Task RunAsync<TService>(this IServiceScopeFactory scopes, Func<TService, Task> work)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>For work that needs several services sharing one scope (create a user, then sign them in).</summary>
    public static async Task<T> RunInScopeAsync<T>(this IServiceScopeFactory scopes, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}
