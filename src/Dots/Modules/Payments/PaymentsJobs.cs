using Microsoft.Extensions.Options;

namespace Dots.Modules.Payments;

/// <summary>
/// The module's clockwork, once a minute: release expired holds, reconcile provider calls left open, and once a week
/// (from <c>Payments:PayoutDay</c> on) start that ISO week's payout run. Safe on many instances: holds are voided
/// through compare-and-set, and a week's run is claimed by a unique row, so it happens once.
/// </summary>
internal sealed class PaymentsJobs(IServiceScopeFactory scopes, TimeProvider clock, IOptions<PaymentsOptions> options, ILogger<PaymentsJobs> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunJobs)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The payments jobs failed; will retry in a minute");
            }
        }
    }

    public async Task TickAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var payments = scope.ServiceProvider.GetRequiredService<PaymentService>();
            await payments.ExpireHoldsAsync(now, ct);
            await payments.ReconcileStaleAsync(now, ct);
        }
        if (DaysSinceMonday(now.UtcDateTime.DayOfWeek) >= DaysSinceMonday(options.Value.PayoutDay))
        {
            await using var scope = scopes.CreateAsyncScope();
            var ledger = scope.ServiceProvider.GetRequiredService<PayoutLedger>();
            var period = PayoutLedger.WeekOf(now);
            if (await ledger.RunPayoutsAsync(now, ct, "weekly", period) is { } run)
            {
                logger.LogInformation("Weekly payout run {Period} paid {Count} shops", period, run.Payouts.Count);
            }
        }
    }

    private static int DaysSinceMonday(DayOfWeek day) => ((int)day + 6) % 7;
}
