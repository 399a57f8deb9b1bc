using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Oversight;

/// <summary>Kinds of security incident that must be reported at once (M5.5.3).</summary>
public enum IncidentKind
{
    Loss,
    Leak,
    Tampering,
    Destruction,
    MajorRisk,
}

public sealed record SecurityIncident(
    string Id,
    string OrganizationId,
    IncidentKind Kind,
    string Description,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReportedAt,
    string ReportedBy,
    IReadOnlyList<string> AffectedResources,
    string? MeasuresTaken,
    IncidentConfirmation? Confirmation = null)
{
    /// <summary>The legal date (CST) the incident occurred on; the 3-year window of M3.5 runs from it.</summary>
    public DateOnly IncidentDate => ChinaTime.LegalDate(OccurredAt);
}

/// <summary>The authority's confirmation that a reported incident is a network or data security incident (M3.5, M5.5.3).</summary>
public sealed record IncidentConfirmation(string? Note, DateTimeOffset ConfirmedAt, string ConfirmedBy);

public sealed record NewIncident(IncidentKind Kind, string Description, DateTimeOffset OccurredAt, IReadOnlyList<string>? AffectedResources, string? MeasuresTaken);

public interface IIncidentStore
{
    Task<string> AddAsync(SecurityIncident incident, CancellationToken cancellationToken = default);

    Task<Versioned<SecurityIncident>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches (412 otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(SecurityIncident incident, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Incidents reported in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), of one organisation or (null) all.</summary>
    Task<IReadOnlyList<SecurityIncident>> ListReportedBetweenAsync(string? organizationId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);
}

public sealed class IncidentService(IIncidentStore store, INotificationOutbox outbox, IAuditTrail audit, IClock clock)
{
    public const int MaxDescriptionLength = 4000;

    /// <summary>M5.5.3: loss, leak, tampering, destruction or a major risk is reported to the authority immediately.</summary>
    public async Task<Versioned<SecurityIncident>> ReportAsync(string id, NewIncident report, Caller caller, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(report.Description) || report.Description.Length > MaxDescriptionLength)
        {
            errors["description"] = [$"Describe the incident (at most {MaxDescriptionLength} characters)."];
        }

        var now = clock.UtcNow;
        if (report.OccurredAt > now.AddMinutes(5))
        {
            errors["occurredAt"] = ["An incident cannot have occurred in the future."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "incident.invalid", "The incident report has invalid fields.", errors);
        }

        var incident = new SecurityIncident(
            id, caller.Organization, report.Kind, report.Description.Trim(), report.OccurredAt, now, caller.Subject,
            report.AffectedResources ?? [], report.MeasuresTaken?.Trim());
        var etag = await store.AddAsync(incident, cancellationToken);
        await audit.RecordAsync(caller, "incident.reported", $"incidents/{id}", incident, cancellationToken);
        await outbox.SendAsync(OversightNotices.IncidentReported(incident, now), cancellationToken);
        return new Versioned<SecurityIncident>(incident, etag);
    }

    /// <summary>
    /// The authority confirms a reported incident (M3.5): from then on its organisation has had a security incident in
    /// the last three years until three years after the incident date. Once only (409 <c>incident.already_confirmed</c>).
    /// </summary>
    public async Task<Versioned<SecurityIncident>> ConfirmAsync(string id, string? note, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (current.Value.Confirmation is not null)
        {
            throw new DomainException(FailureKind.Conflict, "incident.already_confirmed", $"Incident '{id}' was confirmed on {current.Value.Confirmation.ConfirmedAt:O}.");
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The incident changed since you read it; read it again and retry.");
        }

        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed?.Length > MaxDescriptionLength)
        {
            throw new DomainException(FailureKind.Unprocessable, "incident.invalid", "The confirmation has invalid fields.",
                new Dictionary<string, string[]> { ["note"] = [$"At most {MaxDescriptionLength} characters."] });
        }

        var confirmed = current.Value with { Confirmation = new IncidentConfirmation(trimmed, clock.UtcNow, caller.Subject) };
        var etag = await store.ReplaceAsync(confirmed, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "incident.confirmed", $"incidents/{id}", confirmed.Confirmation, cancellationToken);
        return new Versioned<SecurityIncident>(confirmed, etag);
    }

    public async Task<Versioned<SecurityIncident>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        if (found is null || !(caller.Role is Roles.Authority or Roles.Supervisor || caller.Organization == found.Value.OrganizationId))
        {
            throw new DomainException(FailureKind.NotFound, "incident.not_found", $"Incident '{id}' does not exist.");
        }

        return found;
    }
}
