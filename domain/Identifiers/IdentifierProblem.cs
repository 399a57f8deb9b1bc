namespace Platform.Domain.Identifiers;

/// <summary>Why a value is not a valid identifier. <see cref="None"/> means it is valid.</summary>
public enum IdentifierProblem
{
    None = 0,
    Empty,
    WrongLength,
    InvalidCharacter,
    InvalidFormat,
    WrongCheckCharacter,
    InvalidRegistrationAuthority,
    InvalidOrganisationCategory,
    InvalidAdministrativeDivision,
    InvalidAreaCode,
    ImpossibleBirthDate,
    BirthDateOutOfRange,
    InvalidMobilePrefix,
    UnknownProvince,
}

/// <summary>The outcome of validating one value as one identifier kind.</summary>
/// <param name="Kind">The single kind the value was validated as.</param>
/// <param name="Problem">Why it failed, or <see cref="IdentifierProblem.None"/>.</param>
/// <param name="Normalized">
/// The canonical form when valid (upper-case check characters, separators and country prefixes removed);
/// the very input instance when it was already canonical. Null when invalid.
/// </param>
public readonly record struct IdentifierValidation(IdentifierKinds Kind, IdentifierProblem Problem, string? Normalized)
{
    public bool IsValid => Problem == IdentifierProblem.None;

    /// <summary>A short English message suitable for a problem+json <c>errors</c> entry.</summary>
    public string Message => IdentifierMessages.Describe(Kind, Problem);

    internal static IdentifierValidation Valid(IdentifierKinds kind, string normalized) => new(kind, IdentifierProblem.None, normalized);

    internal static IdentifierValidation Invalid(IdentifierKinds kind, IdentifierProblem problem) => new(kind, problem, null);
}

public static class IdentifierMessages
{
    public static string Describe(IdentifierKinds kind, IdentifierProblem problem)
    {
        var subject = kind switch
        {
            IdentifierKinds.IdNumber => "resident identity number",
            IdentifierKinds.CreditCode => "unified social credit code",
            IdentifierKinds.BankCard => "bank card number",
            IdentifierKinds.Mobile => "mobile number",
            IdentifierKinds.Plate => "vehicle plate",
            IdentifierKinds.Email => "e-mail address",
            IdentifierKinds.BirthDate => "birth date",
            _ => "identifier",
        };

        var detail = problem switch
        {
            IdentifierProblem.None => "is valid",
            IdentifierProblem.Empty => "is empty",
            IdentifierProblem.WrongLength => "has the wrong length" + ExpectedLength(kind),
            IdentifierProblem.InvalidCharacter => "contains an invalid character",
            IdentifierProblem.InvalidFormat => "is not in a recognised format",
            IdentifierProblem.WrongCheckCharacter => "has the wrong check character",
            IdentifierProblem.InvalidRegistrationAuthority => "has an unknown registration authority code (position 1)",
            IdentifierProblem.InvalidOrganisationCategory => "has an organisation category (position 2) its registration authority does not use",
            IdentifierProblem.InvalidAdministrativeDivision => "has an administrative division code (positions 3-8) that is not six digits",
            IdentifierProblem.InvalidAreaCode => "has an area code (positions 1-6) that names no province",
            IdentifierProblem.ImpossibleBirthDate => "contains an impossible birth date",
            IdentifierProblem.BirthDateOutOfRange => "has a birth date before 1900-01-01 or in the future",
            IdentifierProblem.InvalidMobilePrefix => "does not start with 13-19",
            IdentifierProblem.UnknownProvince => "does not start with a province abbreviation",
            _ => "is invalid",
        };

        return $"The {subject} {detail}.";
    }

    private static string ExpectedLength(IdentifierKinds kind) => kind switch
    {
        IdentifierKinds.IdNumber or IdentifierKinds.CreditCode => " (expected 18 characters)",
        IdentifierKinds.BankCard => " (expected 12 to 19 digits)",
        IdentifierKinds.Mobile => " (expected 11 digits)",
        IdentifierKinds.Plate => " (expected 7 or 8 characters)",
        IdentifierKinds.Email => " (at most 254 characters, 64 before the @)",
        _ => string.Empty,
    };
}
