using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Modules.Payments;

/// <summary>
/// Once a minute, on one instance of the cluster: release expired holds and reconcile provider calls left open (a
/// crash or a timeout between the call and its record). Both are compare-and-set, so a rerun changes nothing twice.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class PaymentsMaintenanceJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<PaymentsOptions> options) : IJob
{
    public const string Name = "payments.maintain";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Value.RunJobs)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var payments = scope.ServiceProvider.GetRequiredService<PaymentService>();
        var now = clock.GetUtcNow();
        await payments.ExpireHoldsAsync(now, cancellationToken);
        await payments.ReconcileStaleAsync(now, cancellationToken);
    }
}

/// <summary>
/// The weekly payout run (`Payments:PayoutDay`, 03:00 UTC). Quartz fires it once across the cluster; the run also
/// claims its ISO week by a unique row, so a retry or a late second firing pays nobody twice.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class WeeklyPayoutJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<PaymentsOptions> options, ILogger<WeeklyPayoutJob> logger) : IJob
{
    public const string Name = "payments.weekly-payouts";

    public static string Cron(DayOfWeek day) => $"0 0 3 ? * {day.ToString()[..3].ToUpperInvariant()}";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Value.RunJobs)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<PayoutLedger>();
        var now = clock.GetUtcNow();
        var period = PayoutLedger.WeekOf(now);
        if (await ledger.RunPayoutsAsync(now, cancellationToken, "weekly", period) is { } run)
        {
            logger.LogInformation("Weekly payout run {Period} paid {Count} shops", period, run.Payouts.Count);
        }
    }
}
