using Platform.Domain.Approvals;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.UnitTests.Approvals;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxJobTestWorld;

namespace Platform.UnitTests.Sandbox;

/// <summary>Issue 14 item 6: the human release step (the "airlock").</summary>
public sealed class SandboxReleaseTests
{
    private const string Sql = "SELECT district, count(*) AS people FROM t_people GROUP BY district ORDER BY district";
    private readonly SandboxJobTestWorld _world = new();

    private static Grant GrantWith(params FieldClassification[] classifications)
    {
        var fields = classifications.Select((c, i) => new GrantField($"f{i}", FieldType.String, c, FieldGrade.General, null)).ToList();
        return new Grant("grt-1", "agr-1", "scn-1", OperatorOrg, "drq-1", "org-provider",
            [new GrantTable("t", "res-1", "资源", "org-provider", fields, "c", "b", "sha", 1, 0, "msk-1")],
            DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, GrantStatus.Active, null, null);
    }

    [Fact]
    public void Validate_CheckerIsTheGrantsOperator_403CheckerConflict()
    {
        var refused = Assert.Throws<DomainException>(() => SandboxReleaseRules.Validate(GrantWith(FieldClassification.Public),
            new SandboxReleaseControlInput(true, [OperatorOrg]), new HashSet<string> { OperatorOrg }));

        Assert.Equal((FailureKind.Forbidden, SandboxReleaseRules.CheckerConflictCode), (refused.Kind, refused.Code));
    }

    [Fact]
    public void Validate_SensitivePersonalGrantWithOneChecker_422NamingCheckers()
    {
        var refused = Assert.Throws<DomainException>(() => SandboxReleaseRules.Validate(GrantWith(FieldClassification.SensitivePersonal),
            new SandboxReleaseControlInput(true, ["org-expert"]), new HashSet<string> { "org-expert" }));

        Assert.Equal((FailureKind.Unprocessable, SandboxReleaseRules.InvalidControlCode), (refused.Kind, refused.Code));
        Assert.Contains("checkers", refused.Errors!.Keys);
    }

    [Fact]
    public void Validate_UnknownOrDuplicateChecker_422NamingTheEntry()
    {
        var refused = Assert.Throws<DomainException>(() => SandboxReleaseRules.Validate(GrantWith(FieldClassification.Public),
            new SandboxReleaseControlInput(true, ["org-expert", "org-expert", "org-ghost"]), new HashSet<string> { "org-expert" }));

        Assert.Equal(["checkers[1]", "checkers[2]"], refused.Errors!.Keys.Order());
    }

    [Fact]
    public void Validate_TwoIndependentCheckersForSensitiveGrant_Accepted()
    {
        var (required, checkers) = SandboxReleaseRules.Validate(GrantWith(FieldClassification.SensitivePersonal),
            new SandboxReleaseControlInput(true, [" org-a", "org-b"]), new HashSet<string> { "org-a", "org-b" });

        Assert.True(required);
        Assert.Equal(["org-a", "org-b"], checkers);
    }

    [Fact]
    public void DecideRelease_TwoCheckers_FirstApprovalWaitsSecondReleases()
    {
        var held = SandboxJobRules.AwaitRelease(new SandboxJob("sbx-1", "grt-1", OperatorOrg, "stf", SandboxMode.Full, Sql, SandboxJobStatus.Released, DateTimeOffset.UnixEpoch), ["org-a", "org-b"]);

        var once = SandboxJobRules.DecideRelease(held, "checker-2", true, null, DateTimeOffset.UnixEpoch);
        var twice = SandboxJobRules.DecideRelease(once, "checker-1", true, null, DateTimeOffset.UnixEpoch);

        Assert.Equal(SandboxJobStatus.AwaitingRelease, once.Status);
        Assert.Equal(SandboxJobStatus.Released, twice.Status);
        Assert.Equal(["org-b", "org-a"], twice.Release!.Decisions.Select(d => d.Checker));
        Assert.Throws<DomainException>(() => SandboxJobRules.DecideRelease(once, "checker-2", true, null, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void DecideRelease_OneRefusal_ReleaseRefusedWithoutHash()
    {
        var held = SandboxJobRules.AwaitRelease(new SandboxJob("sbx-1", "grt-1", OperatorOrg, "stf", SandboxMode.Full, Sql, SandboxJobStatus.Released, DateTimeOffset.UnixEpoch, ResultHash: "abc"), ["org-a", "org-b"]);

        var refused = SandboxJobRules.DecideRelease(held, "checker-1", false, "小区格太细", DateTimeOffset.UnixEpoch);

        Assert.Equal((SandboxJobStatus.ReleaseRefused, SandboxJobRules.ReleaseRefusedCode, null), (refused.Status, refused.Code, refused.ResultHash));
        Assert.Contains("小区格太细", refused.Detail!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_GrantRequiresRelease_HeldAwaitingReleaseWithALinkToTheChecker()
    {
        await RequireCheckerAsync();
        await _world.SubmitAsync("sbx-1", Sql);

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal(SandboxJobStatus.AwaitingRelease, job.Status);
        Assert.True(_world.Results.Results.ContainsKey("sbx-1"));
        var withheld = await Assert.ThrowsAsync<DomainException>(() => _world.Service.GetReleasedAsync("sbx-1", StaffCaller()));
        Assert.Equal(SandboxJobCodes.ResultWithheld, withheld.Code);
        var link = Assert.Single(_world.Outbox.Sent);
        Assert.Equal(("org:org-expert", "sandbox/jobs/sbx-1"), (link.Recipient.Key, link.Target));
        var page = await _world.Approvals.OpenAsync(TokenOf(link.Link!));
        Assert.Equal(SandboxReleaseReview.SubjectKind, page.Slot.SubjectKind);
        // The checker sees the shape and the disclosure-control summary, never a value of the result.
        var shown = string.Join("|", page.Subject.Facts.Select(f => f.Value).Concat(page.Subject.Groups.SelectMany(g => g.Facts.Select(f => f.Value))));
        Assert.DoesNotContain("武昌区", shown.Replace(Sql, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecideAsync_CheckerApproves_ReleasedAndDownloadable()
    {
        await RequireCheckerAsync();
        await _world.SubmitAsync("sbx-1", Sql);
        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        await _world.Approvals.DecideAsync(TokenOf(_world.Outbox.Sent[0].Link!), new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, null),
            new DispatchingWorkflowGateway(new RecordingWorkflowGateway(instanceRunning: false), [_world.ReleaseReview]));

        Assert.Equal(SandboxJobStatus.Released, _world.Jobs.Job("sbx-1").Status);
        Assert.Equal("sbx-1", (await _world.Service.GetReleasedAsync("sbx-1", StaffCaller())).Id);
        Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.release_approved");
    }

    [Fact]
    public async Task DecideAsync_CheckerRejects_ReleaseRefusedAndResultDeleted()
    {
        await RequireCheckerAsync();
        await _world.SubmitAsync("sbx-1", Sql);
        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        await _world.Approvals.DecideAsync(TokenOf(_world.Outbox.Sent[0].Link!), new ApprovalDecisionInput(ApprovalDecisionKind.Reject, "区划过细", null),
            new DispatchingWorkflowGateway(new RecordingWorkflowGateway(instanceRunning: false), [_world.ReleaseReview]));

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal(SandboxJobStatus.ReleaseRefused, job.Status);
        Assert.False(_world.Results.Results.ContainsKey("sbx-1"));
        Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.release_refused");
    }

    [Fact]
    public async Task SetAsync_OperatorNamesChecker_403()
    {
        var service = new SandboxReleaseControlService(_world.ReleaseControls, _world.GrantStore, Moq.Mock.Of<Platform.Domain.Organizations.IOrganizationStore>(), _world.Audit, _world.Clock);

        var refused = await Assert.ThrowsAsync<DomainException>(() => service.SetAsync(GrantId, new SandboxReleaseControlInput(false, []), null, new Caller("op", Roles.Operator, OperatorOrg)));

        Assert.Equal("auth.forbidden_role", refused.Code);
    }

    private Task RequireCheckerAsync()
        => _world.ReleaseControls.SaveAsync(new SandboxReleaseControl(GrantId, true, ["org-expert"], "authority-user", _world.Clock.UtcNow), null);

    private static string TokenOf(string url) => url[(url.LastIndexOf('/') + 1)..];
}
