namespace Dots.Infrastructure.Signals;

/// <summary>
/// One accepted client-side signal (a product view, a search with its result count, a cart change, a recommendation
/// impression or click), as the demand module's ingestion accepted it. No personal data: a user id only when the
/// caller was signed in, otherwise the anonymous session id the browser carries.
/// </summary>
public sealed record ClientSignal(
    string Type,
    string? ProductId,
    string? Query,
    int? ResultCount,
    string? SessionId,
    string? UserId,
    DateTimeOffset At);

/// <summary>
/// A module that wants client signals as they arrive (personalization's "recently viewed", for example) implements
/// this; the ingesting module calls every registered listener once per accepted batch, after the batch is durable.
/// A listener must be quick and must not throw for one bad signal; it runs on the ingesting request's instance only,
/// so anything it keeps must live in the database (or be a cache rebuilt from it).
/// </summary>
public interface IClientSignalListener
{
    Task OnAcceptedAsync(IReadOnlyList<ClientSignal> signals, CancellationToken ct);
}

public static class ClientSignalRegistration
{
    public static IServiceCollection AddClientSignalListener<TListener>(this IServiceCollection services)
        where TListener : class, IClientSignalListener =>
        services.AddScoped<IClientSignalListener, TListener>();
}
