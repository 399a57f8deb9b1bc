using Platform.Domain.Audit;
using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Quality;

/// <summary>
/// Quality issues and objections (M4.7.1): operators and developers raise them against a published resource;
/// the provider is told at once and verifies and corrects by a deadline in working days; an unanswered ticket is flagged
/// overdue and escalated to the authority, and keeps waiting. The methods the orchestration calls are idempotent.
/// </summary>
public sealed class QualityIssueService(
    IQualityIssueStore store,
    IResourceStore resources,
    IOrganizationStore organizations,
    QualityCorrectionDeadline correctionDeadline,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression)
{
    public const string Orchestrator = OrchestratorNames.QualityIssue;
    public const string ResolvedEventName = "QualityIssueResolved";
    public const string NotificationCategory = QualityNotices.Category;

    /// <summary>M4.7.1: files the ticket, computes its deadline, tells the provider at once and starts the ticket's orchestration.</summary>
    public async Task<Versioned<QualityIssue>> RaiseAsync(string id, QualityIssueDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(workflows);
        if (caller.Role is not (Roles.Operator or Roles.Developer))
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Quality issues are raised by operators and developers (M4.7.1).");
        }

        var valid = QualityIssueRules.Validate(draft);
        var resource = ResourceId.IsLookupKey(valid.ResourceId) ? (await resources.GetAsync(valid.ResourceId, cancellationToken))?.Value : null;
        if (resource is null || resource.Status != ResourceStatus.Published)
        {
            throw new DomainException(FailureKind.Unprocessable, QualityIssueRules.ResourceNotFoundCode, "Quality issues are raised against published resources of the catalogue.",
                new Dictionary<string, string[]> { ["resourceId"] = [$"'{valid.ResourceId}' is not a published resource."] });
        }

        var fields = QualityIssueRules.ResolveFields(valid.Fields, resource.Fields.Select(f => f.Name));
        var now = clock.UtcNow;
        var deadline = await correctionDeadline.ComputeAsync(now, cancellationToken);
        var issue = QualityIssueRules.Create(id, valid, resource.Name, resource.ProviderId, fields, caller, deadline, now);
        var etag = await store.AddAsync(issue, cancellationToken);
        await audit.RecordAsync(caller, "quality_issue.raised", QualityIssueRules.TargetOf(id),
            new { issue.ResourceId, issue.Kind, issue.Fields, issue.RowRefs, issue.DueLegalDate, issue.DueAt }, cancellationToken);
        var raiserName = await OrganizationNameAsync(caller.Organization, cancellationToken);
        await outbox.SendAsync(QualityNotices.Raised(issue, raiserName, now), cancellationToken);
        await workflows.StartAsync(Orchestrator, issue.InstanceId,
            new QualityIssueWorkflowInput(id, now.UtcDateTime, issue.DueAt.UtcDateTime, compression.Factor), cancellationToken);
        return new Versioned<QualityIssue>(issue, etag);
    }

    public async Task<Versioned<QualityIssue>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level access: others learn nothing, not even that the ticket exists.
        if (found is null || !QualityIssueRules.MayRead(found.Value, caller))
        {
            throw NotFound(id);
        }

        return found;
    }

    /// <summary>Tickets the caller may see: a provider those about its resources, an operator or developer those it raised, the authority and supervisors all.</summary>
    public Task<(IReadOnlyList<QualityIssue> Items, string? ContinuationToken)> ListAsync(Caller caller, string? resourceId, QualityIssueStatus? status, int pageSize, string? continuationToken,
        CancellationToken cancellationToken = default)
    {
        var query = caller.Role switch
        {
            Roles.Authority or Roles.Supervisor => new QualityIssueQuery(),
            Roles.Provider => new QualityIssueQuery(ProviderId: caller.Organization),
            Roles.Operator or Roles.Developer => new QualityIssueQuery(RaisedByOrganization: caller.Organization),
            _ => throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "This role sees no quality tickets."),
        };
        return store.ListAsync(query with { ResourceId = resourceId, Status = status }, pageSize, continuationToken, cancellationToken);
    }

    /// <summary>open → acknowledged, by the resource's provider.</summary>
    public async Task<Versioned<QualityIssue>> AcknowledgeAsync(string id, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetForProviderAsync(id, ifMatch, caller, cancellationToken);
        var now = clock.UtcNow;
        var updated = await ReplaceAsync(current, QualityIssueRules.Acknowledge(current.Value, caller.Subject, now), cancellationToken);
        await audit.RecordAsync(caller, "quality_issue.acknowledged", QualityIssueRules.TargetOf(id), null, cancellationToken);
        await outbox.SendAsync(QualityNotices.Acknowledged(current.Value, now), cancellationToken);
        return updated;
    }

    /// <summary>acknowledged → corrected | disputed, by the resource's provider; the orchestration learns it through an event.</summary>
    public async Task<Versioned<QualityIssue>> ResolveAsync(string id, QualityResolutionDraft draft, string? ifMatch, Caller caller, IWorkflowGateway workflows,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        var current = await GetForProviderAsync(id, ifMatch, caller, cancellationToken);
        var (outcome, comment, evidence) = QualityIssueRules.ValidateResolution(draft);
        var now = clock.UtcNow;
        // Under compressed time (docs/lifecycles.md) the answer instant is scaled back to the legal instant it stands for.
        var legalNow = new DateTimeOffset(compression.LegalTime(current.Value.RaisedAt.UtcDateTime, now.UtcDateTime), TimeSpan.Zero);
        var resolved = QualityIssueRules.Resolve(current.Value, outcome, comment, evidence, caller.Subject, now, legalNow);
        var updated = await ReplaceAsync(current, resolved, cancellationToken);
        await audit.RecordAsync(caller, "quality_issue.resolved", QualityIssueRules.TargetOf(id), new { outcome, comment, evidence, resolved.Resolution!.OnTime }, cancellationToken);
        foreach (var notice in QualityNotices.Resolved(resolved, now))
        {
            await outbox.SendAsync(notice, cancellationToken);
        }

        await workflows.RaiseEventAsync(resolved.InstanceId, ResolvedEventName, new QualityIssueResolvedEvent(id, outcome), cancellationToken);
        return updated;
    }

    /// <summary>corrected | disputed → closed, by the raiser's organisation or the authority.</summary>
    public async Task<Versioned<QualityIssue>> CloseAsync(string id, string? comment, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (!QualityIssueRules.MayClose(current.Value, caller))
        {
            throw new DomainException(FailureKind.Forbidden, QualityIssueRules.NotRaiserCode, "Only the organisation that raised the ticket, or the authority, closes it.");
        }

        if (comment?.Trim().Length > QualityIssueRules.MaxCommentLength)
        {
            throw new DomainException(FailureKind.Unprocessable, QualityIssueRules.InvalidCode, "The closure has invalid fields.",
                new Dictionary<string, string[]> { ["comment"] = [$"At most {QualityIssueRules.MaxCommentLength} characters."] });
        }

        EnsureFresh(current, ifMatch);
        var now = clock.UtcNow;
        var closed = QualityIssueRules.Close(current.Value, caller.Subject, comment, now);
        var updated = await ReplaceAsync(current, closed, cancellationToken);
        await audit.RecordAsync(caller, "quality_issue.closed", QualityIssueRules.TargetOf(id), new { closed.ClosingComment }, cancellationToken);
        await outbox.SendAsync(QualityNotices.Closed(closed, now), cancellationToken);
        return updated;
    }

    /// <summary>The provider's tickets raised in <paramref name="year"/> (China time), for the contribution score (M4.7.2).</summary>
    public Task<IReadOnlyList<QualityIssue>> ListForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default)
        => store.ListForProviderAsync(providerId, year, cancellationToken);

    private async Task<Versioned<QualityIssue>> GetForProviderAsync(string id, string? ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (!QualityIssueRules.IsProvider(current.Value, caller))
        {
            throw new DomainException(FailureKind.Forbidden, QualityIssueRules.NotProviderCode, "Only the provider of the resource verifies and answers the ticket.");
        }

        EnsureFresh(current, ifMatch);
        return current;
    }

    private static void EnsureFresh(Versioned<QualityIssue> current, string? ifMatch)
    {
        if (ifMatch is not null && Unquote(ifMatch) != Unquote(current.ETag))
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The ticket changed since you read it; read it again and retry.");
        }
    }

    private static string Unquote(string etag) => etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..].Trim('"') : etag.Trim('"');

    private async Task<Versioned<QualityIssue>> ReplaceAsync(Versioned<QualityIssue> current, QualityIssue updated, CancellationToken cancellationToken)
        => new(updated, await store.ReplaceAsync(updated, current.ETag, cancellationToken));

    private static DomainException NotFound(string id) => new(FailureKind.NotFound, QualityIssueRules.NotFoundCode, $"Quality issue '{id}' does not exist.");

    private async Task<string> OrganizationNameAsync(string id, CancellationToken cancellationToken)
        => (await organizations.GetAsync(id, cancellationToken))?.Value.Name ?? id;
}
