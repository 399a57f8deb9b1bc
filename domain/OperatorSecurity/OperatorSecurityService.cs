using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Personnel;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.OperatorSecurity;

public sealed record NewManagementSystem(string? Version, string? DocumentRef, DateOnly? AdoptedOn);

public sealed record NewManagementSystemReview(DateOnly? ReviewedOn, string? Conclusion);

public sealed record NewTrainingSession(DateOnly? HeldOn, string? Topic, IReadOnlyList<string?>? StaffIds);

public sealed record NewFinding(string? Description, DateOnly? RectifyBy);

public sealed record NewAssessment(AssessmentKind? Kind, DateOnly? ConductedOn, string? ConductedBy, string? Summary, IReadOnlyList<NewFinding?>? Findings);

public sealed record NewEmergencyPlan(string? Version, string? DocumentRef, DateOnly? ApprovedOn);

public sealed record NewEmergencyDrill(DateOnly? DrilledOn, string? Scenario);

/// <summary>An overdue duty as shown on the overview, with when the operator was told and when the authority was.</summary>
public sealed record OverdueDutyView(string Key, SecurityDutyKind Kind, string Subject, DateOnly DueOn, DateTimeOffset? NotifiedAt, DateTimeOffset? EscalatedAt);

public sealed record StaffTrainingView(string StaffId, string Name, DateOnly? LastTrainedOn);

/// <summary><c>GET /api/operators/{id}/security</c>: the whole picture of the operator's M5.5 duties.</summary>
public sealed record OperatorSecurityOverview(
    string OperatorId,
    DateOnly TodayCst,
    DateOnly? DutyStart,
    ManagementSystemRecord? ManagementSystem,
    EmergencyPlanRecord? EmergencyPlan,
    IReadOnlyList<StaffTrainingView> Staff,
    IReadOnlyList<TrainingSession> RecentTrainings,
    IReadOnlyList<SecurityAssessment> RecentAssessments,
    IReadOnlyList<OverdueDutyView> Overdue);

/// <summary>Records of M5.5 in table <c>operatorsecurity</c>: partition = operator.</summary>
public interface IOperatorSecurityStore
{
    Task<Versioned<SecurityProfile>?> GetProfileAsync(string operatorId, CancellationToken cancellationToken = default);

    /// <summary>Inserts when <paramref name="ifMatch"/> is null (409 if it exists), else replaces on a matching ETag (412 otherwise).</summary>
    Task<string> SaveProfileAsync(SecurityProfile profile, string? ifMatch, CancellationToken cancellationToken = default);

    Task AddTrainingAsync(TrainingSession session, CancellationToken cancellationToken = default);

    /// <summary>A page of the operator's training sessions, newest first.</summary>
    Task<(IReadOnlyList<TrainingSession> Items, string? ContinuationToken)> ListTrainingsAsync(string operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>Sessions held on or after <paramref name="from"/>.</summary>
    Task<IReadOnlyList<TrainingSession>> ListTrainingsSinceAsync(string operatorId, DateOnly from, CancellationToken cancellationToken = default);

    Task<string> AddAssessmentAsync(SecurityAssessment assessment, CancellationToken cancellationToken = default);

    Task<Versioned<SecurityAssessment>?> GetAssessmentAsync(string operatorId, string assessmentId, CancellationToken cancellationToken = default);

    Task<string> ReplaceAssessmentAsync(SecurityAssessment assessment, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of the operator's assessments and checks, newest first.</summary>
    Task<(IReadOnlyList<SecurityAssessment> Items, string? ContinuationToken)> ListAssessmentsAsync(string operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>All the operator's assessments (the sweep reads them; a few per year).</summary>
    Task<IReadOnlyList<SecurityAssessment>> ListAllAssessmentsAsync(string operatorId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityDutyFlag>> ListFlagsAsync(string operatorId, CancellationToken cancellationToken = default);

    /// <summary>Conditional insert; false when the duty was flagged before.</summary>
    Task<bool> TryAddFlagAsync(SecurityDutyFlag flag, CancellationToken cancellationToken = default);

    /// <summary>Sets the escalation time once; false when it was set before.</summary>
    Task<bool> TryMarkEscalatedAsync(string operatorId, string itemKey, DateTimeOffset escalatedAt, CancellationToken cancellationToken = default);
}

/// <summary>
/// The operator's security duties of M5.5: it records its management system and reviews, training sessions, risk
/// assessments and security checks with findings, and its emergency plan and drills. Every record is audited; the
/// authority, supervisors and the operator itself see them.
/// </summary>
public sealed class OperatorSecurityService(
    IOperatorSecurityStore store,
    IPersonnelStore personnel,
    IAgreementStore agreements,
    IAuditTrail audit,
    IClock clock,
    SecurityDutyPeriods periods)
{
    public const int OverviewRecent = 10;
    private const int PageSize = 200;

    public async Task<Versioned<SecurityProfile>> RecordManagementSystemAsync(string operatorId, NewManagementSystem request, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureOwnOperator(operatorId, caller);
        var errors = new Dictionary<string, string[]>();
        var version = OperatorSecurityRules.RequireText(errors, "version", request.Version, OperatorSecurityRules.MaxShortTextLength);
        var document = OperatorSecurityRules.RequireText(errors, "documentRef", request.DocumentRef, OperatorSecurityRules.MaxShortTextLength);
        OperatorSecurityRules.RequirePastDate(errors, "adoptedOn", request.AdoptedOn, ChinaTime.Today(clock));
        OperatorSecurityRules.ThrowIfAny(errors, "management system");
        var record = new ManagementSystemRecord(version!, document!, request.AdoptedOn!.Value, clock.UtcNow, caller.Subject, []);
        return await UpdateProfileAsync(operatorId, ifMatch, caller, p => p with { ManagementSystem = record }, "security.management_system_recorded", record, cancellationToken);
    }

    public async Task<Versioned<SecurityProfile>> RecordManagementSystemReviewAsync(string operatorId, NewManagementSystemReview request, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureOwnOperator(operatorId, caller);
        var errors = new Dictionary<string, string[]>();
        var conclusion = OperatorSecurityRules.RequireText(errors, "conclusion", request.Conclusion, OperatorSecurityRules.MaxTextLength);
        OperatorSecurityRules.RequirePastDate(errors, "reviewedOn", request.ReviewedOn, ChinaTime.Today(clock));
        OperatorSecurityRules.ThrowIfAny(errors, "review");
        var review = new ManagementSystemReview(request.ReviewedOn!.Value, conclusion!, clock.UtcNow, caller.Subject);
        return await UpdateProfileAsync(operatorId, ifMatch, caller, p =>
        {
            var system = p.ManagementSystem ?? throw new DomainException(FailureKind.Conflict, "security.no_management_system", "Record the management system before its review (M5.5.1).");
            if (review.ReviewedOn < system.AdoptedOn)
            {
                throw new DomainException(FailureKind.Unprocessable, "security.invalid", "The review has invalid fields.",
                    new Dictionary<string, string[]> { ["reviewedOn"] = [$"Cannot be before the system was adopted ({system.AdoptedOn:yyyy-MM-dd})."] });
            }

            return p with { ManagementSystem = system with { Reviews = [.. system.Reviews, review] } };
        }, "security.management_system_reviewed", review, cancellationToken);
    }

    public async Task<Versioned<SecurityProfile>> RecordEmergencyPlanAsync(string operatorId, NewEmergencyPlan request, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureOwnOperator(operatorId, caller);
        var errors = new Dictionary<string, string[]>();
        var version = OperatorSecurityRules.RequireText(errors, "version", request.Version, OperatorSecurityRules.MaxShortTextLength);
        var document = OperatorSecurityRules.RequireText(errors, "documentRef", request.DocumentRef, OperatorSecurityRules.MaxShortTextLength);
        OperatorSecurityRules.RequirePastDate(errors, "approvedOn", request.ApprovedOn, ChinaTime.Today(clock));
        OperatorSecurityRules.ThrowIfAny(errors, "emergency plan");
        var plan = new EmergencyPlanRecord(version!, document!, request.ApprovedOn!.Value, clock.UtcNow, caller.Subject, []);
        // A new version keeps the drills already held: they exercised the organisation, not the document.
        return await UpdateProfileAsync(operatorId, ifMatch, caller, p => p with { EmergencyPlan = plan with { Drills = p.EmergencyPlan?.Drills ?? [] } }, "security.emergency_plan_recorded", plan, cancellationToken);
    }

    public async Task<Versioned<SecurityProfile>> RecordDrillAsync(string operatorId, NewEmergencyDrill request, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureOwnOperator(operatorId, caller);
        var errors = new Dictionary<string, string[]>();
        var scenario = OperatorSecurityRules.RequireText(errors, "scenario", request.Scenario, OperatorSecurityRules.MaxTextLength);
        OperatorSecurityRules.RequirePastDate(errors, "drilledOn", request.DrilledOn, ChinaTime.Today(clock));
        OperatorSecurityRules.ThrowIfAny(errors, "drill");
        var drill = new EmergencyDrill(request.DrilledOn!.Value, scenario!, clock.UtcNow, caller.Subject);
        return await UpdateProfileAsync(operatorId, ifMatch, caller, p =>
        {
            var plan = p.EmergencyPlan ?? throw new DomainException(FailureKind.Conflict, "security.no_emergency_plan", "Record the emergency plan before its drills (M5.5.3).");
            return p with { EmergencyPlan = plan with { Drills = [.. plan.Drills, drill] } };
        }, "security.emergency_drill_recorded", drill, cancellationToken);
    }

    public async Task<TrainingSession> RecordTrainingAsync(string operatorId, string id, NewTrainingSession request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureOwnOperator(operatorId, caller);
        var errors = new Dictionary<string, string[]>();
        var topic = OperatorSecurityRules.RequireText(errors, "topic", request.Topic, OperatorSecurityRules.MaxShortTextLength);
        OperatorSecurityRules.RequirePastDate(errors, "heldOn", request.HeldOn, ChinaTime.Today(clock));
        var staffIds = (request.StaffIds ?? []).Select(s => s?.Trim()).ToList();
        if (staffIds.Count == 0 || staffIds.Count > OperatorSecurityRules.MaxStaffPerSession || staffIds.Any(string.IsNullOrEmpty))
        {
            errors["staffIds"] = [$"staffIds lists the staff trained: 1 to {OperatorSecurityRules.MaxStaffPerSession} staff ids."];
        }

        OperatorSecurityRules.ThrowIfAny(errors, "training session");
        var distinct = staffIds.Distinct(StringComparer.Ordinal).Select(s => s!).ToList();
        var foreign = new List<string>();
        foreach (var staffId in distinct)
        {
            // The session counts only for the operator's own staff: staff ids come from its personnel records.
            if ((await personnel.GetAsync(staffId, cancellationToken))?.Value is not { } staff || staff.OrgId != operatorId)
            {
                foreign.Add(staffId);
            }
        }

        if (foreign.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "security.unknown_staff", $"Not staff of {operatorId}: {string.Join(", ", foreign)}.",
                new Dictionary<string, string[]> { ["staffIds"] = [.. foreign.Select(f => $"'{f}' is not a staff member of this operator.")] });
        }

        var session = new TrainingSession(id, operatorId, request.HeldOn!.Value, topic!, distinct, clock.UtcNow, caller.Subject);
        await store.AddTrainingAsync(session, cancellationToken);
        await audit.RecordAsync(caller, "security.training_recorded", $"operators/{operatorId}/security/trainings/{id}", session, cancellationToken);
        return session;
    }

    public async Task<Versioned<SecurityAssessment>> RecordAssessmentAsync(string operatorId, string id, NewAssessment request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureOwnOperator(operatorId, caller);
        var today = ChinaTime.Today(clock);
        var errors = new Dictionary<string, string[]>();
        if (request.Kind is null)
        {
            errors["kind"] = ["kind is required: risk-assessment or security-check."];
        }

        OperatorSecurityRules.RequirePastDate(errors, "conductedOn", request.ConductedOn, today);
        var conductedBy = OperatorSecurityRules.RequireText(errors, "conductedBy", request.ConductedBy, OperatorSecurityRules.MaxShortTextLength);
        var summary = OperatorSecurityRules.RequireText(errors, "summary", request.Summary, OperatorSecurityRules.MaxTextLength);
        var findings = new List<SecurityFinding>();
        var requested = request.Findings ?? [];
        if (requested.Count > OperatorSecurityRules.MaxFindings)
        {
            errors["findings"] = [$"At most {OperatorSecurityRules.MaxFindings} findings."];
        }

        for (var i = 0; i < requested.Count && i < OperatorSecurityRules.MaxFindings; i++)
        {
            var finding = requested[i];
            var description = OperatorSecurityRules.RequireText(errors, $"findings[{i}].description", finding?.Description, OperatorSecurityRules.MaxTextLength);
            if (finding?.RectifyBy is not { } rectifyBy || (request.ConductedOn is { } on && rectifyBy < on))
            {
                errors[$"findings[{i}].rectifyBy"] = ["rectifyBy is required: the rectification deadline (CST), not before the assessment."];
            }
            else if (description is not null)
            {
                findings.Add(new SecurityFinding(i + 1, description, rectifyBy));
            }
        }

        OperatorSecurityRules.ThrowIfAny(errors, "assessment");
        var assessment = new SecurityAssessment(id, operatorId, request.Kind!.Value, request.ConductedOn!.Value, conductedBy!, summary!, findings, clock.UtcNow, caller.Subject);
        var etag = await store.AddAssessmentAsync(assessment, cancellationToken);
        await audit.RecordAsync(caller, "security.assessment_recorded", $"operators/{operatorId}/security/assessments/{id}", assessment, cancellationToken);
        return new Versioned<SecurityAssessment>(assessment, etag);
    }

    public async Task<Versioned<SecurityAssessment>> RectifyFindingAsync(string operatorId, string assessmentId, int number, string? note, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureOwnOperator(operatorId, caller);
        var current = await store.GetAssessmentAsync(operatorId, assessmentId, cancellationToken)
            ?? throw new DomainException(FailureKind.NotFound, "security.assessment_not_found", $"Assessment '{assessmentId}' does not exist.");
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The assessment changed since you read it; read it again and retry.");
        }

        var finding = current.Value.Findings.SingleOrDefault(f => f.Number == number)
            ?? throw new DomainException(FailureKind.NotFound, "security.finding_not_found", $"Assessment '{assessmentId}' has no finding {number}.");
        if (finding.Rectified)
        {
            throw new DomainException(FailureKind.Conflict, "security.finding_already_rectified", $"Finding {number} was rectified on {finding.RectifiedAt:O}.");
        }

        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed?.Length > OperatorSecurityRules.MaxTextLength)
        {
            OperatorSecurityRules.ThrowIfAny(new Dictionary<string, string[]> { ["note"] = [$"At most {OperatorSecurityRules.MaxTextLength} characters."] }, "rectification");
        }

        var rectified = finding with { RectifiedAt = clock.UtcNow, RectificationNote = trimmed };
        var updated = current.Value with { Findings = current.Value.Findings.Select(f => f.Number == number ? rectified : f).ToList() };
        var etag = await store.ReplaceAssessmentAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "security.finding_rectified", $"operators/{operatorId}/security/assessments/{assessmentId}/findings/{number}", rectified, cancellationToken);
        return new Versioned<SecurityAssessment>(updated, etag);
    }

    public async Task<(IReadOnlyList<TrainingSession> Items, string? ContinuationToken)> ListTrainingsAsync(string operatorId, int pageSize, string? continuationToken, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureReader(operatorId, caller);
        return await store.ListTrainingsAsync(operatorId, pageSize, continuationToken, cancellationToken);
    }

    public async Task<(IReadOnlyList<SecurityAssessment> Items, string? ContinuationToken)> ListAssessmentsAsync(string operatorId, int pageSize, string? continuationToken, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureReader(operatorId, caller);
        return await store.ListAssessmentsAsync(operatorId, pageSize, continuationToken, cancellationToken);
    }

    /// <summary>The whole picture: records, each active staff member's last training, and what is overdue today (CST).</summary>
    public async Task<OperatorSecurityOverview> GetOverviewAsync(string operatorId, Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureReader(operatorId, caller);
        var today = ChinaTime.Today(clock);
        var snapshot = await LoadSnapshotAsync(operatorId, today, cancellationToken);
        var flags = (await store.ListFlagsAsync(operatorId, cancellationToken)).ToDictionary(f => f.ItemKey, StringComparer.Ordinal);
        var overdue = OperatorSecurityRules.Overdue(snapshot, today, periods)
            .Select(d => flags.TryGetValue(d.Key, out var f)
                ? new OverdueDutyView(d.Key, d.Kind, d.Subject, d.DueOn, f.NotifiedAt, f.EscalatedAt)
                : new OverdueDutyView(d.Key, d.Kind, d.Subject, d.DueOn, null, null))
            .ToList();
        var staff = snapshot.Staff.Where(OperatorSecurityRules.IsActive)
            .Select(s => new StaffTrainingView(s.Id, s.Name, snapshot.Trainings.Where(t => t.StaffIds.Contains(s.Id)).Select(t => (DateOnly?)t.HeldOn).Max()))
            .ToList();
        var (recentTrainings, _) = await store.ListTrainingsAsync(operatorId, OverviewRecent, null, cancellationToken);
        var (recentAssessments, _) = await store.ListAssessmentsAsync(operatorId, OverviewRecent, null, cancellationToken);
        return new OperatorSecurityOverview(operatorId, today, snapshot.DutyStart, snapshot.Profile.ManagementSystem, snapshot.Profile.EmergencyPlan, staff, recentTrainings, recentAssessments, overdue);
    }

    /// <summary>What the duty rules need about one operator on <paramref name="todayCst"/>.</summary>
    public async Task<SecuritySnapshot> LoadSnapshotAsync(string operatorId, DateOnly todayCst, CancellationToken cancellationToken = default)
    {
        var dutyStart = await DutyStartAsync(operatorId, cancellationToken);
        var profile = (await store.GetProfileAsync(operatorId, cancellationToken))?.Value ?? SecurityProfile.Empty(operatorId);
        // Only the last interval matters for "trained at least once per interval"; a margin of a month covers the boundary.
        var trainings = await store.ListTrainingsSinceAsync(operatorId, todayCst.AddMonths(-(periods.TrainingIntervalMonths + 1)), cancellationToken);
        var assessments = await store.ListAllAssessmentsAsync(operatorId, cancellationToken);
        var staff = new List<StaffMember>();
        string? token = null;
        do
        {
            var (page, next) = await personnel.QueryAsync(operatorId, PageSize, token, cancellationToken);
            staff.AddRange(page);
            token = next;
        }
        while (token is not null);

        return new SecuritySnapshot(operatorId, dutyStart, profile, trainings, assessments, staff);
    }

    /// <summary>M5.5 binds an operator while it holds an agreement: the signing date (CST) of its earliest one not ended; null when none.</summary>
    public async Task<DateOnly?> DutyStartAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        DateOnly? start = null;
        string? token = null;
        do
        {
            var (page, next) = await agreements.ListAsync(operatorId, PageSize, token, cancellationToken);
            foreach (var agreement in page.Where(a => a.OperatorId == operatorId && !a.HasEnded))
            {
                start = start is null || agreement.SigningDate < start ? agreement.SigningDate : start;
            }

            token = next;
        }
        while (token is not null);

        return start;
    }

    private async Task<Versioned<SecurityProfile>> UpdateProfileAsync(
        string operatorId, string? ifMatch, Caller caller, Func<SecurityProfile, SecurityProfile> change, string action, object payload, CancellationToken cancellationToken)
    {
        var current = await store.GetProfileAsync(operatorId, cancellationToken);
        if (ifMatch is not null && ifMatch != current?.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The security record changed since you read it; read it again and retry.");
        }

        var updated = change(current?.Value ?? SecurityProfile.Empty(operatorId));
        var etag = await store.SaveProfileAsync(updated, current?.ETag, cancellationToken);
        await audit.RecordAsync(caller, action, $"operators/{operatorId}/security", payload, cancellationToken);
        return new Versioned<SecurityProfile>(updated, etag);
    }

    /// <summary>Only the operator itself records its duties.</summary>
    private static void EnsureOwnOperator(string operatorId, Caller caller)
    {
        if (caller.Role != Roles.Operator || caller.Organization != operatorId)
        {
            throw new DomainException(FailureKind.Forbidden, "security.not_own_operator", "Only the operator itself records its security duties (M5.5).");
        }
    }

    /// <summary>The authority and supervisors see every operator's records; an operator only its own (others get 404).</summary>
    private static void EnsureReader(string operatorId, Caller caller)
    {
        if (!(caller.Role is Roles.Authority or Roles.Supervisor || (caller.Role == Roles.Operator && caller.Organization == operatorId)))
        {
            throw new DomainException(FailureKind.NotFound, "security.not_found", $"No security record of '{operatorId}' is visible to you.");
        }
    }
}
