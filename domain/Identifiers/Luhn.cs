namespace Platform.Domain.Identifiers;

/// <summary>The Luhn (mod 10) check used by bank card numbers (ISO/IEC 7812).</summary>
public static class Luhn
{
    /// <summary>True when <paramref name="digits"/> is non-empty, all ASCII digits, and its Luhn sum is a multiple of ten.</summary>
    public static bool IsValid(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }

        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var c = digits[i];
            if (!IdentifierText.IsAsciiDigit(c))
            {
                return false;
            }

            var digit = c - '0';
            if (doubled)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }
}
