using Dots.Infrastructure;

namespace Dots.Modules.Rentals;

/// <summary>The arithmetic of rentals, apart from storage so it is tested on its own.</summary>
public static class RentalPricing
{
    /// <summary>
    /// Rent for <paramref name="days"/> days: whole weeks at the week price (when there is one) and the remaining days at
    /// the day price, never more than one more week would cost.
    /// </summary>
    public static (decimal Rent, int Weeks, int ExtraDays) Rent(int days, decimal pricePerDay, decimal? pricePerWeek, string currency)
    {
        if (pricePerWeek is not { } week)
        {
            return (Round(days * pricePerDay, currency), 0, days);
        }
        var weeks = days / 7;
        var extra = days % 7;
        var rent = weeks * week + Math.Min(extra * pricePerDay, week);
        return (Round(rent, currency), weeks, extra);
    }

    /// <summary>
    /// What a return costs: late days (each at <paramref name="lateDayFactor"/> × the day price) plus damage. The deposit
    /// covers as much as it can (captured), the rest of it goes back to the customer, and charges beyond the deposit are
    /// outstanding.
    /// </summary>
    public static ReturnSettlement Settle(DateOnly to, DateOnly returnedOn, decimal pricePerDay, decimal deposit, decimal damage, decimal lateDayFactor, string currency)
    {
        var lateDays = Math.Max(0, returnedOn.DayNumber - to.DayNumber);
        var lateFee = Round(lateDays * pricePerDay * lateDayFactor, currency);
        var total = damage + lateFee;
        var charged = Math.Min(total, deposit);
        return new ReturnSettlement(lateDays, lateFee, damage, charged, deposit - charged, total - charged);
    }

    private static decimal Round(decimal amount, string currency) => Math.Round(amount, Currencies.MinorDigits(currency), MidpointRounding.ToEven);
}

public sealed record ReturnSettlement(int LateDays, decimal LateFee, decimal Damage, decimal DepositCharged, decimal DepositRefunded, decimal Outstanding);
