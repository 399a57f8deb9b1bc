using Platform.Domain.Agreements;
using Platform.Domain.Catalog;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.UnitTests.DataRequests;
using Xunit;
using static Platform.UnitTests.DataRequests.DataRequestTestWorld;

namespace Platform.UnitTests.Grants;

public sealed class GrantServiceTests
{
    private readonly DataRequestTestWorld _world = new();

    [Fact]
    public async Task ProvisionAsync_ApprovedItem_LibraryCopyHasOnlyTheApprovedFieldsAndTheGrantNamesThem()
    {
        var request = await ApprovedByGridAsync();

        var grant = await _world.GrantProvisioning.ProvisionAsync(request.Id, GridSlot);

        Assert.NotNull(grant);
        var table = Assert.Single(grant.Tables);
        Assert.Equal(("res_power", PowerResource, "library-agr-1", $"{request.Id}/{PowerResource}.csv", 2L), (table.Name, table.ResourceId, table.Container, table.BlobPath, table.RowCount));
        Assert.Equal(["负荷", "区域编码"], table.Fields.Select(f => f.Name));
        Assert.All(table.Fields, f => Assert.Equal(FieldClassification.Public, f.Classification));
        Assert.Equal("负荷,区域编码\r\n88.5,420102\r\n120.0,420106\r\n", _world.Library.Text(table.Container, table.BlobPath));
        Assert.Equal((_world.Agreement.ExpiresAtUtc, GrantStatus.Active, request.Review(GridSlot)!.GrantId), (grant.ExpiresAt, grant.Status, grant.Id));
        Assert.True(grant.ExpiresAt <= _world.Agreement.ExpiresAtUtc);
    }

    [Fact]
    public async Task ProvisionAsync_ApprovedItem_MaskedSampleOfTheLibraryCopyQueued()
    {
        var request = await ApprovedByGridAsync();

        var grant = await _world.GrantProvisioning.ProvisionAsync(request.Id, GridSlot);

        var table = grant!.Tables[0];
        var job = (await _world.MaskingJobs.GetAsync(table.SampleJobId))!.Value;
        Assert.Equal((MaskingPurpose.Sample, MaskingJobStatus.Queued, table.Sha256, OperatorOrg), (job.Purpose, job.Status, job.InputSha256, job.RequestedByOrganization));
        Assert.Equal(("library-agr-1", table.BlobPath), (job.LibraryInput!.Container, job.LibraryInput.BlobPath));
        Assert.Equal(["负荷", "区域编码"], job.LibraryInput.Fields);
        Assert.Equal([table.SampleJobId], _world.MaskingQueue.Sent);
    }

    [Fact]
    public async Task ProvisionAsync_Redelivered_SameGrantNoSecondCopyOrJob()
    {
        var request = await ApprovedByGridAsync();

        var first = await _world.GrantProvisioning.ProvisionAsync(request.Id, GridSlot);
        var second = await _world.GrantProvisioning.ProvisionAsync(request.Id, GridSlot);

        Assert.Equal(first, second);
        Assert.Single(_world.GrantStore.All);
        Assert.Equal(1, _world.Library.Writes);
        Assert.Single(_world.MaskingQueue.Sent);
        Assert.Single(_world.Audit.Records, r => r.Action == "grant.issued");
    }

    [Fact]
    public async Task ProvisionAsync_CrashedAfterTheSampleJobWasRecorded_RedeliveryQueuesItAgainAndIssuesTheGrant()
    {
        var request = await ApprovedByGridAsync();
        await _world.GrantProvisioning.ProvisionAsync(request.Id, GridSlot);
        var grantId = request.Review(GridSlot)!.GrantId;
        var issued = (await _world.GrantStore.GetAsync(grantId))!;
        var store = new InMemoryGrantStore();
        var world = _world;

        // A fresh grant store stands for the crash between the sample job and the grant: the job exists, the grant does not.
        var grants = world.NewGrantProvisioning(store);
        var again = await grants.ProvisionAsync(request.Id, GridSlot);

        Assert.Equal(issued.Value.Tables[0].Sha256, again!.Tables[0].Sha256);
        Assert.Equal(2, world.MaskingQueue.Sent.Count);
        Assert.Single(world.MaskingJobs.All);
    }

    [Fact]
    public async Task ProvisionAsync_NothingApproved_NoGrant()
    {
        var request = await _world.SubmitAndScheduleAsync();
        await _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Reject, "涉及敏感数据", null), Provider(GridOrg), _world.Workflows);

        Assert.Null(await _world.GrantProvisioning.ProvisionAsync(request.Id, GridSlot));
        Assert.Empty(_world.Library.Blobs);
    }

    [Fact]
    public async Task EnsureUsableAsync_ActiveGrantOfTheCallersOrganisation_ReturnsIt()
    {
        var grant = await IssuedAsync();

        var usable = await _world.Grants.EnsureUsableAsync(grant.Id, new Caller("staff-1", Roles.Personnel, OperatorOrg));

        Assert.Equal(grant.Id, usable.Id);
    }

    [Fact]
    public async Task EnsureUsableAsync_AnotherOrganisationsOrUnknownGrant_404()
    {
        var grant = await IssuedAsync();

        var other = await Assert.ThrowsAsync<DomainException>(() => _world.Grants.EnsureUsableAsync(grant.Id, new Caller("u", Roles.Operator, "org-other")));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => _world.Grants.EnsureUsableAsync("grt-missing", Operator));

        Assert.Equal([(FailureKind.NotFound, "grant.not_found"), (FailureKind.NotFound, "grant.not_found")], new[] { (other.Kind, other.Code), (unknown.Kind, unknown.Code) });
    }

    [Fact]
    public async Task EnsureUsableAsync_OperatorSuspended_403()
    {
        var grant = await IssuedAsync();
        _world.SuspendedOperators.Add(OperatorOrg);

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Grants.EnsureUsableAsync(grant.Id, Operator));

        Assert.Equal((FailureKind.Forbidden, "operator.suspended"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task EnsureUsableAsync_Revoked_409GrantRevoked()
    {
        var grant = await IssuedAsync();
        await _world.GrantRevocation.RevokeForAgreementAsync(AgreementId, "terminated");

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Grants.EnsureUsableAsync(grant.Id, Operator));

        Assert.Equal((FailureKind.Conflict, "grant.revoked"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task EnsureUsableAsync_PastItsExpiry_410GrantExpired()
    {
        var grant = await IssuedAsync();
        _world.Clock.UtcNow = grant.ExpiresAt;

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Grants.EnsureUsableAsync(grant.Id, Operator));

        Assert.Equal((FailureKind.Gone, "grant.expired"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task EnsureUsableAsync_AgreementEndedBeforeTheGrantWasRevoked_409AgreementNotInForce()
    {
        var grant = await IssuedAsync();
        _world.Agreement = _world.Agreement with { Status = AgreementStatus.Terminated };

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Grants.EnsureUsableAsync(grant.Id, Operator));

        Assert.Equal((FailureKind.Conflict, "agreement.not_in_force"), (refused.Kind, refused.Code));
    }

    [Fact]
    public async Task RevokeForAgreementAsync_Twice_RevokedOnceAndTheOperatorTold()
    {
        var grant = await IssuedAsync();

        var first = await _world.GrantRevocation.RevokeForAgreementAsync(AgreementId, "terminated");
        var second = await _world.GrantRevocation.RevokeForAgreementAsync(AgreementId, "terminated");

        var stored = (await _world.GrantStore.GetAsync(grant.Id))!.Value;
        Assert.Equal((1, 0), (first, second));
        Assert.Equal((GrantStatus.Revoked, "terminated"), (stored.Status, stored.RevokeReason));
        Assert.Single(_world.Outbox.Sent, n => n.Id == $"{grant.Id}-revoked");
    }

    [Fact]
    public async Task GrantRevocationStep_AgreementExpired_GrantsExpireWithIt()
    {
        var grant = await IssuedAsync();

        var summary = await _world.GrantRevocation.RevokeAsync(_world.Agreement, "expired");

        Assert.Equal("1 grant(s) revoked", summary);
        Assert.Equal(GrantStatus.Expired, (await _world.GrantStore.GetAsync(grant.Id))!.Value.Status);
    }

    private async Task<DataRequest> ApprovedByGridAsync()
    {
        var request = await _world.SubmitAndScheduleAsync();
        return (await _world.Reviews.SubmitReviewAsync(request.Id, new ReviewDraft(ItemDecisionKind.Approve, null, null), Provider(GridOrg), _world.Workflows)).Value;
    }

    private async Task<Grant> IssuedAsync()
    {
        var request = await ApprovedByGridAsync();
        return (await _world.GrantProvisioning.ProvisionAsync(request.Id, GridSlot))!;
    }
}
