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
    public async Task CancelForOperatorAsync_ResultHeldForCheckers_CancelledResultDeletedAndLateApprovalReleasesNothing()
    {
        await RequireCheckerAsync();
        await _world.SubmitAsync("sbx-1", Sql);
        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        // M5.5: the operator is suspended while its result waits for the checker.
        var stopped = await _world.Canceller.CancelForOperatorAsync(_world.Jobs.Job("sbx-1").OrganizationId, "operator suspended");
        var late = await Assert.ThrowsAsync<DomainException>(() => _world.Approvals.DecideAsync(TokenOf(_world.Outbox.Sent[0].Link!),
            new ApprovalDecisionInput(ApprovalDecisionKind.Approve, null, null),
            new DispatchingWorkflowGateway(new RecordingWorkflowGateway(instanceRunning: false), [_world.ReleaseReview])));

        Assert.Equal(1, stopped);
        Assert.Equal(FailureKind.Gone, late.Kind);
        Assert.Equal(SandboxJobStatus.Cancelled, _world.Jobs.Job("sbx-1").Status);
        Assert.False(_world.Results.Results.ContainsKey("sbx-1"));
        Assert.DoesNotContain(_world.Audit.Records, r => r.Action == "sandbox.release_approved");
        await Assert.ThrowsAsync<DomainException>(() => _world.Service.GetReleasedAsync("sbx-1", StaffCaller()));
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

/// <summary>Issue 14 item 5: the per-grant query budget of full jobs per China day.</summary>
public sealed class SandboxBudgetTests
{
    private readonly SandboxJobTestWorld _world = new();

    [Fact]
    public void Of_LateEveningUtc_RenewsAtTheNextChinaMidnight()
    {
        // 2026-03-10 17:30 UTC is 01:30 on 11 March in China: the budget renews at 16:00 UTC on 11 March.
        var budget = SandboxBudgetRules.Of(3, 1, new DateTimeOffset(2026, 3, 10, 17, 30, 0, TimeSpan.Zero));

        Assert.Equal((3, 1, 2), (budget.PerDay, budget.UsedToday, budget.Remaining));
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 16, 0, 0, TimeSpan.Zero), budget.RenewsAt);
    }

    [Fact]
    public void EnsureAvailable_Spent_429BudgetExhaustedWithRetryAfterUntilRenewal()
    {
        var now = new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);

        var refused = Assert.Throws<RateLimitedException>(() => SandboxBudgetRules.EnsureAvailable(SandboxBudgetRules.Of(2, 2, now), "grt-1", now));

        Assert.Equal((FailureKind.TooManyRequests, SandboxBudgetRules.ExhaustedCode), (refused.Kind, refused.Code));
        Assert.Equal(TimeSpan.FromHours(14), refused.RetryAfter);
    }

    [Fact]
    public async Task SubmitAsync_GrantBudgetSpent_FullRefusedSampleStillAccepted()
    {
        await _world.ReleaseControls.SaveAsync(new SandboxReleaseControl(GrantId, false, [], "authority-user", _world.Clock.UtcNow, FullJobsPerDay: 1), null);
        await _world.SubmitAsync("sbx-1", "SELECT district, count(*) FROM t_people GROUP BY district");

        var refused = await Assert.ThrowsAsync<RateLimitedException>(() => _world.SubmitAsync("sbx-2", "SELECT district, count(*) FROM t_people GROUP BY district"));
        await _world.SubmitAsync("sbx-3", "SELECT district FROM t_people", mode: "sample");

        Assert.Equal(SandboxBudgetRules.ExhaustedCode, refused.Code);
        Assert.Null(await _world.Jobs.GetAsync("sbx-2"));
        Assert.NotNull(await _world.Jobs.GetAsync("sbx-3"));
    }

    [Fact]
    public async Task SubmitAsync_TenSubmissionsAtOnceForThreeSlots_ExactlyThreeAccepted()
    {
        await _world.ReleaseControls.SaveAsync(new SandboxReleaseControl(GrantId, false, [], "authority-user", _world.Clock.UtcNow, FullJobsPerDay: 3), null);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 10).Select(async i =>
        {
            await Task.Yield();
            try
            {
                await _world.SubmitAsync($"sbx-race-{i}", "SELECT district, count(*) FROM t_people GROUP BY district");
                return true;
            }
            catch (RateLimitedException)
            {
                return false;
            }
        }));

        Assert.Equal(3, outcomes.Count(accepted => accepted));
        Assert.Equal(3, await _world.BudgetSlots.CountAsync(GrantId, Platform.Domain.Time.ChinaTime.LegalDate(_world.Clock.UtcNow)));
        Assert.Equal(3, Enumerable.Range(1, 10).Count(i => _world.Jobs.GetAsync($"sbx-race-{i}").Result is not null));
    }

    [Fact]
    public void Validate_BudgetOutOfRange_422NamingFullJobsPerDay()
    {
        var grant = new Grant("grt-1", "agr-1", "scn-1", OperatorOrg, "drq-1", "org-provider", [], DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, GrantStatus.Active, null, null);

        var refused = Assert.Throws<DomainException>(() => SandboxReleaseRules.Validate(grant, new SandboxReleaseControlInput(false, [], 0), new HashSet<string>()));

        Assert.Equal(["fullJobsPerDay"], refused.Errors!.Keys);
    }
}

/// <summary>Issue 14 item 5: per-grant cell fingerprints refuse a result that differences an earlier one.</summary>
public sealed class CellFingerprintTests
{
    private static readonly byte[] Key = new byte[32];
    private readonly SandboxJobTestWorld _world = new();

    [Theory]
    [InlineData(25, 24, 1)]
    [InlineData(25, 16, 1)]
    [InlineData(25, 25, 0)]
    [InlineData(25, 15, 0)]
    public void Conflicts_SameCellDifferingBy1ToKMinus1_Counted(long earlier, long now, int expected)
    {
        var before = CellFingerprints.Of(Key, [new ReleasedCell("武昌区", "count", earlier)]);
        var after = CellFingerprints.Of(Key, [new ReleasedCell("武昌区", "count", now), new ReleasedCell("江岸区", "count", now - 1)]);

        Assert.Equal(expected, CellFingerprints.Conflicts(after, before, 10));
    }

    [Fact]
    public void Of_SameGroupOtherFamily_DifferentKeys()
        => Assert.NotEqual(CellFingerprints.Of(Key, [new ReleasedCell("武昌区", "count", 1)])[0].Key, CellFingerprints.Of(Key, [new ReleasedCell("武昌区", "Sum:age", 1)])[0].Key);

    [Fact]
    public async Task RunAsync_SecondJobLeavesOutOnePerson_WithheldDifferencingAcrossResults()
    {
        await _world.SubmitAsync("sbx-1", "SELECT district, count(*) AS people FROM t_people GROUP BY district");
        await _world.SubmitAsync("sbx-2", "SELECT x.district, count(*) AS n FROM t_people x WHERE x.age <> 20 GROUP BY x.district");
        var runner = _world.Runner();

        await runner.RunAsync("sbx-1", CancellationToken.None);
        await runner.RunAsync("sbx-2", CancellationToken.None);

        Assert.Equal(SandboxJobStatus.Released, _world.Jobs.Job("sbx-1").Status);
        var second = _world.Jobs.Job("sbx-2");
        Assert.Equal((SandboxJobStatus.Withheld, SandboxCodes.OutputWithheld), (second.Status, second.Code));
        Assert.Equal([OutputRules.DifferencingAcrossResults], second.Checks!.Failures.Select(f => f.Rule));
        Assert.False(_world.Results.Results.ContainsKey("sbx-2"));
    }

    [Fact]
    public async Task RunAsync_SameCountsAgain_Released()
    {
        await _world.SubmitAsync("sbx-1", "SELECT district, count(*) AS people FROM t_people GROUP BY district");
        await _world.SubmitAsync("sbx-2", "SELECT district, count(DISTINCT name) AS people FROM t_people GROUP BY district ORDER BY district");
        var runner = _world.Runner();

        await runner.RunAsync("sbx-1", CancellationToken.None);
        await runner.RunAsync("sbx-2", CancellationToken.None);

        Assert.Equal(SandboxJobStatus.Released, _world.Jobs.Job("sbx-2").Status);
    }
}
