using System.Globalization;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Sandbox;

/// <summary>
/// The authority's release control of one grant (issue 14 item 6, the OpenSAFELY "airlock"): when <see cref="Required"/>,
/// a <c>full</c> result is released only after every named output checker (an organisation) approves it.
/// </summary>
/// <param name="FullJobsPerDay">The grant's query budget (issue 14 item 5): <c>full</c> jobs per China day; null = the setting <c>Sandbox:FullJobsPerDay</c>.</param>
/// <param name="NoiseEpsilonPerJob">Issue 14 item 5: the ε of calibrated Laplace noise each <c>full</c> job's released aggregates carry; null = no noise.</param>
/// <param name="NoiseEpsilonTotal">The grant's ε budget: <c>full</c> jobs are refused once the next one would spend more.</param>
public sealed record SandboxReleaseControl(
    string GrantId, bool Required, IReadOnlyList<string> Checkers, string SetBy, DateTimeOffset SetAt, int? FullJobsPerDay = null,
    double? NoiseEpsilonPerJob = null, double? NoiseEpsilonTotal = null)
{
    public bool AddsNoise => NoiseEpsilonPerJob is not null && NoiseEpsilonTotal is not null;
}

/// <summary>What the authority sends (PUT /api/grants/{id}/release-control).</summary>
public sealed record SandboxReleaseControlInput(
    bool? Required, IReadOnlyList<string?>? Checkers, int? FullJobsPerDay = null, double? NoiseEpsilonPerJob = null, double? NoiseEpsilonTotal = null);

/// <summary>Where release controls are kept, one per grant (Table storage, ETag concurrency).</summary>
public interface ISandboxReleaseControlStore
{
    Task<Versioned<SandboxReleaseControl>?> GetAsync(string grantId, CancellationToken cancellationToken = default);

    /// <summary>Stores the control: a new one when <paramref name="ifMatch"/> is null (409 when one exists), else replaces it (412 when it changed).</summary>
    Task<string> SaveAsync(SandboxReleaseControl control, string? ifMatch, CancellationToken cancellationToken = default);
}

/// <summary>The rules of release controls (issue 14 item 6; M4.4, M5.1).</summary>
public static class SandboxReleaseRules
{
    public const string InvalidControlCode = "sandbox.invalid_release_control";
    public const string CheckerConflictCode = "sandbox.checker_conflict";
    public const int MaxCheckers = 5;

    /// <summary>M5.1: two checkers where the grant covers a sensitive-personal field, one otherwise.</summary>
    public static int CheckersRequired(Grant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return grant.Tables.SelectMany(t => t.Fields).Any(f => f.Classification == FieldClassification.SensitivePersonal) ? 2 : 1;
    }

    public const double MinNoiseEpsilon = 0.01;
    public const double MaxNoiseEpsilonPerJob = 10;
    public const double MaxNoiseEpsilonTotal = 1000;

    /// <summary>Issue 14 item 5: ε per job and the grant's ε budget come as a pair or not at all; the budget holds at least one job.</summary>
    private static void ValidateNoise(SandboxReleaseControlInput input, Dictionary<string, string[]> errors)
    {
        if (input.NoiseEpsilonPerJob is null && input.NoiseEpsilonTotal is null)
        {
            return;
        }

        if (input.NoiseEpsilonPerJob is not { } perJob || !double.IsFinite(perJob) || perJob < MinNoiseEpsilon || perJob > MaxNoiseEpsilonPerJob)
        {
            errors["noiseEpsilonPerJob"] = [$"With noise, the ε each full job spends: a number from {MinNoiseEpsilon} to {MaxNoiseEpsilonPerJob} (smaller means more noise)."];
        }
        else if (input.NoiseEpsilonTotal is not { } total || !double.IsFinite(total) || total < perJob || total > MaxNoiseEpsilonTotal)
        {
            errors["noiseEpsilonTotal"] = [$"With noise, the grant's ε budget: a number from noiseEpsilonPerJob ({perJob.ToString(System.Globalization.CultureInfo.InvariantCulture)}) to {MaxNoiseEpsilonTotal}."];
        }
    }

    /// <summary>
    /// Checks the authority's input against the grant (M4.4: the checker is independent of the operator): 400 for a missing
    /// flag, 422 <see cref="InvalidControlCode"/> for too few, duplicate or unknown checkers, 403 <see cref="CheckerConflictCode"/>
    /// for a checker that is the grant's operator. <paramref name="known"/> are the checkers that exist as organisations.
    /// </summary>
    public static (bool Required, IReadOnlyList<string> Checkers) Validate(Grant grant, SandboxReleaseControlInput input, IReadOnlySet<string> known)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(known);
        if (input.Required is null)
        {
            throw new DomainException(FailureKind.BadRequest, InvalidControlCode, "The release control is invalid.",
                new Dictionary<string, string[]> { ["required"] = ["Say whether full results need a checker's approval (true or false)."] });
        }

        var checkers = (input.Checkers ?? []).Select(c => c?.Trim() ?? "").ToList();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < checkers.Count; i++)
        {
            if (checkers[i].Length == 0)
            {
                errors[$"checkers[{i}]"] = ["An organisation id."];
            }
            else if (checkers[i] == grant.OperatorId)
            {
                throw new DomainException(FailureKind.Forbidden, CheckerConflictCode,
                    $"Organisation '{checkers[i]}' is the grant's operator: an output checker must be independent of the operator whose results it releases (M4.4).",
                    new Dictionary<string, string[]> { [$"checkers[{i}]"] = ["The operator cannot check its own results."] });
            }
            else if (checkers.IndexOf(checkers[i]) != i)
            {
                errors[$"checkers[{i}]"] = ["Named twice: the checkers must be different organisations."];
            }
            else if (!known.Contains(checkers[i]))
            {
                errors[$"checkers[{i}]"] = [$"No organisation '{checkers[i]}' is registered."];
            }
        }

        var needed = CheckersRequired(grant);
        if (input.Required.Value && checkers.Count < needed)
        {
            errors["checkers"] = [needed == 2
                ? "The grant covers sensitive-personal fields: name two output checkers."
                : "Name an output checker."];
        }
        else if (checkers.Count > MaxCheckers)
        {
            errors["checkers"] = [$"At most {MaxCheckers} checkers."];
        }

        if (input.FullJobsPerDay is < 1 or > SandboxBudgetRules.MaxFullJobsPerDay)
        {
            errors["fullJobsPerDay"] = [$"A whole number from 1 to {SandboxBudgetRules.MaxFullJobsPerDay}, or null for the platform's default."];
        }

        ValidateNoise(input, errors);
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, InvalidControlCode, "The release control is invalid.", errors);
        }

        return (input.Required.Value, checkers);
    }
}

/// <summary>Sets and reads a grant's release control: the authority only (issue 14 item 6); every change is audited.</summary>
public sealed class SandboxReleaseControlService(ISandboxReleaseControlStore controls, IGrantStore grants, IOrganizationStore organizations, IAuditTrail audit, IClock clock)
{
    public async Task<Versioned<SandboxReleaseControl>> SetAsync(string grantId, SandboxReleaseControlInput input, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(caller);
        RequireAuthority(caller);
        var grant = (await grants.GetAsync(grantId, cancellationToken))?.Value
                    ?? throw new DomainException(FailureKind.NotFound, "grant.not_found", $"Grant '{grantId}' was not found.");
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var checker in (input.Checkers ?? []).Select(c => c?.Trim()).OfType<string>().Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).Take(SandboxReleaseRules.MaxCheckers + 1))
        {
            if (await organizations.GetAsync(checker, cancellationToken) is not null)
            {
                known.Add(checker);
            }
        }

        var (required, checkers) = SandboxReleaseRules.Validate(grant, input, known);
        var current = await controls.GetAsync(grantId, cancellationToken);
        var control = new SandboxReleaseControl(grantId, required, checkers, caller.Subject, clock.UtcNow, input.FullJobsPerDay, input.NoiseEpsilonPerJob, input.NoiseEpsilonTotal);
        var etag = await controls.SaveAsync(control, current is null ? null : ifMatch ?? current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "sandbox.release_control_set", $"grants/{grantId}",
            new { control.Required, control.Checkers, control.FullJobsPerDay, control.NoiseEpsilonPerJob, control.NoiseEpsilonTotal }, cancellationToken);
        return new Versioned<SandboxReleaseControl>(control, etag);
    }

    /// <summary>The grant's control; a grant without one has none required.</summary>
    public async Task<Versioned<SandboxReleaseControl>> GetAsync(string grantId, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireAuthority(caller);
        _ = (await grants.GetAsync(grantId, cancellationToken))?.Value
            ?? throw new DomainException(FailureKind.NotFound, "grant.not_found", $"Grant '{grantId}' was not found.");
        return await controls.GetAsync(grantId, cancellationToken)
               ?? new Versioned<SandboxReleaseControl>(new SandboxReleaseControl(grantId, false, [], "", DateTimeOffset.UnixEpoch), "\"none\"");
    }

    private static void RequireAuthority(Caller caller)
    {
        // M4.4: checkers are named by the authority, never by the operator whose results they check.
        if (caller.Role != Roles.Authority)
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the authority names output checkers.");
        }
    }
}

/// <summary>
/// The human release step of held results (issue 14 item 6): signs one approval link per checker (through the shared
/// approval machinery, <c>/api/approvals/{token}</c>) and applies the decisions to the job.
/// </summary>
public sealed class SandboxReleaseReview(
    ISandboxReleaseControlStore controls,
    ISandboxJobStore jobs,
    ISandboxResultStore results,
    ApprovalService approvals,
    ApprovalLinkSettings links,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock) : IApprovalDecisionHandler
{
    public const string SubjectKind = "sandbox-release";
    public const string InstancePrefix = "sandbox-release-";
    public const string Category = "sandbox-release";

    public static string InstanceOf(string jobId) => InstancePrefix + jobId;

    /// <summary>The checkers a finished full job of the grant must wait for; null when the grant requires none.</summary>
    public async Task<IReadOnlyList<string>?> CheckersForAsync(SandboxJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Mode != SandboxMode.Full)
        {
            return null;
        }

        var control = (await controls.GetAsync(job.GrantId, cancellationToken))?.Value;
        return control is { Required: true, Checkers.Count: > 0 } ? control.Checkers : null;
    }

    /// <summary>Stores each checker's slot, signs its link and sends it to the checker's organisation (idempotent per job and slot).</summary>
    public async Task IssueLinksAsync(SandboxJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var release = job.Release ?? throw new InvalidOperationException($"Sandbox job {job.Id} names no checkers.");
        var now = clock.UtcNow;
        var instance = InstanceOf(job.Id);
        for (var i = 0; i < release.Checkers.Count; i++)
        {
            var slot = SandboxJobRules.CheckerSlot(i);
            if (await approvals.FindDecisionAsync(instance, slot, cancellationToken) is not null)
            {
                continue;
            }

            var recipient = Recipient.Organization(release.Checkers[i]);
            var approvalSlot = new ApprovalSlot(instance, slot, recipient, Roles.Reviewer, SubjectKind, job.Id, 1, job.FinishedAt ?? now, now + links.Lifetime);
            var link = await approvals.IssueAsync(approvalSlot, now + links.Lifetime, cancellationToken);
            await outbox.SendAsync(new Notification($"{instance}-{slot}", recipient, Category, $"沙箱结果出域审核：作业 {job.Id}",
                $"运营机构 {job.OrganizationId} 的沙箱作业 {job.Id}（授权 {job.GrantId}）的全量结果已通过披露控制检查，需经您审核同意后方可交付。请打开链接查看结果的结构和披露控制摘要（不含原始数据），并作出决定（同意或不同意）。",
                link.Url, SandboxJobService.TargetOf(job.Id), now), cancellationToken);
        }
    }

    bool IApprovalDecisionHandler.Handles(string instanceId) => instanceId.StartsWith(InstancePrefix, StringComparison.Ordinal);

    /// <summary>Applies a checker's decision (ETag-guarded); false when the job no longer awaits release (the link is then closed).</summary>
    public async Task<bool> DecideAsync(string instanceId, ApprovalDecidedEvent decided, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentNullException.ThrowIfNull(decided);
        var jobId = instanceId[InstancePrefix.Length..];
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var found = await jobs.GetAsync(jobId, cancellationToken);
            if (found is not { Value.Status: SandboxJobStatus.AwaitingRelease })
            {
                return false;
            }

            var approved = decided.Decision.Kind == ApprovalDecisionKind.Approve;
            var next = SandboxJobRules.DecideRelease(found.Value, decided.Slot, approved, decided.Decision.Comment, decided.Decision.DecidedAt);
            try
            {
                await jobs.ReplaceAsync(next, found.ETag, cancellationToken);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
            {
                continue;
            }

            var checker = new Caller($"checker:{decided.Reviewer}", Roles.Reviewer, Recipient.FromKey(decided.Reviewer)?.Value ?? "");
            if (next.Status == SandboxJobStatus.ReleaseRefused)
            {
                await results.DeleteAsync(jobId, cancellationToken);
                var others = next.Release!.Checkers.Select((_, i) => SandboxJobRules.CheckerSlot(i)).Where(s => s != decided.Slot).ToList();
                await approvals.CloseAsync(instanceId, others, "Another output checker refused the release.", cancellationToken);
            }

            var action = next.Status switch
            {
                SandboxJobStatus.Released => "sandbox.release_approved",
                SandboxJobStatus.ReleaseRefused => "sandbox.release_refused",
                _ => "sandbox.release_decided",
            };
            await audit.RecordAsync(checker, action, SandboxJobService.TargetOf(jobId),
                new { decided.Slot, Approved = approved, decided.Decision.Comment, Status = next.Status.ToWire(), next.ResultHash }, cancellationToken);
            return true;
        }

        throw new DomainException(FailureKind.Conflict, "concurrency.etag_mismatch", $"Sandbox job {jobId} kept changing; decide again.");
    }
}

/// <summary>
/// What an output checker is shown (issue 14 item 6): the job, the statement, the released cells' shape and the
/// disclosure-control summary — never a value of the result.
/// </summary>
public sealed class SandboxReleaseApprovalSubject(ISandboxJobStore jobs) : IApprovalSubjectSource
{
    public string SubjectKind => SandboxReleaseReview.SubjectKind;

    public async Task<ApprovalSubjectFacts> DescribeAsync(ApprovalSlot slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var job = (await jobs.GetAsync(slot.SubjectId, cancellationToken))?.Value
                  ?? throw new DomainException(FailureKind.NotFound, SandboxJobCodes.NotFound, $"Sandbox job '{slot.SubjectId}' was not found.");
        var facts = new List<ApprovalFact>
        {
            new("作业", job.Id),
            new("授权", job.GrantId),
            new("运营机构", job.OrganizationId),
            new("提交人", job.SubmittedBy),
            new("状态", job.Status.ToWire()),
            new("SQL", job.Sql),
            new("结果行数", job.Run?.RowCount?.ToString(CultureInfo.InvariantCulture) ?? "0"),
            new("结果列", string.Join("，", (job.Run?.Columns ?? []).Select(c => $"{c.Name} ({c.Type})"))),
        };
        var groups = new List<ApprovalFactGroup>();
        if (job.Checks is { } checks)
        {
            var control = new List<ApprovalFact>
            {
                new("每行/每格最少主体数 k", checks.MinRecordsPerRow.ToString(CultureInfo.InvariantCulture)),
                new("释放行数", checks.ReleasedRows.ToString(CultureInfo.InvariantCulture)),
                new("抑制行数", checks.SuppressedRows.ToString(CultureInfo.InvariantCulture)),
                new("计数舍入基数", checks.RoundingBase.ToString(CultureInfo.InvariantCulture)),
            };
            control.AddRange(checks.SuppressedCells.Select(c => new ApprovalFact($"抑制单元格（{c.Key}）", c.Value.ToString(CultureInfo.InvariantCulture))));
            groups.Add(new ApprovalFactGroup("披露控制摘要", control));
        }

        groups.Add(new ApprovalFactGroup("使用的字段", (job.Run?.Tables ?? []).Select(t => new ApprovalFact(t.Name, string.Join("，", t.FieldsRead))).ToList()));
        return new ApprovalSubjectFacts(
            "沙箱结果出域审核",
            "该结果的结构与披露控制摘要是否允许交付给运营机构？（页面不显示任何结果数值）",
            facts,
            groups,
            []);
    }
}
