namespace Platform.Domain.Identifiers;

/// <summary>
/// Unified social credit code 统一社会信用代码 (GB 32100-2015): validates organisations' <c>creditCode</c>
/// and drives the credit-code masking rule (M4.4).
/// </summary>
public static class UnifiedSocialCreditCode
{
    public const int Length = 18;

    /// <summary>The code's 31 characters in value order; I, O, Z, S and V are left out to avoid misreading.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private const string RegistrationAuthorities = "123456789ANY";

    private static ReadOnlySpan<byte> Weights => [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static bool IsValid(string? value)
    {
        Span<char> canonical = stackalloc char[Length];
        return Check(IdentifierText.Trim(value), canonical) == IdentifierProblem.None;
    }

    /// <summary>Validates and, when valid, returns the canonical upper-case code. Lower-case letters and surrounding white space are accepted.</summary>
    public static IdentifierValidation Validate(string? value)
    {
        Span<char> canonical = stackalloc char[Length];
        var problem = Check(IdentifierText.Trim(value), canonical);
        return problem == IdentifierProblem.None
            ? IdentifierValidation.Valid(IdentifierKinds.CreditCode, IdentifierText.Materialize(value!, canonical))
            : IdentifierValidation.Invalid(IdentifierKinds.CreditCode, problem);
    }

    internal static IdentifierProblem Check(ReadOnlySpan<char> value, Span<char> canonical)
    {
        if (value.IsEmpty)
        {
            return IdentifierProblem.Empty;
        }

        if (value.Length != Length)
        {
            return IdentifierProblem.WrongLength;
        }

        for (var i = 0; i < Length; i++)
        {
            var c = IdentifierText.ToUpperAscii(value[i]);
            if (ValueOf(c) < 0)
            {
                return IdentifierProblem.InvalidCharacter;
            }

            canonical[i] = c;
        }

        if (!RegistrationAuthorities.Contains(canonical[0]))
        {
            return IdentifierProblem.InvalidRegistrationAuthority;
        }

        if (!IsKnownCategory(canonical[0], canonical[1]))
        {
            return IdentifierProblem.InvalidOrganisationCategory;
        }

        for (var i = 2; i < 8; i++)
        {
            if (!IdentifierText.IsAsciiDigit(canonical[i]))
            {
                return IdentifierProblem.InvalidAdministrativeDivision;
            }
        }

        return ValueOf(canonical[Length - 1]) == CheckValue(canonical[..(Length - 1)])
            ? IdentifierProblem.None
            : IdentifierProblem.WrongCheckCharacter;
    }

    /// <summary>
    /// Categories are checked only for the registration authorities whose lists are settled and common
    /// (机构编制, 民政, 工商); the others accept any category digit rather than reject real codes.
    /// </summary>
    private static bool IsKnownCategory(char authority, char category) => authority switch
    {
        '1' or '5' => category is '1' or '2' or '3' or '9',
        '9' => category is '1' or '2' or '3',
        _ => category is >= '1' and <= '9',
    };

    private static int CheckValue(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            sum += ValueOf(body[i]) * Weights[i];
        }

        return (31 - (sum % 31)) % 31;
    }

    private static int ValueOf(char c)
    {
        if (IdentifierText.IsAsciiDigit(c))
        {
            return c - '0';
        }

        return c is >= 'A' and <= 'Y' ? Alphabet.IndexOf(c, 10) : -1;
    }
}
