namespace Platform.Domain.Identifiers;

public enum Sex
{
    Female,
    Male,
}

/// <summary>What an 18-character resident identity number tells about its holder.</summary>
/// <param name="Number">The canonical number (check character 'X' upper-case).</param>
public readonly record struct ResidentIdNumberInfo(string Number, DateOnly BirthDate, Sex Sex)
{
    /// <summary>The six-digit administrative division code of the place of first registration.</summary>
    public string AreaCode => Number[..6];
}

/// <summary>
/// Resident identity number 公民身份号码 (GB 11643-1999): 6-digit area code, 8-digit birth date, 3-digit
/// sequence (odd for men), ISO 7064 MOD 11-2 check character. Used for personnel records and for the
/// ID-number masking rule (M4.4).
/// </summary>
public static class ResidentIdNumber
{
    public const int Length = 18;

    private static ReadOnlySpan<byte> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    private const string CheckCharacters = "10X98765432";

    public static bool IsValid(string? value, DateOnly today)
    {
        Span<char> canonical = stackalloc char[Length];
        return Check(IdentifierText.Trim(value), today, canonical, out _) == IdentifierProblem.None;
    }

    /// <param name="today">The current date in China Standard Time; a birth date after it is rejected.</param>
    public static IdentifierValidation Validate(string? value, DateOnly today)
    {
        Span<char> canonical = stackalloc char[Length];
        var problem = Check(IdentifierText.Trim(value), today, canonical, out _);
        return problem == IdentifierProblem.None
            ? IdentifierValidation.Valid(IdentifierKinds.IdNumber, IdentifierText.Materialize(value!, canonical))
            : IdentifierValidation.Invalid(IdentifierKinds.IdNumber, problem);
    }

    public static bool TryParse(string? value, DateOnly today, out ResidentIdNumberInfo info)
    {
        Span<char> canonical = stackalloc char[Length];
        if (Check(IdentifierText.Trim(value), today, canonical, out var birthDate) != IdentifierProblem.None)
        {
            info = default;
            return false;
        }

        // Position 17 (the last digit of the sequence) is odd for men and even for women.
        var sex = (canonical[16] - '0') % 2 == 1 ? Sex.Male : Sex.Female;
        info = new ResidentIdNumberInfo(IdentifierText.Materialize(value!, canonical), birthDate, sex);
        return true;
    }

    public static bool TryGetBirthDate(string? value, DateOnly today, out DateOnly birthDate)
    {
        var parsed = TryParse(value, today, out var info);
        birthDate = info.BirthDate;
        return parsed;
    }

    public static bool TryGetSex(string? value, DateOnly today, out Sex sex)
    {
        var parsed = TryParse(value, today, out var info);
        sex = info.Sex;
        return parsed;
    }

    internal static IdentifierProblem Check(ReadOnlySpan<char> value, DateOnly today, Span<char> canonical, out DateOnly birthDate)
    {
        birthDate = default;
        if (value.IsEmpty)
        {
            return IdentifierProblem.Empty;
        }

        if (value.Length != Length)
        {
            return IdentifierProblem.WrongLength;
        }

        for (var i = 0; i < Length - 1; i++)
        {
            if (!IdentifierText.IsAsciiDigit(value[i]))
            {
                return IdentifierProblem.InvalidCharacter;
            }

            canonical[i] = value[i];
        }

        var last = IdentifierText.ToUpperAscii(value[Length - 1]);
        if (!IdentifierText.IsAsciiDigit(last) && last != 'X')
        {
            return IdentifierProblem.InvalidCharacter;
        }

        canonical[Length - 1] = last;

        if (!IsKnownArea(canonical))
        {
            return IdentifierProblem.InvalidAreaCode;
        }

        var year = IdentifierText.ParseDigits(canonical.Slice(6, 4));
        var month = IdentifierText.ParseDigits(canonical.Slice(10, 2));
        var day = IdentifierText.ParseDigits(canonical.Slice(12, 2));
        if (!IdentifierText.TryMakeDate(year, month, day, out birthDate))
        {
            return IdentifierProblem.ImpossibleBirthDate;
        }

        if (birthDate < IdentifierText.EarliestBirthDate || birthDate > today)
        {
            return IdentifierProblem.BirthDateOutOfRange;
        }

        return last == CheckCharacter(canonical[..(Length - 1)])
            ? IdentifierProblem.None
            : IdentifierProblem.WrongCheckCharacter;
    }

    /// <summary>
    /// Provinces 11–65, 71 (Taiwan), 81–83 (Hong Kong, Macao and Taiwan residence permits); a leading 9 is
    /// the foreigners' permanent residence ID card, whose next digits vary, so only its first digit is checked.
    /// </summary>
    private static bool IsKnownArea(ReadOnlySpan<char> number)
    {
        if (number[0] == '9')
        {
            return true;
        }

        var province = ((number[0] - '0') * 10) + (number[1] - '0');
        return province switch
        {
            >= 11 and <= 15 or >= 21 and <= 23 or >= 31 and <= 37 or >= 41 and <= 46
                or >= 50 and <= 54 or >= 61 and <= 65 or 71 or >= 81 and <= 83 => true,
            _ => false,
        };
    }

    private static char CheckCharacter(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            sum += (body[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }
}
