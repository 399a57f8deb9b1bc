using Platform.Domain.Errors;
using Platform.Domain.Identifiers;

namespace Platform.Domain.Organizations;

/// <summary>Kinds of organisation the authority registers (docs/api.md); wire names are lower case.</summary>
public enum OrganizationKind
{
    Provider,
    Operator,
    Developer,
    Reviewer,
}

/// <summary>The facts that decide whether an operator may be authorised (M3.5).</summary>
public sealed record OrganizationQualification(
    bool NoSecurityIncidentsLast3Years,
    bool CreditRecordClean,
    bool ExecutivesRecordClean,
    bool PersonnelCompliant,
    string Evidence,
    DateTimeOffset RecordedAt,
    string RecordedBy)
{
    // M3.5: qualified only when every condition holds.
    public bool Qualified => NoSecurityIncidentsLast3Years && CreditRecordClean && ExecutivesRecordClean && PersonnelCompliant;
}

public sealed record Organization(
    string Id,
    string Name,
    OrganizationKind Kind,
    string CreditCode,
    string Region,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    OrganizationQualification? Qualification)
{
    public bool Qualified => Kind == OrganizationKind.Operator && Qualification?.Qualified == true;
}


public static class OrganizationRules
{
    public const int MaxNameLength = 200;
    private static readonly HashSet<string> ProvinceCodes =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    ];

    /// <summary>Checks a new organisation; returns the canonical credit code or throws 422 naming each bad field.</summary>
    public static string ValidateNew(string name, string creditCode, string region)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            errors["name"] = [$"Name is required and at most {MaxNameLength} characters."];
        }

        var code = UnifiedSocialCreditCode.Validate(creditCode);
        if (!code.IsValid)
        {
            errors["creditCode"] = [code.Message];
        }

        if (!IsRegionCode(region))
        {
            errors["region"] = ["Region must be a 6-digit administrative division code (GB/T 2260), e.g. 420100 for Wuhan."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "organization.invalid", "The organisation has invalid fields.", errors);
        }

        return code.Normalized!;
    }

    public static bool IsRegionCode(string? region)
        => region is { Length: 6 } && region.All(char.IsAsciiDigit) && ProvinceCodes.Contains(region[..2]);
}

/// <summary>Where organisations are kept. Credit codes are unique across organisations.</summary>
public interface IOrganizationStore
{
    /// <summary>Adds the organisation; a credit code already registered is a 409 <c>organization.duplicate_credit_code</c>.</summary>
    Task<string> AddAsync(Organization organization, CancellationToken cancellationToken = default);

    Task<Versioned<Organization>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches (412 otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken = default);
}
