namespace Platform.Domain.Identifiers;

/// <summary>Mainland China mobile numbers (1[3-9] and nine digits) for the mobile masking rule (M4.4).</summary>
public static class MobileNumber
{
    public const int Length = 11;

    // Room for "0086" plus the number; anything longer cannot be a mobile number.
    private const int MaxDigitsWithPrefix = 4 + Length;

    public static bool IsValid(string? value)
    {
        Span<char> buffer = stackalloc char[MaxDigitsWithPrefix];
        return Check(IdentifierText.Trim(value), buffer, out _) == IdentifierProblem.None;
    }

    /// <summary>
    /// Validates and returns the 11 bare digits. Accepts a +86 or 0086 country prefix and spaces or dashes
    /// between digit groups (for example "+86 138-1234-5678").
    /// </summary>
    public static IdentifierValidation Validate(string? value)
    {
        Span<char> buffer = stackalloc char[MaxDigitsWithPrefix];
        var problem = Check(IdentifierText.Trim(value), buffer, out var start);
        return problem == IdentifierProblem.None
            ? IdentifierValidation.Valid(IdentifierKinds.Mobile, IdentifierText.Materialize(value!, buffer.Slice(start, Length)))
            : IdentifierValidation.Invalid(IdentifierKinds.Mobile, problem);
    }

    /// <param name="start">Where the 11 national digits begin in <paramref name="buffer"/>.</param>
    internal static IdentifierProblem Check(ReadOnlySpan<char> value, Span<char> buffer, out int start)
    {
        start = 0;
        if (value.IsEmpty)
        {
            return IdentifierProblem.Empty;
        }

        var plus = value[0] == '+';
        var rest = plus ? value[1..] : value;
        var length = 0;
        var previousWasSeparator = true;
        foreach (var c in rest)
        {
            if (IdentifierText.IsAsciiDigit(c))
            {
                if (length == MaxDigitsWithPrefix)
                {
                    return IdentifierProblem.WrongLength;
                }

                buffer[length++] = c;
                previousWasSeparator = false;
            }
            else if (c is ' ' or '-' && !previousWasSeparator)
            {
                previousWasSeparator = true;
            }
            else
            {
                return IdentifierProblem.InvalidCharacter;
            }
        }

        if (length == 0 || previousWasSeparator)
        {
            return IdentifierProblem.InvalidCharacter;
        }

        ReadOnlySpan<char> digits = buffer[..length];
        if (plus)
        {
            if (!digits.StartsWith("86"))
            {
                return IdentifierProblem.InvalidMobilePrefix;
            }

            start = 2;
        }
        else if (digits.Length == 4 + Length && digits.StartsWith("0086"))
        {
            start = 4;
        }

        if (length - start != Length)
        {
            return IdentifierProblem.WrongLength;
        }

        return buffer[start] == '1' && buffer[start + 1] is >= '3' and <= '9'
            ? IdentifierProblem.None
            : IdentifierProblem.InvalidMobilePrefix;
    }
}
