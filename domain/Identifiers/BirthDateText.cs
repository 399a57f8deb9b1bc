namespace Platform.Domain.Identifiers;

/// <summary>
/// Birth dates written as text: yyyy-MM-dd, yyyyMMdd, yyyy/M/d (also yyyy-M-d, yyyy.M.d) and yyyy年M月d日.
/// Used by the birth-date generalisation rule (M4.4).
/// </summary>
public static class BirthDateText
{
    /// <summary>Parses a real calendar date in one of the accepted layouts, whatever its year.</summary>
    public static bool TryParse(string? value, out DateOnly date) =>
        Parse(IdentifierText.Trim(value), out date) == IdentifierProblem.None;

    /// <summary>A real date in an accepted layout, between 1900-01-01 and <paramref name="today"/> inclusive.</summary>
    public static bool IsValid(string? value, DateOnly today) => Check(IdentifierText.Trim(value), today, out _) == IdentifierProblem.None;

    /// <summary>Validates and returns the date as yyyy-MM-dd.</summary>
    public static IdentifierValidation Validate(string? value, DateOnly today)
    {
        var problem = Check(IdentifierText.Trim(value), today, out var date);
        return problem == IdentifierProblem.None
            ? IdentifierValidation.Valid(IdentifierKinds.BirthDate, date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            : IdentifierValidation.Invalid(IdentifierKinds.BirthDate, problem);
    }

    internal static IdentifierProblem Check(ReadOnlySpan<char> value, DateOnly today, out DateOnly date)
    {
        var problem = Parse(value, out date);
        if (problem != IdentifierProblem.None)
        {
            return problem;
        }

        return date < IdentifierText.EarliestBirthDate || date > today ? IdentifierProblem.BirthDateOutOfRange : IdentifierProblem.None;
    }

    private static IdentifierProblem Parse(ReadOnlySpan<char> value, out DateOnly date)
    {
        date = default;
        if (value.IsEmpty)
        {
            return IdentifierProblem.Empty;
        }

        if (value.Length < 8 || value.Length > 11 || !AreDigits(value[..4]))
        {
            return IdentifierProblem.InvalidFormat;
        }

        var year = IdentifierText.ParseDigits(value[..4]);
        int month, day;
        if (value.Length == 8 && AreDigits(value))
        {
            month = IdentifierText.ParseDigits(value.Slice(4, 2));
            day = IdentifierText.ParseDigits(value.Slice(6, 2));
        }
        else if (!TrySplitSeparated(value[4..], out month, out day))
        {
            return IdentifierProblem.InvalidFormat;
        }

        return IdentifierText.TryMakeDate(year, month, day, out date) ? IdentifierProblem.None : IdentifierProblem.ImpossibleBirthDate;
    }

    /// <summary>Reads "-M-d", "/M/d", ".M.d" (one or two digits each, the same separator twice) or "年M月d日".</summary>
    private static bool TrySplitSeparated(ReadOnlySpan<char> rest, out int month, out int day)
    {
        month = day = 0;
        var first = rest[0];
        char second;
        var chinese = first == '年';
        if (chinese)
        {
            if (rest[^1] != '日')
            {
                return false;
            }

            rest = rest[..^1];
            second = '月';
        }
        else if (first is '-' or '/' or '.')
        {
            second = first;
        }
        else
        {
            return false;
        }

        rest = rest[1..];
        var split = rest.IndexOf(second);
        if (split < 0)
        {
            return false;
        }

        var monthDigits = rest[..split];
        var dayDigits = rest[(split + 1)..];
        if (monthDigits.Length is < 1 or > 2 || dayDigits.Length is < 1 or > 2 || !AreDigits(monthDigits) || !AreDigits(dayDigits))
        {
            return false;
        }

        month = IdentifierText.ParseDigits(monthDigits);
        day = IdentifierText.ParseDigits(dayDigits);
        return true;
    }

    private static bool AreDigits(ReadOnlySpan<char> chars) => !chars.IsEmpty && IdentifierText.AreAsciiDigits(chars);
}
