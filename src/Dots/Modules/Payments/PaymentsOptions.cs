namespace Dots.Modules.Payments;

/// <summary>Bound from the <c>Payments</c> section and validated on start.</summary>
public sealed class PaymentsOptions
{
    /// <summary>The platform's share of each sale when the caller does not name one.</summary>
    public decimal CommissionRate { get; set; } = 0.10m;

    /// <summary>How long a sale waits before it is paid out (returns and chargebacks land in this window).</summary>
    public TimeSpan SettlementDelay { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an authorization is held when the caller does not say.</summary>
    public TimeSpan DefaultHoldDuration { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An attempt still Pending or Unknown after this long is reconciled by the background job.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether this instance runs the background jobs (hold expiry, reconciliation, the weekly payout run).</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>The weekday of the weekly payout run (UTC).</summary>
    public DayOfWeek PayoutDay { get; set; } = DayOfWeek.Monday;
}
