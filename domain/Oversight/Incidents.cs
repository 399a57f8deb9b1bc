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
    string? MeasuresTaken);

public sealed record NewIncident(IncidentKind Kind, string Description, DateTimeOffset OccurredAt, IReadOnlyList<string>? AffectedResources, string? MeasuresTaken);

public interface IIncidentStore
{
    Task<string> AddAsync(SecurityIncident incident, CancellationToken cancellationToken = default);

    Task<Versioned<SecurityIncident>?> GetAsync(string id, CancellationToken cancellationToken = default);

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
