namespace Dots.Modules.Ordering;

public sealed record CardDetails(string Number);

public static class CardNumbers
{
    /// <summary>12–19 digits (spaces and dashes allowed) passing the Luhn check.</summary>
    public static bool TryNormalize(string? input, out string digits)
    {
        digits = new string((input ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
