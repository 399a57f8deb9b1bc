using System.Text;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Resources;

public sealed class ResourceServiceTests
{
    private readonly ResourceTestWorld _world = new();

    private const string Csv = "姓名,身份证号,手机号,区县\n张三,420106199003071234,13812345678,武昌区\n";

    [Fact]
    public async Task RegisterAsync_RegisteredProvider_StoresDraftOwnedByCallerOrgAndAudits()
    {
        var created = await _world.RegisterAsync();

        Assert.Equal((ResourceTestWorld.ProviderOrg, ResourceStatus.Draft), (created.ProviderId, created.Status));
        Assert.Equal(4, created.Fields.Count);
        var audited = Assert.Single(_world.Audit.Records);
        Assert.Equal(("resource.registered", "resources/res-1"), (audited.Action, audited.Target));
    }

    [Fact]
    public async Task RegisterAsync_OrganisationNotARegisteredProvider_Is403()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Service.RegisterAsync("res-1", ResourceTestWorld.NewPeopleResource(), ResourceTestWorld.Provider(ResourceTestWorld.OperatorOrg)));

        Assert.Equal((FailureKind.Forbidden, "resource.provider_not_registered"), (error.Kind, error.Code));
        Assert.Empty(_world.Resources.All);
    }

    [Theory]
    [InlineData(ResourceTestWorld.ProviderOrg)]
    [InlineData(ResourceTestWorld.OperatorOrg)]
    [InlineData("org-unknown")]
    public async Task RegisterAsync_SharedFromItselfOrNotAProvider_Is422NamingSharedFrom(string sharedFrom)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => _world.RegisterAsync(sharedFrom: sharedFrom));

        Assert.Equal(("resource.invalid", "sharedFrom"), (error.Code, Assert.Single(error.Errors!.Keys)));
    }

    [Fact]
    public async Task RegisterAsync_SharedFrom_AsksTheOriginalProviderForConsent()
    {
        await _world.RegisterAsync(sharedFrom: ResourceTestWorld.OriginalProviderOrg);

        var message = Assert.Single(_world.Outbox.Sent);
        Assert.Equal($"org:{ResourceTestWorld.OriginalProviderOrg}", message.Recipient.Key);
    }

    [Fact]
    public async Task GetAsync_OtherProvider_Is404()
    {
        await _world.RegisterAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.GetAsync("res-1", ResourceTestWorld.Provider("org-other")));

        Assert.Equal((FailureKind.NotFound, "resource.not_found"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task UploadDataAsync_Draft_RecordsSizeAndSha256AndReplacesTheEarlierFile()
    {
        await _world.RegisterAsync();
        var first = await _world.UploadAsync("res-1", "区县\n武昌区\n");

        var second = await _world.UploadAsync("res-1", Csv);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Csv)));
        Assert.Equal((Encoding.UTF8.GetByteCount(Csv), expected), (second.Data!.Bytes, second.Data.Sha256));
        Assert.Equal([second.Data.StorageName], _world.Data.Files.Keys);
        Assert.NotEqual(first.Data!.StorageName, second.Data.StorageName);
        Assert.Equal(2, _world.Audit.Records.Count(r => r.Action == "resource.data_uploaded"));
    }

    [Fact]
    public async Task UploadDataAsync_OverTheLimit_Is413AndKeepsNothing()
    {
        await _world.RegisterAsync();
        var tooLarge = new MemoryStream(new byte[_world.Options.MaxUploadBytes + 1]);

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Service.UploadDataAsync("res-1", new DataUpload(DataFormat.Csv, InputEncoding.Auto, "text/csv", tooLarge), null, ResourceTestWorld.Provider()));

        Assert.Equal(FailureKind.PayloadTooLarge, error.Kind);
        Assert.Empty(_world.Data.Files);
        Assert.Null((await _world.Resources.GetAsync("res-1"))!.Value.Data);
    }

    [Fact]
    public async Task UploadDataAsync_EmptyFile_Is422AndKeepsNothing()
    {
        await _world.RegisterAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.UploadAsync("res-1", ""));

        Assert.Equal("resource.data_empty", error.Code);
        Assert.Empty(_world.Data.Files);
    }

    [Fact]
    public async Task UploadDataAsync_ByTheOriginalProvider_Is403NotOwner()
    {
        await _world.RegisterAsync(sharedFrom: ResourceTestWorld.OriginalProviderOrg);
        var upload = new DataUpload(DataFormat.Csv, InputEncoding.Auto, "text/csv", new MemoryStream(Encoding.UTF8.GetBytes(Csv)));

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Service.UploadDataAsync("res-1", upload, null, ResourceTestWorld.Provider(ResourceTestWorld.OriginalProviderOrg)));

        Assert.Equal("resource.not_owner", error.Code);
        Assert.Empty(_world.Data.Files);
    }

    [Fact]
    public async Task SubmitAsync_WithData_RecordsAndQueuesASampleJobWithTheConfiguredSizeAndSeed()
    {
        await _world.RegisterAsync();
        var uploaded = await _world.UploadAsync("res-1", Csv);

        var submitted = await _world.Service.SubmitAsync("res-1", "msk-1", null, ResourceTestWorld.Provider());

        Assert.Equal(ResourceStatus.Submitted, submitted.Value.Status);
        var job = (await _world.JobStore.GetAsync("msk-1"))!.Value;
        Assert.Equal((MaskingJobOrigin.Submission, MaskingPurpose.Sample, MaskingJobStatus.Queued), (job.Origin, job.Purpose, job.Status));
        Assert.Equal((SamplingMode.RowCount, 5, 7L), (job.Sampling.Mode, job.Sampling.RowCount, job.Seed));
        Assert.Equal((DataFormat.JsonLines, uploaded.Data!.Sha256), (job.OutputFormat, job.InputSha256));
        Assert.Equal(["msk-1"], _world.Queue.Sent);
        Assert.Contains(_world.Audit.Records, r => r.Action == "resource.submitted");
        Assert.Contains(_world.Audit.Records, r => r.Action == "masking_job.created");
    }

    [Fact]
    public async Task SubmitAsync_WithoutData_Is409NoDataAndQueuesNothing()
    {
        await _world.RegisterAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.SubmitAsync("res-1", "msk-1", null, ResourceTestWorld.Provider()));

        Assert.Equal((FailureKind.Conflict, "resource.no_data"), (error.Kind, error.Code));
        Assert.Empty(_world.Queue.Sent);
        Assert.Empty(_world.JobStore.All);
    }

    [Fact]
    public async Task SubmitAsync_StaleIfMatch_Is412()
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", Csv);

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Service.SubmitAsync("res-1", "msk-1", "W/\"stale\"", ResourceTestWorld.Provider()));

        Assert.Equal("concurrency.etag_mismatch", error.Code);
        Assert.Empty(_world.Queue.Sent);
    }

    [Fact]
    public async Task RecordSampleOutcomeAsync_Repeated_ChangesAndAuditsOnce()
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", Csv);
        await _world.Service.SubmitAsync("res-1", "msk-1", null, ResourceTestWorld.Provider());
        var outcome = new SampleOutcome("msk-1", true, 1, [], null, null);

        await _world.Service.RecordSampleOutcomeAsync("res-1", outcome);
        await _world.Service.RecordSampleOutcomeAsync("res-1", outcome);

        Assert.Equal(SampleStatus.Ready, (await _world.Resources.GetAsync("res-1"))!.Value.Sample!.Status);
        Assert.Single(_world.Audit.Records, r => r.Action == "resource.sample_ready");
    }

    [Fact]
    public async Task ReviewAsync_ApproveWithReadySample_PublishesAuditsAndTellsTheProvider()
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", Csv);
        await _world.Service.SubmitAsync("res-1", "msk-1", null, ResourceTestWorld.Provider());
        await _world.Service.RecordSampleOutcomeAsync("res-1", new SampleOutcome("msk-1", true, 1, [], null, null));

        var published = await _world.Service.ReviewAsync("res-1", ReviewDecision.Approve, null, null, ResourceTestWorld.Authority);

        Assert.Equal(ResourceStatus.Published, published.Value.Status);
        Assert.Contains(_world.Audit.Records, r => r.Action == "resource.published" && r.Actor.Role == Roles.Authority);
        Assert.Contains(_world.Outbox.Sent, n => n.Recipient.Key == $"org:{ResourceTestWorld.ProviderOrg}" && n.Subject == "数据资源已发布");
    }
}
