using Platform.Domain.Errors;
using Platform.Domain.Organizations;

namespace Platform.Domain.Plans;

/// <summary>Scope of an authorisation (M3.3): the whole of a region's public data, one domain, or one scenario.</summary>
public enum PlanMode
{
    Whole,
    Domain,
    Scenario,
}

/// <summary>Plan states (M3.3); wire names are lower case.</summary>
public enum PlanStatus
{
    Draft,
    Approved,
}

/// <summary>The government's approval of the plan: who approved it, by which document, on which legal date (CST).</summary>
public sealed record PlanApproval(string ApprovedBy, string DocumentRef, DateOnly ApprovedOn, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>The record that the approved plan was filed (M5.6).</summary>
public sealed record PlanFiling(string DocumentRef, DateOnly FiledOn, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>An implementation plan 实施方案 (M3.3).</summary>
public sealed record Plan(
    string Id,
    string Title,
    PlanMode Mode,
    string Region,
    string? Description,
    IReadOnlyList<string> ResourceCatalog,
    IReadOnlyList<string> ProductList,
    PlanStatus Status,
    PlanApproval? Approval,
    PlanFiling? Filing,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy)
{
    public DateOnly? FilingDueOn => Approval is null ? null : PlanRules.FilingDueOn(Approval.ApprovedOn);

    /// <summary>True when <paramref name="today"/> (CST) is past the filing deadline and no filing is recorded.</summary>
    public bool IsFilingOverdue(DateOnly today) => Filing is null && FilingDueOn is { } due && today > due;
}

public static class PlanRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxTextLength = 200;
    public const int MaxListEntries = 500;
    public const int MaxEntryLength = 200;

    // M5.6: the approved plan is filed within one month of approval. DateOnly.AddMonths keeps the day of month where it
    // exists and otherwise takes the month's last day, so 2026-01-31 is due on 2026-02-28.
    public static DateOnly FilingDueOn(DateOnly approvedOn) => approvedOn.AddMonths(1);

    /// <summary>Checks the editable content of a draft; returns the trimmed title and description or throws 422 naming each bad field.</summary>
    public static (string Title, string? Description) ValidateContent(string? title, PlanMode? mode, string? region, string? description)
    {
        var errors = new Dictionary<string, string[]>();
        var trimmedTitle = title?.Trim();
        if (string.IsNullOrEmpty(trimmedTitle) || trimmedTitle.Length > MaxTitleLength)
        {
            errors["title"] = [$"title is required and at most {MaxTitleLength} characters."];
        }

        if (mode is null)
        {
            errors["mode"] = ["mode is required: whole, domain or scenario."];
        }

        if (!OrganizationRules.IsRegionCode(region))
        {
            errors["region"] = ["region must be a 6-digit administrative division code (GB/T 2260), e.g. 420000 for Hubei."];
        }

        var trimmedDescription = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (trimmedDescription?.Length > MaxDescriptionLength)
        {
            errors["description"] = [$"description is at most {MaxDescriptionLength} characters."];
        }

        ThrowIfAny(errors);
        return (trimmedTitle!, trimmedDescription);
    }

    /// <summary>
    /// A resource catalogue or product list: entries trimmed, none blank, too long or repeated. A missing list is empty.
    /// Errors are keyed by the entry's JSON path, e.g. <c>resourceCatalog[2]</c>.
    /// </summary>
    public static IReadOnlyList<string> ValidateList(string field, IReadOnlyList<string?>? entries)
    {
        if (entries is null)
        {
            return [];
        }

        var errors = new Dictionary<string, string[]>();
        if (entries.Count > MaxListEntries)
        {
            errors[field] = [$"{field} has at most {MaxListEntries} entries."];
            ThrowIfAny(errors);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cleaned = new List<string>(entries.Count);
        for (var index = 0; index < entries.Count; index++)
        {
            var entry = entries[index]?.Trim();
            if (string.IsNullOrEmpty(entry) || entry.Length > MaxEntryLength)
            {
                errors[$"{field}[{index}]"] = [$"Each entry is a non-blank text of at most {MaxEntryLength} characters."];
            }
            else if (!seen.Add(entry))
            {
                errors[$"{field}[{index}]"] = [$"'{entry}' is listed twice."];
            }
            else
            {
                cleaned.Add(entry);
            }
        }

        ThrowIfAny(errors);
        return cleaned;
    }

    /// <summary>A required short text (approving body, document number); returns it trimmed or adds an error.</summary>
    public static string? RequiredText(Dictionary<string, string[]> errors, string field, string? value, string meaning)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxTextLength)
        {
            errors[field] = [$"{field} is required ({meaning}) and at most {MaxTextLength} characters."];
            return null;
        }

        return trimmed;
    }

    public static void ThrowIfAny(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "plan.invalid", "The plan request has invalid fields.", errors);
        }
    }

    public static DomainException NotFound(string id) => new(FailureKind.NotFound, "plan.not_found", $"Plan '{id}' does not exist.");

    public static DomainException Immutable(string id)
        => new(FailureKind.Conflict, "plan.immutable", $"Plan '{id}' is approved and can no longer change, except its resource catalogue and product list (M3.3).");
}

/// <summary>Where plans are kept.</summary>
public interface IPlanStore
{
    Task<string> AddAsync(Plan plan, CancellationToken cancellationToken = default);

    Task<Versioned<Plan>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches (412 otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(Plan plan, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of plans in creation order, of one status when <paramref name="status"/> is given.</summary>
    Task<(IReadOnlyList<Plan> Items, string? ContinuationToken)> QueryAsync(PlanStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);
}
