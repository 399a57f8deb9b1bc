namespace Platform.Domain.Identifiers;

internal static class IdentifierText
{
    public static ReadOnlySpan<char> Trim(string? value) => value is null ? default : value.AsSpan().Trim();

    public static bool IsAsciiDigit(char c) => (uint)(c - '0') <= 9;

    public static bool AreAsciiDigits(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (!IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public static char ToUpperAscii(char c) => (uint)(c - 'a') <= 'z' - 'a' ? (char)(c - ('a' - 'A')) : c;

    /// <summary>Returns <paramref name="original"/> itself when it already is the canonical form, so valid canonical input allocates nothing.</summary>
    public static string Materialize(string original, ReadOnlySpan<char> canonical) =>
        original.AsSpan().SequenceEqual(canonical) ? original : new string(canonical);

    /// <summary>Parses a run of ASCII digits known to be digits.</summary>
    public static int ParseDigits(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }

    /// <summary>True when the numbers form a real date in the Gregorian calendar.</summary>
    public static bool TryMakeDate(int year, int month, int day, out DateOnly date)
    {
        if (year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            date = new DateOnly(year, month, day);
            return true;
        }

        date = default;
        return false;
    }

    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);
}
