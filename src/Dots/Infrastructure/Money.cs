namespace Dots.Infrastructure;

/// <summary>An amount in a currency's major unit (KRW has no minor unit; 12.5 EUR is valid).</summary>
public sealed record Money(decimal Amount, string Currency)
{
    public static Money Zero(string currency) => new(0m, currency);

    public static Money operator +(Money a, Money b)
    {
        EnsureSameCurrency(a, b);
        return new Money(a.Amount + b.Amount, a.Currency);
    }

    public static Money operator -(Money a, Money b)
    {
        EnsureSameCurrency(a, b);
        return new Money(a.Amount - b.Amount, a.Currency);
    }

    public Money Times(decimal factor) => new(Amount * factor, Currency);

    /// <summary>Rounds to the currency's minor unit (none for KRW and JPY, cents otherwise).</summary>
    public Money Rounded() => new(Math.Round(Amount, Currencies.MinorDigits(Currency), MidpointRounding.ToEven), Currency);

    private static void EnsureSameCurrency(Money a, Money b)
    {
        if (!string.Equals(a.Currency, b.Currency, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Cannot combine {a.Currency} with {b.Currency}.");
        }
    }
}

public static class Currencies
{
    private static readonly HashSet<string> Known = ["KRW", "USD", "EUR", "JPY", "GBP"];

    public static bool IsKnown(string? code) => code is not null && Known.Contains(code);

    public static int MinorDigits(string currency) => currency is "KRW" or "JPY" ? 0 : 2;

    /// <summary>True when the amount has no more decimals than the currency allows.</summary>
    public static bool FitsMinorUnit(decimal amount, string currency) =>
        decimal.Round(amount, MinorDigits(currency)) == amount;
}
