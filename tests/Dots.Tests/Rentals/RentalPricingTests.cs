using Dots.Modules.Rentals;

namespace Dots.Tests.Rentals;

public sealed class RentalPricingTests
{
    [Theory]
    [InlineData(1, 10000, null, 10000)]
    [InlineData(6, 10000, 50000.0, 50000)] // six days would cost 60,000: capped at one week
    [InlineData(7, 10000, 50000.0, 50000)]
    [InlineData(9, 10000, 50000.0, 70000)]
    [InlineData(14, 10000, 50000.0, 100000)]
    [InlineData(3, 10000, null, 30000)]
    public void Rent_UsesWeeksThenDays_NeverMoreThanAnotherWeek(int days, decimal day, double? week, decimal expected) =>
        Assert.Equal(expected, RentalPricing.Rent(days, day, week is null ? null : (decimal)week, "KRW").Rent);

    [Fact]
    public void Settle_PartialDamage_KeepsThatPartOfTheDeposit()
    {
        var s = RentalPricing.Settle(new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 3), 10000, 100000, 25000, 1.5m, "KRW");
        Assert.Equal((0, 0m, 25000m, 75000m, 0m), (s.LateDays, s.LateFee, s.DepositCharged, s.DepositRefunded, s.Outstanding));
    }

    [Fact]
    public void Settle_EarlyReturn_ChargesNoLateDays()
    {
        var s = RentalPricing.Settle(new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 1), 10000, 100000, 0, 1.5m, "KRW");
        Assert.Equal((0, 0m, 100000m), (s.LateDays, s.DepositCharged, s.DepositRefunded));
    }

    [Fact]
    public void Settle_LateAndDamageBeyondTheDeposit_KeepsAllOfItAndTheRestIsOutstanding()
    {
        var s = RentalPricing.Settle(new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 6), 10000, 50000, 30000, 1.5m, "KRW");
        Assert.Equal((3, 45000m, 50000m, 0m, 25000m), (s.LateDays, s.LateFee, s.DepositCharged, s.DepositRefunded, s.Outstanding));
    }

    [Fact]
    public void Settle_RoundsLateFeesToTheCurrency()
    {
        var s = RentalPricing.Settle(new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 4), 12.35m, 100m, 0, 1.5m, "EUR");
        Assert.Equal(18.52m, s.LateFee); // 18.525 to even
    }
}
