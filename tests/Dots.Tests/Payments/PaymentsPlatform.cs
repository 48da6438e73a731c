using Dots.Infrastructure.Database;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Payments;

/// <summary>A platform for the Payments tests: the module's jobs stay off so nothing but the test moves money.</summary>
public sealed class PaymentsPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Payments:RunJobs"] = "false" };

    internal SandboxFaults Faults => Services.GetRequiredService<SandboxFaults>();

    /// <summary>Runs one call in its own scope, as one request would.</summary>
    public async Task<T> PaymentsAsync<T>(Func<PaymentService, Task<T>> call)
    {
        await using var scope = Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<PaymentService>());
    }

    public async Task<T> LedgerAsync<T>(Func<PayoutLedger, Task<T>> call)
    {
        await using var scope = Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<PayoutLedger>());
    }

    internal async Task<List<SandboxLedgerEntry>> SandboxEntriesAsync(string keyPrefix)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var entries = await db.Set<SandboxLedgerEntry>().AsNoTracking().Where(e => e.Key.StartsWith(keyPrefix)).ToListAsync();
        return entries.OrderBy(e => e.At).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    internal IPaymentProvider Sandbox => Services.GetRequiredService<IPaymentProvider>();
}
