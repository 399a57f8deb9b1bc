namespace Platform.Domain.Identifiers;

/// <summary>Bank card numbers (12–19 digits, Luhn check) for the bank-card masking rule (M4.4).</summary>
public static class BankCardNumber
{
    public const int MinLength = 12;
    public const int MaxLength = 19;

    public static bool IsValid(string? value)
    {
        Span<char> canonical = stackalloc char[MaxLength];
        return Check(IdentifierText.Trim(value), canonical, out _) == IdentifierProblem.None;
    }

    /// <summary>Validates and returns the bare digits; single spaces or dashes between digit groups are accepted.</summary>
    public static IdentifierValidation Validate(string? value)
    {
        Span<char> canonical = stackalloc char[MaxLength];
        var problem = Check(IdentifierText.Trim(value), canonical, out var length);
        return problem == IdentifierProblem.None
            ? IdentifierValidation.Valid(IdentifierKinds.BankCard, IdentifierText.Materialize(value!, canonical[..length]))
            : IdentifierValidation.Invalid(IdentifierKinds.BankCard, problem);
    }

    internal static IdentifierProblem Check(ReadOnlySpan<char> value, Span<char> canonical, out int length)
    {
        length = 0;
        if (value.IsEmpty)
        {
            return IdentifierProblem.Empty;
        }

        var previousWasSeparator = true;
        foreach (var c in value)
        {
            if (IdentifierText.IsAsciiDigit(c))
            {
                if (length == MaxLength)
                {
                    return IdentifierProblem.WrongLength;
                }

                canonical[length++] = c;
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

        if (previousWasSeparator)
        {
            return IdentifierProblem.InvalidCharacter;
        }

        if (length < MinLength)
        {
            return IdentifierProblem.WrongLength;
        }

        return Luhn.IsValid(canonical[..length]) ? IdentifierProblem.None : IdentifierProblem.WrongCheckCharacter;
    }
}
