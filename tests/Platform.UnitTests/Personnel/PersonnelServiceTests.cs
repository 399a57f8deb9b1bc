using Moq;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;
using Platform.Domain.Security;
using Platform.UnitTests.Identifiers;
using Xunit;

namespace Platform.UnitTests.Personnel;

public sealed class PersonnelServiceTests
{
    private const string OperatorOrg = "org-op";
    private const string ProviderOrg = "org-prov";

    // 10:00 in China on 2026-03-10.
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero));
    private readonly InMemoryPersonnelStore _store = new();
    private readonly RecordingAuditTrail _audit = new();
    private readonly PersonnelService _service;

    private readonly Caller _operator = new("operator-user", Roles.Operator, OperatorOrg);
    private readonly Caller _authority = new("authority-user", Roles.Authority, "org-authority");

    public PersonnelServiceTests()
    {
        var organizations = new Mock<IOrganizationStore>();
        organizations.Setup(o => o.GetAsync(OperatorOrg, It.IsAny<CancellationToken>())).ReturnsAsync(Org(OperatorOrg, OrganizationKind.Operator));
        organizations.Setup(o => o.GetAsync(ProviderOrg, It.IsAny<CancellationToken>())).ReturnsAsync(Org(ProviderOrg, OrganizationKind.Provider));
        _service = new PersonnelService(_store, organizations.Object, new IdNumberHasher(TestSecrets.WithHashKey()), _audit, _clock);
    }

    private static string ValidIdNumber(string sequence = "123") => IdentifierTestData.WithIdNumberCheck("42010619900307" + sequence);

    [Fact]
    public async Task RegisterAsync_ValidNumber_StoresOnlyHashAndMaskedFormAndAudits()
    {
        var number = ValidIdNumber();

        var created = await _service.RegisterAsync("stf-1", new NewStaffMember("李四", number, OperatorOrg), _operator);

        var stored = (await _store.GetAsync("stf-1"))!.Value;
        Assert.Equal(IdNumberHasher.Hash(TestSecrets.HashKey, number), stored.IdNumberHash);
        Assert.Equal(PersonnelRules.Mask(number), stored.IdNumberMasked);
        // M4.4: registration records the claimed identity; the checksum alone verifies nothing.
        Assert.False(stored.IdentityVerified);
        Assert.Null(stored.Verification);
        Assert.Equal(FilingState.Pending, stored.FilingState);
        Assert.False(created.Value.Cleared);
        Assert.DoesNotContain(number, System.Text.Json.JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        var audited = Assert.Single(_audit.Records);
        Assert.Equal(("personnel.registered", "personnel/stf-1"), (audited.Action, audited.Target));
    }

    [Fact]
    public async Task RegisterAsync_LowerCaseX_HashesTheCanonicalUpperCaseNumber()
    {
        var number = Enumerable.Range(100, 900).Select(s => ValidIdNumber(s.ToString())).First(n => n.EndsWith('X'));

        await _service.RegisterAsync("stf-1", new NewStaffMember("王五", number.ToLowerInvariant(), OperatorOrg), _operator);

        Assert.Equal(IdNumberHasher.Hash(TestSecrets.HashKey, number), (await _store.GetAsync("stf-1"))!.Value.IdNumberHash);
    }

    [Fact]
    public async Task RegisterAsync_WrongCheckCharacter_Throws422NamingIdNumber()
    {
        var valid = ValidIdNumber();
        var wrong = valid[..17] + (valid[17] == '0' ? '1' : '0');

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RegisterAsync("stf-1", new NewStaffMember("李四", wrong, OperatorOrg), _operator));

        Assert.Equal((FailureKind.Unprocessable, "personnel.invalid"), (failure.Kind, failure.Code));
        Assert.Contains("check character", failure.Errors!["idNumber"][0], StringComparison.Ordinal);
        Assert.Empty(_audit.Records);
    }

    [Fact]
    public async Task RegisterAsync_ImpossibleBirthDate_Throws422NamingIdNumber()
    {
        var february30 = IdentifierTestData.WithIdNumberCheck("42010619900230123");

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RegisterAsync("stf-1", new NewStaffMember("李四", february30, OperatorOrg), _operator));

        Assert.Contains("impossible birth date", failure.Errors!["idNumber"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAsync_BornAfterTodayInChina_Throws422()
    {
        var tomorrow = IdentifierTestData.WithIdNumberCheck("42010620260311123");

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RegisterAsync("stf-1", new NewStaffMember("李四", tomorrow, OperatorOrg), _operator));

        Assert.True(failure.Errors!.ContainsKey("idNumber"));
    }

    [Fact]
    public async Task RegisterAsync_OtherOrganisation_Throws403ForeignOrganization()
    {
        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RegisterAsync("stf-1", new NewStaffMember("李四", ValidIdNumber(), "org-other"), _operator));

        Assert.Equal((FailureKind.Forbidden, "personnel.foreign_organization"), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task RegisterAsync_ProviderOrganisation_Throws422NamingOrgId()
    {
        var provider = new Caller("provider-user", Roles.Operator, ProviderOrg);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RegisterAsync("stf-1", new NewStaffMember("李四", ValidIdNumber(), ProviderOrg), provider));

        Assert.True(failure.Errors!.ContainsKey("orgId"));
    }

    [Fact]
    public async Task RegisterAsync_BlankNameAndMissingNumber_NamesBothFields()
    {
        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RegisterAsync("stf-1", new NewStaffMember(" ", null, OperatorOrg), _operator));

        Assert.Equal(["idNumber", "name"], failure.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DecideFilingAsync_Approve_FilesAndAudits()
    {
        var staff = await Registered();

        var filed = await _service.DecideFilingAsync(staff.Id, FilingDecision.Approve, "材料齐全", null, _authority);

        Assert.Equal(FilingState.Filed, filed.Value.FilingState);
        Assert.Equal("authority-user", filed.Value.Filing!.DecidedBy);
        Assert.Equal("personnel.filed", _audit.Records[^1].Action);
    }

    [Fact]
    public async Task DecideFilingAsync_RejectWithoutComment_Throws422NamingComment()
    {
        var staff = await Registered();

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.DecideFilingAsync(staff.Id, FilingDecision.Reject, "  ", null, _authority));

        Assert.True(failure.Errors!.ContainsKey("comment"));
    }

    [Fact]
    public async Task DecideFilingAsync_RejectedThenApproved_EndsFiled()
    {
        var staff = await Registered();
        await _service.DecideFilingAsync(staff.Id, FilingDecision.Reject, "缺少身份证明材料", null, _authority);

        var filed = await _service.DecideFilingAsync(staff.Id, FilingDecision.Approve, null, null, _authority);

        Assert.Equal(FilingState.Filed, filed.Value.FilingState);
    }

    [Fact]
    public async Task DecideFilingAsync_AlreadyFiled_Throws409()
    {
        var staff = await Registered();
        await _service.DecideFilingAsync(staff.Id, FilingDecision.Approve, null, null, _authority);

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.DecideFilingAsync(staff.Id, FilingDecision.Reject, "撤回", null, _authority));

        Assert.Equal((FailureKind.Conflict, "personnel.already_filed"), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task DecideFilingAsync_StaleIfMatch_Throws412()
    {
        var staff = await Registered();

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.DecideFilingAsync(staff.Id, FilingDecision.Approve, null, "W/\"stale\"", _authority));

        Assert.Equal("concurrency.etag_mismatch", failure.Code);
    }

    [Fact]
    public async Task RecordNdaAsync_SignedTomorrowInChina_Throws422NamingSignedOn()
    {
        var staff = await Registered();

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RecordNdaAsync(staff.Id, new NdaEvidence("NDA-1", new DateOnly(2026, 3, 11)), null, _operator));

        Assert.True(failure.Errors!.ContainsKey("signedOn"));
    }

    [Fact]
    public async Task RecordNdaAsync_OtherOrganisation_Throws404()
    {
        var staff = await Registered();
        var stranger = new Caller("other-user", Roles.Operator, "org-other");

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.RecordNdaAsync(staff.Id, new NdaEvidence("NDA-1", new DateOnly(2026, 3, 1)), null, stranger));

        Assert.Equal("personnel.not_found", failure.Code);
    }

    [Fact]
    public async Task EnsureClearedAsync_AfterEachStep_ListsWhatIsStillMissingUntilAllThree()
    {
        var staff = await Registered();

        var beforeAny = await Assert.ThrowsAsync<DomainException>(() => _service.EnsureClearedAsync(staff.Id));
        await _service.DecideFilingAsync(staff.Id, FilingDecision.Approve, null, null, _authority);
        var afterFiling = await Assert.ThrowsAsync<DomainException>(() => _service.EnsureClearedAsync(staff.Id));
        await _service.RecordNdaAsync(staff.Id, new NdaEvidence("NDA-1", new DateOnly(2026, 3, 10)), null, _operator);
        var afterNda = await Assert.ThrowsAsync<DomainException>(() => _service.EnsureClearedAsync(staff.Id));
        await _service.VerifyIdentityAsync(staff.Id, IdentityVerificationMethod.InPerson, "身份证原件核验 HB-2026-001", null, null, _authority);
        var cleared = await _service.EnsureClearedAsync(staff.Id);

        Assert.Equal((FailureKind.Forbidden, "personnel.not_cleared"), (beforeAny.Kind, beforeAny.Code));
        Assert.Equal(["filing", "identityVerified", "nda"], beforeAny.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["identityVerified", "nda"], afterFiling.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["identityVerified"], afterNda.Errors!.Keys);
        Assert.True(cleared.Cleared);
    }

    [Fact]
    public async Task VerifyIdentityAsync_Authority_RecordsEvidenceAndAudits()
    {
        var staff = await Registered();

        var verified = await _service.VerifyIdentityAsync(staff.Id, IdentityVerificationMethod.EGovernment, "鄂汇办实名核验 2026-0310-17", "核验一致", null, _authority);

        Assert.True(verified.Value.IdentityVerified);
        Assert.Equal((IdentityVerificationMethod.EGovernment, "鄂汇办实名核验 2026-0310-17", "authority-user"),
            (verified.Value.Verification!.Method, verified.Value.Verification.DocumentRef, verified.Value.Verification.VerifiedBy));
        Assert.Contains(_audit.Records, r => r.Action == "personnel.identity_verified" && r.Target == $"personnel/{staff.Id}");
    }

    [Fact]
    public async Task VerifyIdentityAsync_NotAuthorityOrWithoutEvidence_Refused()
    {
        var staff = await Registered();

        var byOperator = await Assert.ThrowsAsync<DomainException>(() => _service.VerifyIdentityAsync(staff.Id, IdentityVerificationMethod.InPerson, "证件", null, null, _operator));
        var noDocument = await Assert.ThrowsAsync<DomainException>(() => _service.VerifyIdentityAsync(staff.Id, IdentityVerificationMethod.InPerson, " ", null, null, _authority));
        var noMethod = await Assert.ThrowsAsync<DomainException>(() => _service.VerifyIdentityAsync(staff.Id, null, "证件", null, null, _authority));
        var claimsProvider = await Assert.ThrowsAsync<DomainException>(() => _service.VerifyIdentityAsync(staff.Id, IdentityVerificationMethod.IdentityProvider, "证件", null, null, _authority));

        Assert.Equal("auth.forbidden_role", byOperator.Code);
        Assert.Equal(["documentRef"], noDocument.Errors!.Keys);
        Assert.Equal(["method"], noMethod.Errors!.Keys);
        Assert.Equal(["method"], claimsProvider.Errors!.Keys);
        Assert.False((await _store.GetAsync(staff.Id))!.Value.IdentityVerified);
    }

    [Fact]
    public async Task EnsureClearedAsync_SignedInWithVerifiedIdentityOfTheSameNumber_VerifiedAutomatically()
    {
        var staff = await FiledUnderNda();
        var caller = new Caller(staff.Id, Roles.Personnel, OperatorOrg) { VerifiedIdNumber = ValidIdNumber() };

        var cleared = await _service.EnsureClearedAsync(caller);

        Assert.True(cleared.Cleared);
        Assert.Equal(IdentityVerificationMethod.IdentityProvider, cleared.Verification!.Method);
    }

    [Fact]
    public async Task EnsureClearedAsync_SignedInWithVerifiedIdentityOfAnotherNumber_StillNotCleared()
    {
        var staff = await FiledUnderNda();
        var caller = new Caller(staff.Id, Roles.Personnel, OperatorOrg) { VerifiedIdNumber = ValidIdNumber("456") };

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.EnsureClearedAsync(caller));

        Assert.Equal(["identityVerified"], failure.Errors!.Keys);
        Assert.False((await _store.GetAsync(staff.Id))!.Value.IdentityVerified);
    }

    [Fact]
    public async Task EnsureClearedAsync_UnknownStaff_Throws403NotCleared()
    {
        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.EnsureClearedAsync("stf-missing"));

        Assert.Equal((FailureKind.Forbidden, "personnel.not_cleared"), (failure.Kind, failure.Code));
    }

    [Fact]
    public async Task EnsureClearedAsync_CallerOfAnotherOrganisation_Throws403()
    {
        var staff = await Cleared();

        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.EnsureClearedAsync(new Caller(staff.Id, Roles.Personnel, "org-other")));
        var own = await _service.EnsureClearedAsync(new Caller(staff.Id, Roles.Personnel, OperatorOrg));

        Assert.Equal("personnel.not_cleared", failure.Code);
        Assert.Equal(staff.Id, own.Id);
    }

    [Theory]
    [InlineData(Roles.Authority, "org-authority", "anyone", true)]
    [InlineData(Roles.Operator, OperatorOrg, "colleague", true)]
    [InlineData(Roles.Operator, "org-other", "stranger", false)]
    [InlineData(Roles.Personnel, OperatorOrg, "stf-1", true)]
    [InlineData(Roles.Personnel, OperatorOrg, "stf-2", false)]
    [InlineData(Roles.Provider, OperatorOrg, "provider-user", false)]
    [InlineData(Roles.Supervisor, "org-sup", "supervisor-user", false)]
    public async Task GetAsync_ByCaller_OnlyAuthorityOwnOrganisationOrThePersonSees(string role, string organization, string subject, bool visible)
    {
        await Registered();
        var caller = new Caller(subject, role, organization);

        var read = () => _service.GetAsync("stf-1", caller);

        if (visible)
        {
            Assert.Equal("stf-1", (await read()).Value.Id);
        }
        else
        {
            Assert.Equal("personnel.not_found", (await Assert.ThrowsAsync<DomainException>(read)).Code);
        }
    }

    [Fact]
    public async Task ListAsync_OperatorAskingForAnotherOrganisation_Throws403()
    {
        var failure = await Assert.ThrowsAsync<DomainException>(() => _service.ListAsync("org-other", 10, null, _operator));

        Assert.Equal("personnel.foreign_organization", failure.Code);
    }

    private async Task<StaffMember> Registered()
        => (await _service.RegisterAsync("stf-1", new NewStaffMember("李四", ValidIdNumber(), OperatorOrg), _operator)).Value;

    private async Task<StaffMember> FiledUnderNda()
    {
        var staff = await Registered();
        await _service.DecideFilingAsync(staff.Id, FilingDecision.Approve, null, null, _authority);
        return (await _service.RecordNdaAsync(staff.Id, new NdaEvidence("NDA-1", new DateOnly(2026, 3, 1)), null, _operator)).Value;
    }

    private async Task<StaffMember> Cleared()
    {
        var staff = await FiledUnderNda();
        return (await _service.VerifyIdentityAsync(staff.Id, IdentityVerificationMethod.InPerson, "身份证原件核验", null, null, _authority)).Value;
    }

    private static Versioned<Organization> Org(string id, OrganizationKind kind)
        => new(new Organization(id, "单位", kind, "91420100MA4K0000X0", "420100", DateTimeOffset.UnixEpoch, "authority-user", null), "W/\"1\"");
}
