using Moq;
using Platform.Domain.Sandbox;
using Platform.Domain.Resources;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxJobTestWorld;
using Platform.Domain.Masking;

namespace Platform.UnitTests.Sandbox;

public sealed class SandboxJobExecutorTests
{
    private const string GroupByDistrict = "SELECT district, count(*) AS people, sum(age) AS total_age FROM t_people GROUP BY district ORDER BY district";

    private readonly SandboxJobTestWorld _world = new();

    [Fact]
    public async Task RunAsync_FullAggregate_ReleasesOnlyGroupsOfAtLeastKAndStoresTheHashedResult()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal(SandboxJobStatus.Released, job.Status);
        var result = _world.Results.Results["sbx-1"];
            // 12 people, released as 10: counts are rounded to base 5 (issue 14 item 3).
        Assert.Equal(
            new[] { new[] { "武昌区", "25" }, new[] { "江岸区", "10" } },
            result.Rows.Select(row => row.Take(2).ToArray()).OrderByDescending(r => int.Parse(r[1]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(ResultCsv.Hash(result.Columns, result.Rows), job.ResultHash);
        Assert.Equal((2L, 1L), (job.Checks!.ReleasedRows, job.Checks.SuppressedRows));
        Assert.Equal(2L, job.Run!.RowCount);
        Assert.Equal((1, true), (job.Attempts, job.OutcomeAudited));
        var table = Assert.Single(job.Run.Tables);
        Assert.Equal((TableName, SandboxGrantTables.LibrarySource, "copy-sha256"), (table.Name, table.Source, table.Sha256));
    }

    [Fact]
    public async Task RunAsync_Finished_AuditsWhoWhatSqlGrantTablesHashAndChecks()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var finished = Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_finished");
        Assert.Equal((ClearedStaff, "sandbox/jobs/sbx-1"), (finished.Actor.Subject, finished.Target));
        var outcome = Assert.IsType<SandboxJobOutcome>(finished.Payload);
        Assert.Equal((GroupByDistrict, GrantId, "released"), (outcome.Sql, outcome.GrantId, outcome.Status));
        Assert.Equal(_world.Jobs.Job("sbx-1").ResultHash, outcome.ResultHash);
        Assert.Equal(TableName, Assert.Single(outcome.Tables).Name);
        Assert.True(outcome.Checks!.Passed);
        Assert.Equal(Platform.Domain.Audit.AuditChain.HashPayload(SandboxJobOutcome.From(_world.Jobs.Job("sbx-1"))), Platform.Domain.Audit.AuditChain.HashPayload(outcome));
    }

    [Fact]
    public async Task RunAsync_FullPersonalFieldOutput_WithheldWithTheRuleAndNothingStored()
    {
        await _world.SubmitAsync("sbx-1", "SELECT name AS x FROM t_people");

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal((SandboxJobStatus.Withheld, SandboxCodes.OutputWithheld), (job.Status, job.Code));
        Assert.Contains(OutputRules.PersonalFieldUnaggregated, job.Checks!.Failures.Select(f => f.Rule));
        Assert.Null(job.ResultHash);
        Assert.Null(job.Run!.RowCount);
        Assert.Empty(_world.Results.Results);
    }

    [Fact]
    public async Task RunAsync_SampleMode_ReturnsTheMaskedSampleRowsDirectly()
    {
        await _world.SubmitAsync("sbx-1", "SELECT name, district FROM t_people ORDER BY age", mode: "sample");

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal(SandboxJobStatus.Released, job.Status);
        Assert.Null(job.Checks);
        Assert.Equal(
            new[] { new[] { "王**", "洪山区" }, new[] { "张**", "武昌区" }, new[] { "李*", "江岸区" } },
            _world.Results.Results["sbx-1"].Rows.Select(row => row.ToArray()));
        Assert.Equal((SandboxGrantTables.SampleSource, SampleJobId), (job.Run!.Tables[0].Source, job.Run.Tables[0].SampleJobId));
    }

    [Fact]
    public async Task RunAsync_SampleNotMadeYet_FailsSayingSo()
    {
        var sample = (await _world.MaskingJobs.GetCoreAsync(SampleJobId))!;
        await _world.MaskingJobs.ReplaceCoreAsync(sample.Value with { Status = MaskingJobStatus.Running }, sample.ETag);
        await _world.SubmitAsync("sbx-1", "SELECT count(*) FROM t_people", mode: "sample");
        var engine = new Mock<ISandboxEngine>(MockBehavior.Strict);

        await _world.Runner(engine.Object).RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal((SandboxJobStatus.Failed, SandboxJobCodes.SampleNotReady), (job.Status, job.Code));
        Assert.Contains("running", job.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ReadingAFile_Refused()
    {
        await _world.SubmitAsync("sbx-1", "SELECT * FROM read_csv('/etc/passwd')");

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal((SandboxJobStatus.Refused, SandboxCodes.StatementRefused), (job.Status, job.Code));
    }

    [Fact]
    public async Task RunAsync_RedeliveredAfterFinishing_NotRunAgainAndAuditedOnce()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);
        var engine = new Mock<ISandboxEngine>(MockBehavior.Strict);

        await _world.Runner(engine.Object).RunAsync("sbx-1", CancellationToken.None);

        Assert.Equal(1, _world.Jobs.Job("sbx-1").Attempts);
        Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_finished");
    }

    [Fact]
    public async Task RunAsync_FinishedButOutcomeNotYetAudited_RedeliveryAuditsIt()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);
        var current = (await _world.Jobs.GetCoreAsync("sbx-1"))!;
        await _world.Jobs.ReplaceCoreAsync(current.Value with { OutcomeAudited = false }, current.ETag);

        await _world.Runner(Mock.Of<ISandboxEngine>(MockBehavior.Strict)).RunAsync("sbx-1", CancellationToken.None);

        Assert.Equal(2, _world.Audit.Records.Count(r => r.Action == "sandbox.job_finished"));
        Assert.True(_world.Jobs.Job("sbx-1").OutcomeAudited);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileQueued_NotRunAndNoOutcomeAudited()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        await _world.Canceller.CancelForOperatorAsync(OperatorOrg, "suspended");

        await _world.Runner(Mock.Of<ISandboxEngine>(MockBehavior.Strict)).RunAsync("sbx-1", CancellationToken.None);

        Assert.Equal(SandboxJobStatus.Cancelled, _world.Jobs.Job("sbx-1").Status);
        Assert.DoesNotContain(_world.Audit.Records, r => r.Action == "sandbox.job_finished");
    }

    [Fact]
    public async Task RunAsync_OperatorSuspendedSinceSubmission_CancelledWithoutRunning()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        _world.Guard.Suspended[OperatorOrg] = true;

        await _world.Runner(Mock.Of<ISandboxEngine>(MockBehavior.Strict)).RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal(SandboxJobStatus.Cancelled, job.Status);
        Assert.StartsWith("operator.suspended", job.Detail, StringComparison.Ordinal);
        Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_finished");
    }

    [Fact]
    public async Task RunAsync_JobCancelledWhileTheEngineRuns_EngineInterruptedAndJobStaysCancelled()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        var engine = new BlockingEngine();
        var run = _world.Runner(engine).RunAsync("sbx-1", CancellationToken.None);
        await engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await new SandboxSuspensionStep(_world.Canceller).SuspendAsync(OperatorOrg);
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal((SandboxJobStatus.Cancelled, SandboxJobRules.CancelledCode), (job.Status, job.Code));
        Assert.Contains("suspended", job.Detail, StringComparison.Ordinal);
        var finished = Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_finished");
        Assert.Equal("cancelled", Assert.IsType<SandboxJobOutcome>(finished.Payload).Status);
    }

    [Fact]
    public async Task RunAsync_GrantRevokedWhileTheEngineRuns_StoppedWithinAPoll()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        var engine = new BlockingEngine();
        var run = _world.Runner(engine).RunAsync("sbx-1", CancellationToken.None);
        await engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await _world.RevokeGrantAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal(SandboxJobStatus.Cancelled, job.Status);
        Assert.StartsWith("grant.revoked", job.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CancelledJustAsTheResultCameBack_StaysCancelledAndKeepsNoResult()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        var runner = _world.Runner();
        _world.Jobs.BeforeReplace = _ =>
        {
            // The first replacement is the start; the job is cancelled just before the finishing write lands.
            _world.Jobs.BeforeReplace = async finishing =>
            {
                Assert.Equal(SandboxJobStatus.Released, finishing.Status);
                await _world.Canceller.CancelAsync("sbx-1", "suspended meanwhile");
            };
            return Task.CompletedTask;
        };

        await runner.RunAsync("sbx-1", CancellationToken.None);

        Assert.Equal(SandboxJobStatus.Cancelled, _world.Jobs.Job("sbx-1").Status);
        Assert.Empty(_world.Results.Results);
    }

    [Fact]
    public async Task RunAsync_HostStopping_RethrowsWithoutCancellingTheJob()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        var engine = new BlockingEngine();
        using var host = new CancellationTokenSource();
        var run = _world.Runner(engine).RunAsync("sbx-1", host.Token);
        await engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await host.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(SandboxJobStatus.Running, _world.Jobs.Job("sbx-1").Status);
    }

    [Fact]
    public async Task RunAsync_AbandonedRunRedelivered_StartsOverAndCountsTheAttempt()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        var current = (await _world.Jobs.GetCoreAsync("sbx-1"))!;
        var runner = _world.Runner();
        // Its worker died: started longer ago than any live run lasts.
        var startedAt = _world.Clock.UtcNow - runner.AbandonedRunAfter - TimeSpan.FromSeconds(1);
        await _world.Jobs.ReplaceCoreAsync(SandboxJobRules.Start(current.Value, startedAt) with { Attempts = 1 }, current.ETag);

        await runner.RunAsync("sbx-1", CancellationToken.None);

        Assert.Equal((SandboxJobStatus.Released, 2), (_world.Jobs.Job("sbx-1").Status, _world.Jobs.Job("sbx-1").Attempts));
    }

    [Fact]
    public async Task RunAsync_DuplicateMessageWhileRunning_DroppedWithoutASecondRun()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        var engine = new BlockingEngine();
        using var host = new CancellationTokenSource();
        var runner = _world.Runner(engine);
        var first = runner.RunAsync("sbx-1", host.Token);
        await engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await runner.RunAsync("sbx-1", CancellationToken.None);

        Assert.Equal((SandboxJobStatus.Running, 1), (_world.Jobs.Job("sbx-1").Status, _world.Jobs.Job("sbx-1").Attempts));
        await host.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }

    [Fact]
    public async Task RunAsync_TwoDeliveriesReadTheQueuedJobAtOnce_OnlyTheClaimWinnerRuns()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        // The other delivery claims the job between this delivery's read and its claim write.
        _world.Jobs.BeforeReplace = async job =>
        {
            var current = (await _world.Jobs.GetCoreAsync(job.Id))!;
            await _world.Jobs.ReplaceCoreAsync(SandboxJobRules.Start(current.Value, _world.Clock.UtcNow) with { Attempts = 1 }, current.ETag);
        };

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        Assert.Equal((SandboxJobStatus.Running, 1), (_world.Jobs.Job("sbx-1").Status, _world.Jobs.Job("sbx-1").Attempts));
        Assert.Empty(_world.Results.Results);
    }

    [Fact]
    public async Task AbandonAsync_UnfinishedJob_FailedGaveUpWithTheLastError()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        var current = (await _world.Jobs.GetCoreAsync("sbx-1"))!;
        await _world.Jobs.ReplaceCoreAsync(SandboxJobRules.Start(current.Value, _world.Clock.UtcNow) with { Attempts = 5, LastError = "RequestFailedException" }, current.ETag);

        await _world.Runner().AbandonAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        Assert.Equal((SandboxJobStatus.Failed, SandboxJobCodes.GaveUp), (job.Status, job.Code));
        Assert.Contains("RequestFailedException", job.Detail, StringComparison.Ordinal);
        Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_finished");
    }

    [Fact]
    public async Task RunAsync_UnknownJob_Dropped()
    {
        await _world.Runner(Mock.Of<ISandboxEngine>(MockBehavior.Strict)).RunAsync("sbx-missing", CancellationToken.None);

        Assert.Empty(_world.Jobs.All);
    }

    [Fact]
    public async Task RunAsync_Released_RecordsTheFieldsTheStatementUsedAndAFingerprintInJobAndAudit()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        var table = Assert.Single(job.Run!.Tables);
        Assert.Equal(["age", "district"], table.UsedFields);
        Assert.Contains("name", table.Fields);
        Assert.NotNull(job.Fingerprint);
        Assert.False(job.Fingerprint!.Reordered);
        var outcome = Assert.IsType<SandboxJobOutcome>(Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.job_finished").Payload);
        Assert.Equal(job.Fingerprint, outcome.Fingerprint);
    }

    [Fact]
    public async Task RunAsync_UnorderedResult_StoredInTheKeyedOrderWhoseHashAndFingerprintMatchTheFile()
    {
        await _world.SubmitAsync("sbx-1", "SELECT district, count(*) AS people FROM t_people GROUP BY district");

        await _world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var job = _world.Jobs.Job("sbx-1");
        var stored = _world.Results.Results["sbx-1"];
        Assert.True(job.Fingerprint!.Reordered);
        Assert.Equal(ResultCsv.Hash(stored.Columns, stored.Rows), job.ResultHash);
        var key = await _world.FingerprintKeys.ForGrantAsync(GrantId);
        Assert.Equal(FingerprintMatchKinds.Exact, ResultFingerprints.Match(key, job.Fingerprint, ResultCsv.ToBytes(stored.Columns, stored.Rows)));
    }

    [Fact]
    public async Task MatchAsync_LeakedResultFile_NamesTheJobAndIsAudited()
    {
        await _world.SubmitAsync("sbx-1", GroupByDistrict);
        await _world.SubmitAsync("sbx-2", "SELECT district, count(*) AS people FROM t_people GROUP BY district");
        var runner = _world.Runner();
        await runner.RunAsync("sbx-1", CancellationToken.None);
        await runner.RunAsync("sbx-2", CancellationToken.None);
        var stored = _world.Results.Results["sbx-2"];
        var service = new SandboxFingerprintService(_world.Jobs, _world.FingerprintKeys, _world.Audit);

        var result = await service.MatchAsync(ResultCsv.ToBytes(stored.Columns, stored.Rows), new Platform.Domain.Security.Caller("auth-1", Platform.Domain.Security.Roles.Authority, "authority"));

        var match = Assert.Single(result.Matches);
        Assert.Equal(("sbx-2", FingerprintMatchKinds.Exact, GrantId), (match.JobId, match.Match, match.GrantId));
        Assert.Single(_world.Audit.Records, r => r.Action == "sandbox.fingerprint_matched");
    }

    [Fact]
    public async Task MatchAsync_OperatorStaff_Forbidden()
    {
        var service = new SandboxFingerprintService(_world.Jobs, _world.FingerprintKeys, _world.Audit);

        var refused = await Assert.ThrowsAsync<Platform.Domain.Errors.DomainException>(() =>
            service.MatchAsync([1, 2, 3], new Platform.Domain.Security.Caller("staff", Platform.Domain.Security.Roles.Personnel, "op-1")));

        Assert.Equal("auth.forbidden_role", refused.Code);
    }
}
