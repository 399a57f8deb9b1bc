using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Xunit;
using Platform.UnitTests.Resources;

namespace Platform.UnitTests.Masking;

public sealed class MaskingJobServiceTests
{
    private const string Csv = "姓名,身份证号,手机号,区县\n张三,420106199003071234,13812345678,武昌区\n";

    private readonly ResourceTestWorld _world = new();

    private static NewMaskingJob Request(MaskingPurpose? purpose = MaskingPurpose.Sample, int? rows = null, double? fraction = null, string? agreementId = null, long? seed = null)
        => new("res-1", purpose, rows, fraction, seed, agreementId, null);

    private async Task RegisterWithDataAsync()
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", Csv);
    }

    private void AddAgreement(string id, string operatorId, AgreementStatus status)
    {
        var agreement = new Agreement(id, "pln-1", operatorId, SelectionMethod.PublicTender, "纪要", new DateOnly(2026, 1, 1), new DateOnly(2030, 12, 31),
            DateTimeOffset.UnixEpoch, status, new DateOnly(2026, 2, 1), null, false, [], [], null, null, "authority-user");
        _world.Agreements.Setup(a => a.GetAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Agreement>(agreement, "e1"));
    }

    [Theory]
    [InlineData(MaskingPurpose.Sample, null, null, SamplingMode.RowCount, 5)]
    [InlineData(MaskingPurpose.Sample, 30, null, SamplingMode.RowCount, 30)]
    [InlineData(MaskingPurpose.Provisioning, null, null, SamplingMode.None, 0)]
    public void Sampling_Defaults_SampleTakesTheConfiguredRowsProvisioningEveryRow(MaskingPurpose purpose, int? rows, double? fraction, SamplingMode mode, int rowCount)
    {
        var plan = MaskingJobRules.Sampling(purpose, rows, fraction, 5);

        Assert.Equal((mode, rowCount), (plan.Mode, plan.RowCount));
    }

    [Theory]
    [InlineData(10, 0.5, "sampling")]
    [InlineData(0, null, "sampling.rows")]
    [InlineData(100_001, null, "sampling.rows")]
    [InlineData(null, 0.0, "sampling.fraction")]
    [InlineData(null, 1.5, "sampling.fraction")]
    public void Sampling_OutOfRange_Is422NamingTheField(int? rows, double? fraction, string field)
    {
        var error = Assert.Throws<DomainException>(() => MaskingJobRules.Sampling(MaskingPurpose.Sample, rows, fraction, 5));

        Assert.Equal((MaskingJobRules.InvalidCode, field), (error.Code, Assert.Single(error.Errors!.Keys)));
    }

    [Fact]
    public async Task CreateAsync_ProviderOwnResource_QueuesTheJobWithItsSamplingAndSeed()
    {
        await RegisterWithDataAsync();

        var created = await _world.Jobs.CreateAsync("msk-1", Request(fraction: 0.5, seed: 42), ResourceTestWorld.Provider());

        Assert.Equal((MaskingJobStatus.Queued, SamplingMode.Fraction, 0.5, 42L), (created.Value.Status, created.Value.Sampling.Mode, created.Value.Sampling.Fraction, created.Value.Seed));
        Assert.Equal((MaskingJobOrigin.Request, DataFormat.Csv), (created.Value.Origin, created.Value.OutputFormat));
        Assert.Equal(["msk-1"], _world.Queue.Sent);
    }

    [Fact]
    public async Task CreateAsync_AnotherProvidersResource_Is422AsIfUnknown()
    {
        await RegisterWithDataAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Jobs.CreateAsync("msk-1", Request(), ResourceTestWorld.Provider("org-other")));

        Assert.Equal(("masking.invalid", "resourceId"), (error.Code, Assert.Single(error.Errors!.Keys)));
        Assert.Empty(_world.Queue.Sent);
    }

    [Fact]
    public async Task CreateAsync_NoData_Is409NoData()
    {
        await _world.RegisterAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Jobs.CreateAsync("msk-1", Request(), ResourceTestWorld.Authority));

        Assert.Equal((FailureKind.Conflict, "resource.no_data"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task CreateAsync_ProvisioningWithoutAgreement_Is422NamingAgreementId()
    {
        await RegisterWithDataAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Jobs.CreateAsync("msk-1", Request(MaskingPurpose.Provisioning), ResourceTestWorld.Authority));

        Assert.Equal("agreementId", Assert.Single(error.Errors!.Keys));
    }

    [Fact]
    public async Task CreateAsync_ProvisioningUnderTerminatedAgreement_Is409()
    {
        await RegisterWithDataAsync();
        AddAgreement("agr-1", ResourceTestWorld.OperatorOrg, AgreementStatus.Terminated);

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Jobs.CreateAsync("msk-1", Request(MaskingPurpose.Provisioning, agreementId: "agr-1"), ResourceTestWorld.Authority));

        Assert.Equal((FailureKind.Conflict, "agreement.not_in_force"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task CreateAsync_SampleWithAgreement_Is422()
    {
        await RegisterWithDataAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Jobs.CreateAsync("msk-1", Request(agreementId: "agr-1"), ResourceTestWorld.Authority));

        Assert.Equal("agreementId", Assert.Single(error.Errors!.Keys));
    }

    [Fact]
    public async Task CreateAsync_PersonnelNotCleared_Is403()
    {
        await RegisterWithDataAsync();
        var staff = new Caller("stf-1", Roles.Personnel, ResourceTestWorld.OperatorOrg);

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Jobs.CreateAsync("msk-1", Request(), staff));

        Assert.Equal((FailureKind.Forbidden, "personnel.not_cleared"), (error.Kind, error.Code));
    }

    [Fact]
    public async Task CreateAsync_ClearedPersonnelOnADraft_Is422AsIfUnknown()
    {
        await RegisterWithDataAsync();
        await _world.Personnel.AddAsync(new StaffMember("stf-1", ResourceTestWorld.OperatorOrg, "李四", "hash", "420***********1234", true, FilingState.Filed, null,
            new NdaRecord("NDA-1", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch, "op"), DateTimeOffset.UnixEpoch, "op"));
        var staff = new Caller("stf-1", Roles.Personnel, ResourceTestWorld.OperatorOrg);

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Jobs.CreateAsync("msk-1", Request(), staff));

        Assert.Equal(("masking.invalid", "resourceId"), (error.Code, Assert.Single(error.Errors!.Keys)));
    }

    [Theory]
    [InlineData(Roles.Authority, "org-authority", true)]
    [InlineData(Roles.Provider, ResourceTestWorld.ProviderOrg, true)]
    [InlineData(Roles.Provider, "org-other", false)]
    [InlineData(Roles.Personnel, ResourceTestWorld.OperatorOrg, true)]
    [InlineData(Roles.Personnel, "org-other-operator", false)]
    [InlineData(Roles.Operator, ResourceTestWorld.OperatorOrg, false)]
    public void MayRead_AuthorityDataOwnerAndRequestingOrganisation(string role, string organization, bool expected)
    {
        var job = new MaskingJob("msk-1", "res-1", ResourceTestWorld.ProviderOrg, MaskingJobOrigin.Request, MaskingPurpose.Provisioning, SamplingPlan.None, 1, "agr-1",
            DataFormat.Csv, "ab", MaskingJobStatus.Queued, DateTimeOffset.UnixEpoch, "stf-1", Roles.Personnel, ResourceTestWorld.OperatorOrg);

        Assert.Equal(expected, MaskingJobRules.MayRead(new Caller("u", role, organization), job));
    }
}
