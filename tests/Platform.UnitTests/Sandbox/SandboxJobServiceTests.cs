using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxJobTestWorld;

namespace Platform.UnitTests.Sandbox;

public sealed class SandboxJobServiceTests
{
    private readonly SandboxJobTestWorld _world = new();

    [Fact]
    public async Task SubmitAsync_ClearedStaffUsableGrant_QueuedRecordedAuditedWithSqlAndQueued()
    {
        var created = await _world.SubmitAsync("sbx-1", "SELECT district, count(*) FROM t_people GROUP BY district");

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal(job, created.Value);
        Assert.Equal((SandboxJobStatus.Queued, SandboxMode.Full, GrantId, OperatorOrg, ClearedStaff, AgreementId),
            (job.Status, job.Mode, job.GrantId, job.OrganizationId, job.SubmittedBy, job.AgreementId));
        Assert.Equal(["sbx-1"], _world.Queue.Sent);
        var submitted = Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_submitted");
        Assert.Equal(("sandbox/jobs/sbx-1", ClearedStaff), (submitted.Target, submitted.Actor.Subject));
        Assert.Contains("GROUP BY district", System.Text.Json.JsonSerializer.Serialize(submitted.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_UnclearedStaff_403NotClearedAndNothingRecorded()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync("sbx-1", "SELECT 1", caller: StaffCaller(UnclearedStaff)));

        Assert.Equal((FailureKind.Forbidden, "personnel.not_cleared"), (error.Kind, error.Code));
        Assert.Empty(_world.Jobs.All);
        Assert.Empty(_world.Queue.Sent);
    }

    [Fact]
    public async Task SubmitAsync_StaffIdUsedUnderAnotherOrganisation_403NotCleared()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync("sbx-1", "SELECT 1", caller: StaffCaller(ClearedStaff, OtherOrg)));

        Assert.Equal("personnel.not_cleared", error.Code);
    }

    [Fact]
    public async Task SubmitAsync_NoGrantUnknownModeNoSql_400NamingEachField()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.SubmitAsync("sbx-1", new NewSandboxJob(" ", "everything", ""), StaffCaller()));

        Assert.Equal((FailureKind.BadRequest, SandboxJobRules.InvalidJobCode), (error.Kind, error.Code));
        Assert.Equal(["grantId", "mode", "sql"], error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SubmitAsync_GrantOfAnotherOperator_404GrantNotFound()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.SubmitAsync("sbx-1", new NewSandboxJob("grt-other", "full", "SELECT 1"), StaffCaller()));

        Assert.Equal((FailureKind.NotFound, "grant.not_found"), (error.Kind, error.Code));
        Assert.Empty(_world.Jobs.All);
    }

    [Fact]
    public async Task SubmitAsync_OperatorSuspended_403OperatorSuspended()
    {
        _world.Guard.Suspended[OperatorOrg] = true;

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync("sbx-1", "SELECT 1"));

        Assert.Equal((FailureKind.Forbidden, "operator.suspended"), (error.Kind, error.Code));
        Assert.Empty(_world.Queue.Sent);
    }

    [Fact]
    public async Task SubmitAsync_GrantRevoked_409GrantRevoked()
    {
        await _world.RevokeGrantAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync("sbx-1", "SELECT 1"));

        Assert.Equal((FailureKind.Conflict, "grant.revoked"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task SubmitAsync_AgreementTerminated_409AgreementNotInForce()
    {
        _world.SetAgreement(AgreementStatus.Terminated);

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.SubmitAsync("sbx-1", "SELECT 1"));

        Assert.Equal("agreement.not_in_force", error.Code);
    }

    [Theory]
    [InlineData(Roles.Personnel, ClearedStaff, OperatorOrg, true)]
    [InlineData(Roles.Personnel, "stf-colleague", OperatorOrg, false)]
    [InlineData(Roles.Personnel, ClearedStaff, OtherOrg, false)]
    [InlineData(Roles.Operator, "operator-user", OperatorOrg, true)]
    [InlineData(Roles.Operator, "operator-user", OtherOrg, false)]
    [InlineData(Roles.Authority, "authority-user", "org-authority", true)]
    [InlineData(Roles.Provider, "provider-user", "org-provider", false)]
    public async Task GetAsync_ObjectLevelAccess_SubmitterItsOperatorAndAuthorityOnly(string role, string subject, string org, bool visible)
    {
        await _world.SubmitAsync("sbx-1", "SELECT 1");

        var read = await Record.ExceptionAsync(() => _world.Service.GetAsync("sbx-1", new Caller(subject, role, org)));

        if (visible)
        {
            Assert.Null(read);
        }
        else
        {
            Assert.Equal(SandboxJobCodes.NotFound, Assert.IsType<DomainException>(read).Code);
        }
    }

    [Fact]
    public async Task GetReleasedAsync_WithheldJob_409WithTheFailingRulesAndReasons()
    {
        await _world.SubmitAsync("sbx-1", "SELECT name FROM t_people");
        var checks = new OutputCheckOutcome(false, 10, 0, 0,
        [
            new(OutputRules.NotAggregate, OutputRuleStatus.Failed, ["The query outputs one row per record."]),
            new(OutputRules.PersonalFieldUnaggregated, OutputRuleStatus.Failed, ["Column 'name' is the personal field t_people.name."]),
            new(OutputRules.MinRecords, OutputRuleStatus.NotEvaluated, []),
        ]);
        await SetAsync("sbx-1", job => job with { Status = SandboxJobStatus.Withheld, Code = SandboxCodes.OutputWithheld, Checks = checks });

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.GetReleasedAsync("sbx-1", StaffCaller()));

        Assert.Equal((FailureKind.Conflict, SandboxJobCodes.ResultWithheld), (error.Kind, error.Code));
        Assert.Equal([OutputRules.NotAggregate, OutputRules.PersonalFieldUnaggregated], error.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Column 'name' is the personal field t_people.name.", error.Errors[OutputRules.PersonalFieldUnaggregated].Single());
        Assert.Contains("withheld", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SandboxJobStatus.Queued, "queued")]
    [InlineData(SandboxJobStatus.Refused, "refused (sandbox.statement_refused)")]
    public async Task GetReleasedAsync_JobWithoutReleasedResult_409NamingTheStatus(SandboxJobStatus status, string expected)
    {
        await _world.SubmitAsync("sbx-1", "SELECT * FROM read_csv('/etc/passwd')");
        if (status != SandboxJobStatus.Queued)
        {
            await SetAsync("sbx-1", job => job with { Status = status, Code = SandboxCodes.StatementRefused, Detail = "read_csv reads files." });
        }

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.ReadResultAsync("sbx-1", StaffCaller()));

        Assert.Equal(SandboxJobCodes.ResultWithheld, error.Code);
        Assert.Equal(expected, error.Errors!["status"].Single());
    }

    [Fact]
    public async Task ReadResultAsync_ReleasedJobOfAnotherOperator_404()
    {
        await _world.SubmitAsync("sbx-1", "SELECT count(*) FROM t_people");
        await SetAsync("sbx-1", job => job with { Status = SandboxJobStatus.Released, ResultHash = "abc" });

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.ReadResultAsync("sbx-1", new Caller("operator-user", Roles.Operator, OtherOrg)));

        Assert.Equal(SandboxJobCodes.NotFound, error.Code);
    }

    [Fact]
    public async Task SuspensionStep_QueuedAndRunningJobs_CancelledFinishedLeftAloneAndEachAudited()
    {
        await _world.SubmitAsync("sbx-queued", "SELECT 1");
        await _world.SubmitAsync("sbx-running", "SELECT 2");
        await _world.SubmitAsync("sbx-done", "SELECT 3");
        await SetAsync("sbx-running", job => SandboxJobRules.Start(job, _world.Clock.UtcNow));
        await SetAsync("sbx-done", job => job with { Status = SandboxJobStatus.Refused, Code = SandboxCodes.StatementRefused });

        var summary = await new SandboxSuspensionStep(_world.Canceller).SuspendAsync(OperatorOrg);

        Assert.Equal("2 job(s) stopped", summary);
        Assert.All(new[] { "sbx-queued", "sbx-running" }, id =>
        {
            var job = _world.Jobs.Job(id);
            Assert.Equal((SandboxJobStatus.Cancelled, SandboxJobRules.CancelledCode), (job.Status, job.Code));
            Assert.Contains("suspended", job.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(SandboxJobStatus.Refused, _world.Jobs.Job("sbx-done").Status);
        Assert.Equal(2, _world.Audit.Records.Count(r => r.Action == "sandbox.job_cancelled"));
    }

    [Fact]
    public async Task SuspensionStep_RunTwice_SecondStopsNothing()
    {
        await _world.SubmitAsync("sbx-1", "SELECT 1");
        var step = new SandboxSuspensionStep(_world.Canceller);
        await step.SuspendAsync(OperatorOrg);

        var again = await step.SuspendAsync(OperatorOrg);

        Assert.Equal("0 job(s) stopped", again);
        Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_cancelled");
    }

    [Fact]
    public async Task AgreementRevocationStep_JobsOfTheAgreement_CancelledWithTheReason()
    {
        await _world.SubmitAsync("sbx-1", "SELECT 1");
        var agreement = (await _world.Agreements.Object.GetAsync(AgreementId))!.Value;

        var summary = await new SandboxAgreementRevocationStep(_world.Canceller, new Moq.Mock<Platform.Domain.Grants.IGrantStore>().Object).RevokeAsync(agreement, "协议终止");

        Assert.Equal("1 job(s) stopped", summary);
        Assert.Contains("协议终止", _world.Jobs.Job("sbx-1").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_RecordChangedBetweenReadAndWrite_RetriesAndCancels()
    {
        await _world.SubmitAsync("sbx-1", "SELECT 1");
        _world.Jobs.BeforeReplace = job => SetAsync("sbx-1", current => current with { LastError = "a worker wrote meanwhile" });

        var cancelled = await _world.Canceller.CancelAsync("sbx-1", "stop");

        Assert.Equal(SandboxJobStatus.Cancelled, cancelled!.Status);
        Assert.Equal(("stop", "a worker wrote meanwhile"), (_world.Jobs.Job("sbx-1").Detail, _world.Jobs.Job("sbx-1").LastError));
    }

    private async Task SetAsync(string id, Func<SandboxJob, SandboxJob> change)
    {
        var current = (await _world.Jobs.GetCoreAsync(id))!;
        await _world.Jobs.ReplaceCoreAsync(change(current.Value), current.ETag);
    }
}
