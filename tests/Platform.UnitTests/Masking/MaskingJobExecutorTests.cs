using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Masking;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Functions.Masking;
using Platform.UnitTests.Identifiers;
using Xunit;
using Platform.UnitTests.Resources;

namespace Platform.UnitTests.Masking;

public sealed class MaskingJobExecutorTests
{
    private readonly ResourceTestWorld _world = new();
    private readonly MaskingJobExecutor _runner;
    private readonly string[] _idNumbers = Enumerable.Range(0, 8).Select(i => IdentifierTestData.WithIdNumberCheck($"42010619900307{i:D3}")).ToArray();

    public MaskingJobExecutorTests()
    {
        _runner = new MaskingJobExecutor(_world.JobStore, new MaskingJobResource(_world.Resources, _world.Data, new PseudonymisationRootKey(_world.Secrets), _world.Service), _world.Artifacts, _world.Audit, _world.Clock,
            new MaskingJobOptions { ProgressRows = 2, ProgressSeconds = 0.01 }, NullLogger<MaskingJobExecutor>.Instance);
    }

    private string PeopleCsv()
    {
        var csv = new StringBuilder("姓名,身份证号,手机号,区县\n");
        for (var i = 0; i < _idNumbers.Length; i++)
        {
            csv.Append($"张{(char)('一' + i)}明,{_idNumbers[i]},1381234{i:D4},武昌区\n");
        }

        return csv.ToString();
    }

    private async Task<string> SubmitAsync(string csv)
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", csv);
        await _world.Service.SubmitAsync("res-1", "msk-1", null, ResourceTestWorld.Provider());
        return "msk-1";
    }

    [Fact]
    public async Task RunAsync_SampleJob_WritesMaskedSampleAndReportAndMakesTheSampleReady()
    {
        var jobId = await SubmitAsync(PeopleCsv());

        await _runner.RunAsync(jobId, CancellationToken.None);

        var job = (await _world.JobStore.GetAsync(jobId))!.Value;
        Assert.Equal((MaskingJobStatus.Succeeded, 1, 8L), (job.Status, job.Attempts, job.RowsProcessed));
        Assert.Equal((8L, 5L), (job.Summary!.RowsIn, job.Summary.RowsOut));
        var output = Encoding.UTF8.GetString(_world.Artifacts.Outputs[jobId]);
        Assert.Equal(5, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(_idNumbers, id => Assert.DoesNotContain(id, output, StringComparison.Ordinal));
        Assert.DoesNotContain("13812340001", output, StringComparison.Ordinal);
        Assert.Contains("\"张**\"", output, StringComparison.Ordinal);
        Assert.Equal(8, _world.Artifacts.Reports[jobId].RowsIn);
        var resource = (await _world.Resources.GetAsync("res-1"))!.Value;
        Assert.Equal((SampleStatus.Ready, 5L), (resource.Sample!.Status, resource.Sample.RowsOut));
        Assert.Contains(_world.Audit.Records, r => r.Action == "masking_job.succeeded");
    }

    [Fact]
    public async Task RunAsync_RedeliveredAfterSuccess_DoesNotRunAgain()
    {
        var jobId = await SubmitAsync(PeopleCsv());
        await _runner.RunAsync(jobId, CancellationToken.None);
        var output = _world.Artifacts.Outputs[jobId];
        var writes = _world.Artifacts.OutputWrites;

        await _runner.RunAsync(jobId, CancellationToken.None);

        Assert.Equal(writes, _world.Artifacts.OutputWrites);
        Assert.Same(output, _world.Artifacts.Outputs[jobId]);
        Assert.Equal(1, (await _world.JobStore.GetAsync(jobId))!.Value.Attempts);
        Assert.Single(_world.Audit.Records, r => r.Action == "masking_job.succeeded");
    }

    [Fact]
    public async Task RunAsync_RerunOfAnUnfinishedJob_ProducesTheSameOutput()
    {
        var jobId = await SubmitAsync(PeopleCsv());
        await _runner.RunAsync(jobId, CancellationToken.None);
        var first = _world.Artifacts.Outputs[jobId];
        var finished = (await _world.JobStore.GetAsync(jobId))!;
        // As if the worker died after writing the output but before recording success, long enough ago to be abandoned.
        var lastProgress = _world.Clock.UtcNow - _runner.AbandonedRunAfter - TimeSpan.FromSeconds(1);
        await _world.JobStore.ReplaceAsync(finished.Value with { Status = MaskingJobStatus.Running, Summary = null, StartedAt = lastProgress, ProgressAt = lastProgress }, finished.ETag);

        await _runner.RunAsync(jobId, CancellationToken.None);

        Assert.Equal(first, _world.Artifacts.Outputs[jobId]);
        Assert.Equal((MaskingJobStatus.Succeeded, 2), ((await _world.JobStore.GetAsync(jobId))!.Value.Status, (await _world.JobStore.GetAsync(jobId))!.Value.Attempts));
    }

    [Fact]
    public async Task RunAsync_BinaryFile_FailsTheJobWithTheReasonAndReturnsTheResourceToDraft()
    {
        var zip = "PK\u0003\u0004\u0014\0\0\0\b\0binary";
        var jobId = await SubmitAsync(zip);

        await _runner.RunAsync(jobId, CancellationToken.None);

        var job = (await _world.JobStore.GetAsync(jobId))!.Value;
        Assert.Equal((MaskingJobStatus.Failed, MaskingFailureCodes.NotText), (job.Status, job.Failure!.Code));
        Assert.False(_world.Artifacts.Outputs.ContainsKey(jobId));
        var resource = (await _world.Resources.GetAsync("res-1"))!.Value;
        Assert.Equal((ResourceStatus.Draft, SampleStatus.Failed), (resource.Status, resource.Sample!.Status));
        Assert.Equal(job.Failure.Reason, resource.Sample.FailureReason);
    }

    [Fact]
    public async Task RunAsync_DataReplacedAfterTheJobWasCreated_FailsInputChanged()
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", PeopleCsv());
        await _world.Jobs.CreateAsync("msk-1", new NewMaskingJob("res-1", MaskingPurpose.Sample, null, null, 1, null, null), ResourceTestWorld.Provider());
        await _world.UploadAsync("res-1", "区县\n江岸区\n");

        await _runner.RunAsync("msk-1", CancellationToken.None);

        var job = (await _world.JobStore.GetAsync("msk-1"))!.Value;
        Assert.Equal((MaskingJobStatus.Failed, MaskingJobExecutor.InputChangedCode), (job.Status, job.Failure!.Code));
    }

    [Fact]
    public async Task RunAsync_StorageFailure_RethrowsRecordsTheLastErrorAndHandsTheJobBackAsQueued()
    {
        var jobId = await SubmitAsync(PeopleCsv());
        _world.Data.Files.Clear();

        await Assert.ThrowsAsync<FileNotFoundException>(() => _runner.RunAsync(jobId, CancellationToken.None));

        var job = (await _world.JobStore.GetAsync(jobId))!.Value;
        Assert.Equal((MaskingJobStatus.Queued, 1), (job.Status, job.Attempts));
        Assert.StartsWith("FileNotFoundException", job.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_QueueRetryAfterAFailedAttempt_ClaimsAndRunsTheJob()
    {
        var jobId = await SubmitAsync(PeopleCsv());
        var files = new Dictionary<string, byte[]>(_world.Data.Files);
        _world.Data.Files.Clear();
        await Assert.ThrowsAsync<FileNotFoundException>(() => _runner.RunAsync(jobId, CancellationToken.None));
        foreach (var (name, bytes) in files)
        {
            _world.Data.Files[name] = bytes;
        }

        await _runner.RunAsync(jobId, CancellationToken.None);

        var job = (await _world.JobStore.GetAsync(jobId))!.Value;
        Assert.Equal((MaskingJobStatus.Succeeded, 2), (job.Status, job.Attempts));
    }

    [Fact]
    public async Task RunAsync_DuplicateMessageWhileALiveRunHoldsTheJob_DroppedWithoutRunning()
    {
        var jobId = await SubmitAsync(PeopleCsv());
        var queued = (await _world.JobStore.GetAsync(jobId))!;
        // Another delivery claimed it a moment ago and is running it.
        await _world.JobStore.ReplaceAsync(queued.Value with { Status = MaskingJobStatus.Running, Attempts = 1, StartedAt = _world.Clock.UtcNow, ProgressAt = _world.Clock.UtcNow }, queued.ETag);
        var writes = _world.Artifacts.OutputWrites;

        await _runner.RunAsync(jobId, CancellationToken.None);

        var job = (await _world.JobStore.GetAsync(jobId))!.Value;
        Assert.Equal((MaskingJobStatus.Running, 1), (job.Status, job.Attempts));
        Assert.Equal(writes, _world.Artifacts.OutputWrites);
    }

    [Fact]
    public async Task AbandonAsync_UnfinishedJob_FailsItGaveUpWithTheLastErrorAndReturnsTheResourceToDraft()
    {
        var jobId = await SubmitAsync(PeopleCsv());
        _world.Data.Files.Clear();
        await Assert.ThrowsAsync<FileNotFoundException>(() => _runner.RunAsync(jobId, CancellationToken.None));

        await _runner.AbandonAsync(jobId, CancellationToken.None);

        var job = (await _world.JobStore.GetAsync(jobId))!.Value;
        Assert.Equal((MaskingJobStatus.Failed, MaskingJobExecutor.GaveUpCode), (job.Status, job.Failure!.Code));
        Assert.Contains("FileNotFoundException", job.Failure.Reason, StringComparison.Ordinal);
        Assert.Equal(ResourceStatus.Draft, (await _world.Resources.GetAsync("res-1"))!.Value.Status);
    }

    [Fact]
    public async Task AbandonAsync_SucceededJob_IsLeftAsItIs()
    {
        var jobId = await SubmitAsync(PeopleCsv());
        await _runner.RunAsync(jobId, CancellationToken.None);

        await _runner.AbandonAsync(jobId, CancellationToken.None);

        Assert.Equal(MaskingJobStatus.Succeeded, (await _world.JobStore.GetAsync(jobId))!.Value.Status);
    }

    [Fact]
    public async Task RunAsync_UnknownJob_IsDroppedQuietly()
    {
        await _runner.RunAsync("msk-unknown", CancellationToken.None);

        Assert.Equal(0, _world.JobStore.Replacements);
    }

    [Fact]
    public async Task RunAsync_ProvisioningUnderTwoAgreements_PseudonymsStableWithinAndDifferentAcross()
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", PeopleCsv());
        foreach (var id in new[] { "agr-1", "agr-2" })
        {
            var agreement = new Agreement(id, "pln-1", ResourceTestWorld.OperatorOrg, SelectionMethod.PublicTender, "纪要", new DateOnly(2026, 1, 1), new DateOnly(2030, 12, 31),
                DateTimeOffset.UnixEpoch, AgreementStatus.Active, new DateOnly(2026, 2, 1), null, false, [], [], null, null, "authority-user");
            _world.Agreements.Setup(a => a.GetAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Agreement>(agreement, "e1"));
        }

        async Task<string[]> RunUnder(string jobId, string agreementId)
        {
            await _world.Jobs.CreateAsync(jobId, new NewMaskingJob("res-1", MaskingPurpose.Provisioning, null, null, 1, agreementId, DataFormat.Csv), ResourceTestWorld.Authority);
            await _runner.RunAsync(jobId, CancellationToken.None);
            return Encoding.UTF8.GetString(_world.Artifacts.Outputs[jobId]).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[1]).ToArray();
        }

        var first = await RunUnder("msk-a", "agr-1");
        var again = await RunUnder("msk-b", "agr-1");
        var other = await RunUnder("msk-c", "agr-2");

        Assert.Equal(8, first.Length);
        Assert.Equal(first, again);
        Assert.Empty(first.Intersect(other));
        Assert.Empty(first.Intersect(_idNumbers));
        Assert.NotNull((await _world.JobStore.GetAsync("msk-a"))!.Value.Summary!.KeyFingerprint);
    }
}
