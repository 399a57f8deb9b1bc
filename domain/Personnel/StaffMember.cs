using Platform.Domain.Errors;
using Platform.Domain.Organizations;

namespace Platform.Domain.Personnel;

/// <summary>Where a staff member's filing with the authority stands; wire names are lower case.</summary>
public enum FilingState
{
    Pending,
    Filed,
    Rejected,
}

/// <summary>The authority's decision on a filing (request member <c>decision</c>).</summary>
public enum FilingDecision
{
    Approve,
    Reject,
}

/// <summary>The authority's latest filing decision on a staff member.</summary>
public sealed record StaffFilingDecision(FilingDecision Decision, string? Comment, DateTimeOffset DecidedAt, string DecidedBy);

/// <summary>Evidence of the confidentiality agreement a staff member signed.</summary>
public sealed record NdaRecord(string DocumentRef, DateOnly SignedOn, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>
/// Data processing staff 数据加工处理人员 (M4.4). The resident ID number is held only as a keyed hash (to find
/// duplicates) and a masked display form; the clear number is never stored.
/// </summary>
public sealed record StaffMember(
    string Id,
    string OrgId,
    string Name,
    string IdNumberHash,
    string IdNumberMasked,
    bool IdentityVerified,
    FilingState FilingState,
    StaffFilingDecision? Filing,
    NdaRecord? Nda,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    /// <summary>What still keeps this person from processing data, in a fixed order; empty when cleared.</summary>
    public IReadOnlyList<ClearanceRequirement> MissingClearance => PersonnelRules.MissingClearance(this);

    public bool Cleared => MissingClearance.Count == 0;
}

/// <summary>The three conditions of M4.4; wire names are kebab-case.</summary>
public enum ClearanceRequirement
{
    IdentityVerification,
    Filing,
    Nda,
}

public static class PersonnelRules
{
    public const int MaxNameLength = 100;
    public const int MaxCommentLength = 2000;
    public const int MaxDocumentRefLength = 200;

    /// <summary>Masked display form: the first 3 and last 4 characters kept, the 11 between them starred.</summary>
    public const int MaskedPrefixLength = 3;
    public const int MaskedSuffixLength = 4;

    // M4.4: staff may process data only when identity-verified, filed (reviewed) and bound by a confidentiality agreement.
    public static IReadOnlyList<ClearanceRequirement> MissingClearance(StaffMember staff)
    {
        var missing = new List<ClearanceRequirement>(3);
        if (!staff.IdentityVerified)
        {
            missing.Add(ClearanceRequirement.IdentityVerification);
        }

        if (staff.FilingState != FilingState.Filed)
        {
            missing.Add(ClearanceRequirement.Filing);
        }

        if (staff.Nda is null)
        {
            missing.Add(ClearanceRequirement.Nda);
        }

        return missing;
    }

    /// <summary>E.g. <c>420***********123X</c>: enough to recognise a record, too little to recover the number.</summary>
    public static string Mask(string canonicalIdNumber)
    {
        ArgumentException.ThrowIfNullOrEmpty(canonicalIdNumber);
        if (canonicalIdNumber.Length <= MaskedPrefixLength + MaskedSuffixLength)
        {
            throw new ArgumentException("Only a full-length identity number can be masked.", nameof(canonicalIdNumber));
        }

        var hidden = canonicalIdNumber.Length - MaskedPrefixLength - MaskedSuffixLength;
        return string.Concat(canonicalIdNumber.AsSpan(0, MaskedPrefixLength), new string('*', hidden), canonicalIdNumber.AsSpan(canonicalIdNumber.Length - MaskedSuffixLength));
    }

    /// <summary>Staff belong to organisations that process data: operators and product developers (M4.4, M4.6.2).</summary>
    public static bool MayEmployStaff(OrganizationKind kind) => kind is OrganizationKind.Operator or OrganizationKind.Developer;

    public static DomainException NotFound(string id)
        => new(FailureKind.NotFound, "personnel.not_found", $"Staff member '{id}' does not exist.");

    public static DomainException Invalid(string field, string message)
        => new(FailureKind.Unprocessable, "personnel.invalid", message, new Dictionary<string, string[]> { [field] = [message] });

    public static string WireName(ClearanceRequirement requirement) => requirement switch
    {
        ClearanceRequirement.IdentityVerification => "identity-verification",
        ClearanceRequirement.Filing => "filing",
        ClearanceRequirement.Nda => "nda",
        _ => throw new ArgumentOutOfRangeException(nameof(requirement), requirement, null),
    };
}

/// <summary>Where staff records are kept. An ID number (by its keyed hash) is registered at most once per organisation.</summary>
public interface IPersonnelStore
{
    /// <summary>Adds the record; the same ID number again in the same organisation is a 409 <c>personnel.duplicate</c>.</summary>
    Task<string> AddAsync(StaffMember staff, CancellationToken cancellationToken = default);

    Task<Versioned<StaffMember>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches (412 otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(StaffMember staff, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of staff records, of one organisation when <paramref name="orgId"/> is given.</summary>
    Task<(IReadOnlyList<StaffMember> Items, string? ContinuationToken)> QueryAsync(string? orgId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);
}
