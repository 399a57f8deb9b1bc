using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Quality;

/// <summary>A draft that passed validation: trimmed values, ready to become a ticket.</summary>
public sealed record ValidQualityIssue(
    string ResourceId,
    QualityIssueKind Kind,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> RowRefs,
    string Description,
    IReadOnlyList<string> Evidence);

/// <summary>The rules of quality tickets (M4.7.1) as pure functions: validation, the state machine, deadline checks.</summary>
public static class QualityIssueRules
{
    public const string Kind = "quality-issue";
    public const string InvalidCode = "quality_issue.invalid";
    public const string NotFoundCode = "quality_issue.not_found";
    public const string ResourceNotFoundCode = "quality_issue.resource_not_found";
    public const string ResolutionInvalidCode = "quality_issue.resolution_invalid";
    public const string NotOpenCode = "quality_issue.not_open";
    public const string NotAcknowledgedCode = "quality_issue.not_acknowledged";
    public const string AlreadyResolvedCode = "quality_issue.already_resolved";
    public const string NotResolvedCode = "quality_issue.not_resolved";
    public const string ClosedCode = "quality_issue.closed";
    public const string NotProviderCode = "quality_issue.not_provider";
    public const string NotRaiserCode = "quality_issue.not_raiser";
    public const int MaxDescriptionLength = 4000;
    public const int MaxCommentLength = 4000;
    public const int MaxFields = 200;
    public const int MaxRowRefs = 1000;
    public const int MaxEvidence = 20;
    public const int MaxItemLength = 1000;

    public static string InstanceIdOf(string issueId) => WorkflowInstanceIds.For(Kind, issueId);

    public static string TargetOf(string issueId) => $"quality-issues/{issueId}";

    /// <summary>Checks the shape of a new ticket; throws 422 <c>quality_issue.invalid</c> naming each bad field.</summary>
    public static ValidQualityIssue Validate(QualityIssueDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, string[]>();
        var resourceId = draft.ResourceId?.Trim() ?? "";
        if (resourceId.Length == 0)
        {
            errors["resourceId"] = ["Name the resource the issue is about."];
        }

        if (draft.Kind is null)
        {
            errors["kind"] = ["Choose fields, rows, description or other."];
        }

        var description = draft.Description?.Trim() ?? "";
        if (description.Length == 0)
        {
            errors["description"] = ["Describe the problem (M4.7.1)."];
        }
        else if (description.Length > MaxDescriptionLength)
        {
            errors["description"] = [$"At most {MaxDescriptionLength} characters."];
        }

        var fields = CleanList(draft.Fields, "fields", MaxFields, errors);
        var rowRefs = CleanList(draft.RowRefs, "rowRefs", MaxRowRefs, errors);
        var evidence = CleanList(draft.Evidence, "evidence", MaxEvidence, errors);
        if (draft.Kind == QualityIssueKind.Fields && fields.Count == 0 && !errors.ContainsKey("fields"))
        {
            errors["fields"] = ["Name the fields that are wrong."];
        }

        if (draft.Kind == QualityIssueKind.Rows && rowRefs.Count == 0 && !errors.ContainsKey("rowRefs"))
        {
            errors["rowRefs"] = ["Point at the rows that are wrong (row numbers or keys)."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, InvalidCode, "The quality issue has invalid fields.", errors);
        }

        return new ValidQualityIssue(resourceId, draft.Kind!.Value, fields, rowRefs, description, evidence);
    }

    /// <summary>The fields named must be fields of the resource; returns them spelled as the catalogue spells them.</summary>
    public static IReadOnlyList<string> ResolveFields(IReadOnlyList<string> named, IEnumerable<string> resourceFields)
    {
        var byName = resourceFields.ToDictionary(f => f, StringComparer.OrdinalIgnoreCase);
        var unknown = named.Where(f => !byName.ContainsKey(f)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, InvalidCode, "Some fields are not fields of the resource.",
                new Dictionary<string, string[]> { ["fields"] = [$"Not fields of the resource: {string.Join(", ", unknown)}. Its fields: {string.Join(", ", byName.Values)}."] });
        }

        return named.Select(f => byName[f]).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Checks the provider's answer; throws 422 <c>quality_issue.resolution_invalid</c> naming each bad field.</summary>
    public static (QualityResolutionOutcome Outcome, string Comment, IReadOnlyList<string> Evidence) ValidateResolution(QualityResolutionDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, string[]>();
        if (draft.Outcome is null)
        {
            errors["outcome"] = ["Choose corrected or disputed."];
        }

        var comment = draft.Comment?.Trim() ?? "";
        if (comment.Length == 0)
        {
            // M4.7.1: the provider says what it verified and corrected, or why it disputes the objection.
            errors["comment"] = ["Say what was verified and corrected, or why the objection is disputed."];
        }
        else if (comment.Length > MaxCommentLength)
        {
            errors["comment"] = [$"At most {MaxCommentLength} characters."];
        }

        var evidence = CleanList(draft.Evidence, "evidence", MaxEvidence, errors);
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, ResolutionInvalidCode, "The resolution has invalid fields.", errors);
        }

        return (draft.Outcome!.Value, comment, evidence);
    }

    /// <summary>A new ticket with its correction deadline (M4.7.1: working days, the data-request cut-off rule).</summary>
    public static QualityIssue Create(string id, ValidQualityIssue valid, string resourceName, string providerId, IReadOnlyList<string> fields, Caller raiser,
        ReviewDeadlineResult deadline, DateTimeOffset now)
        => new(id, valid.ResourceId, resourceName, providerId, raiser.Organization, raiser.Role, raiser.Subject, valid.Kind, fields, valid.RowRefs,
            valid.Description, valid.Evidence, QualityIssueStatus.Open, now, deadline.WorkingDays, deadline.CountingStartsOn, deadline.DueLegalDate,
            deadline.DueAtUtc, deadline.FallbackYears, now);

    /// <summary>open → acknowledged: the provider has taken the ticket up and is verifying.</summary>
    public static QualityIssue Acknowledge(QualityIssue issue, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return issue.Status switch
        {
            QualityIssueStatus.Open => issue with { Status = QualityIssueStatus.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = by, UpdatedAt = now },
            QualityIssueStatus.Acknowledged => throw new DomainException(FailureKind.Conflict, NotOpenCode, "The ticket was acknowledged already."),
            QualityIssueStatus.Closed => throw Closed(),
            _ => throw new DomainException(FailureKind.Conflict, AlreadyResolvedCode, $"The ticket is {Wire(issue.Status)} already."),
        };
    }

    /// <summary>
    /// acknowledged → corrected | disputed. On time when not escalated as overdue and answered before the due moment;
    /// <paramref name="legalNow"/> is the legal instant <paramref name="now"/> stands for under time compression (docs/lifecycles.md).
    /// </summary>
    public static QualityIssue Resolve(QualityIssue issue, QualityResolutionOutcome outcome, string comment, IReadOnlyList<string> evidence, string by,
        DateTimeOffset now, DateTimeOffset legalNow)
    {
        ArgumentNullException.ThrowIfNull(issue);
        switch (issue.Status)
        {
            case QualityIssueStatus.Open:
                throw new DomainException(FailureKind.Conflict, NotAcknowledgedCode, "Acknowledge the ticket first (POST …/acknowledgement), then verify and answer.");
            case QualityIssueStatus.Closed:
                throw Closed();
            case QualityIssueStatus.Corrected or QualityIssueStatus.Disputed:
                throw new DomainException(FailureKind.Conflict, AlreadyResolvedCode, $"The ticket is {Wire(issue.Status)} already.");
        }

        // M4.7.2: an answer at or after the due moment, or once escalated as overdue, is accepted but not on time.
        var onTime = !issue.Overdue && legalNow < issue.DueAt;
        var status = outcome == QualityResolutionOutcome.Corrected ? QualityIssueStatus.Corrected : QualityIssueStatus.Disputed;
        return issue with { Status = status, Resolution = new QualityResolution(outcome, comment, evidence, now, by, onTime), UpdatedAt = now };
    }

    /// <summary>corrected | disputed → closed, by the raiser or the authority.</summary>
    public static QualityIssue Close(QualityIssue issue, string by, string? comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return issue.Status switch
        {
            QualityIssueStatus.Corrected or QualityIssueStatus.Disputed
                => issue with { Status = QualityIssueStatus.Closed, ClosedAt = now, ClosedBy = by, ClosingComment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), UpdatedAt = now },
            QualityIssueStatus.Closed => throw Closed(),
            _ => throw new DomainException(FailureKind.Conflict, NotResolvedCode, "The provider has not answered yet; a ticket is closed after it is corrected or disputed."),
        };
    }

    /// <summary>M4.7.1: a ticket unanswered at its deadline is flagged overdue and escalated (once); nothing closes it.</summary>
    public static QualityIssue MarkOverdue(QualityIssue issue, DateTimeOffset now)
        => !issue.AwaitsResolution || issue.Overdue ? issue : issue with { Overdue = true, EscalatedAt = now, UpdatedAt = now };

    public static QualityIssue MarkReminded(QualityIssue issue, int check, DateTimeOffset now)
        => issue.Reminders >= check ? issue : issue with { Reminders = check, UpdatedAt = now };

    /// <summary>Whether the ticket's orchestration still has to wait: only while the provider has not answered.</summary>
    public static bool KeepsWaiting(QualityIssueStatus status) => status is QualityIssueStatus.Open or QualityIssueStatus.Acknowledged;

    /// <summary>
    /// The legal moment of deadline check <paramref name="check"/> (1 = the due moment; each further check one more
    /// deadline period later, so an overdue provider is reminded while the ticket waits).
    /// </summary>
    public static DateTime CheckMoment(DateTime anchorUtc, DateTime dueUtc, int check)
        => Workflows.DeadlineChecks.CheckMoment(anchorUtc, dueUtc, check);

    /// <summary>
    /// The sweep's test (a safety net under the orchestration): awaiting an answer, not escalated, and past the moment the
    /// deadline timer fires (legal due moment, brought forward under compression).
    /// </summary>
    public static bool NeedsEscalation(QualityIssue issue, DateTimeOffset nowUtc, TimeCompression compression)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(compression);
        return issue.AwaitsResolution && !issue.Overdue && nowUtc >= compression.TimerFireTime(issue.RaisedAt, issue.DueAt);
    }

    /// <summary>Object-level access: the raiser's organisation, the resource's provider, the authority and supervisors.</summary>
    public static bool MayRead(QualityIssue issue, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Provider => issue.ProviderId == caller.Organization,
        Roles.Operator or Roles.Developer => issue.RaisedByOrganization == caller.Organization,
        _ => false,
    };

    public static bool IsProvider(QualityIssue issue, Caller caller) => caller.Role == Roles.Provider && issue.ProviderId == caller.Organization;

    public static bool MayClose(QualityIssue issue, Caller caller)
        => caller.Role == Roles.Authority || (caller.Role is Roles.Operator or Roles.Developer && issue.RaisedByOrganization == caller.Organization);

    /// <summary>The ticket's state name on the wire (kebab case).</summary>
    public static string Wire(QualityIssueStatus status) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    private static DomainException Closed() => new(FailureKind.Conflict, ClosedCode, "The ticket is closed.");

    private static List<string> CleanList(IReadOnlyList<string?>? values, string name, int max, Dictionary<string, string[]> errors)
    {
        var cleaned = (values ?? []).Select(v => v?.Trim() ?? "").ToList();
        if (cleaned.Count > max)
        {
            errors[name] = [$"At most {max} entries."];
        }
        else if (cleaned.Any(v => v.Length == 0))
        {
            errors[name] = ["Entries must not be empty."];
        }
        else if (cleaned.Any(v => v.Length > MaxItemLength))
        {
            errors[name] = [$"Each entry at most {MaxItemLength} characters."];
        }

        return cleaned;
    }
}
