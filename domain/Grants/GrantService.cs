using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Resources;
using Platform.Domain.Sandbox;
using Platform.Domain.Secrets;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Grants;

/// <summary>
/// Provisioning and grants (SPEC §2.5, §2.7, M4.3): approved items are copied — approved fields only — into the
/// operator's authorized data library, a masked sample of each copy is queued, and a grant names what sandbox jobs may
/// read until the agreement ends. <see cref="EnsureUsableAsync"/> is the check every data access through a grant makes.
/// </summary>
public sealed class GrantService(
    IGrantStore store,
    IDataRequestStore requests,
    IAgreementStore agreements,
    IResourceStore resources,
    IResourceDataStore resourceData,
    IAuthorizedDataLibrary library,
    IMaskingJobStore maskingJobs,
    IMaskingJobQueue maskingQueue,
    IOperatorAccessGuard operatorAccess,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    ResourceOptions resourceOptions,
    ISecretStore? secrets = null)
{
    /// <summary>The secret the per-agreement pseudonymisation keys are derived from (SPEC §2.6, Key Vault).</summary>
    public const string RootKeySecretName = "pseudonymisation-root-key";

    public const string NotFoundCode = "grant.not_found";
    public const string RevokedCode = "grant.revoked";
    public const string ExpiredCode = "grant.expired";
    public const string AgreementNotActiveCode = "grant.agreement_not_active";

    public static string TargetOf(string grantId) => $"grants/{grantId}";

    /// <summary>
    /// Activity: provisions the approved items of one provider's review and issues the grant. Safe under redelivery:
    /// copies are rewritten under the same names, the sample job and the grant have ids reserved at submission, and an
    /// issued grant is returned as it is. Returns null when nothing is to be provisioned (nothing approved, request
    /// cancelled, agreement no longer live).
    /// </summary>
    public async Task<Grant?> ProvisionAsync(string dataRequestId, string slot, CancellationToken cancellationToken = default)
    {
        var request = (await requests.GetAsync(dataRequestId, cancellationToken))?.Value
            ?? throw new DomainException(FailureKind.NotFound, DataRequestService.NotFoundCode, $"Data request '{dataRequestId}' does not exist.");
        var review = request.Review(slot) ?? throw new InvalidOperationException($"Data request {dataRequestId} has no review '{slot}'.");
        if (await store.GetAsync(review.GrantId, cancellationToken) is { } issued)
        {
            return issued.Value;
        }

        var approved = request.ItemsOf(review.ProviderId).Where(i => i.Status == DataRequestItemStatus.Approved).ToList();
        var agreement = (await agreements.GetAsync(request.AgreementId, cancellationToken))?.Value;
        if (approved.Count == 0 || request.IsCancelled || agreement is not { IsLive: true })
        {
            return null;
        }

        var container = GrantRules.ContainerFor(agreement.Id);
        var tables = new List<GrantTable>();
        foreach (var item in approved)
        {
            tables.Add(await ProvisionItemAsync(request, item, container, cancellationToken));
        }

        var now = clock.UtcNow;
        var grant = new Grant(review.GrantId, agreement.Id, request.ScenarioId, request.OperatorId, request.Id, review.ProviderId, tables, now,
            GrantRules.ExpiryFor(agreement), GrantStatus.Active, null, null);
        try
        {
            await store.AddAsync(grant, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            // Issued by an earlier delivery of this step that failed afterwards.
            var existing = await store.GetAsync(grant.Id, cancellationToken);
            if (existing is null)
            {
                throw;
            }

            return existing.Value;
        }

        await audit.RecordAsync(Caller.System, "grant.issued", TargetOf(grant.Id),
            new { grant.DataRequestId, grant.AgreementId, grant.ExpiresAt, tables = tables.Select(t => new { t.Name, t.ResourceId, fields = t.Fields.Select(f => f.Name), t.Sha256, t.RowCount }) },
            cancellationToken);
        await outbox.SendAsync(new Notification(
            $"{grant.Id}-issued", Recipient.Organization(grant.OperatorId), "grant", $"数据授权已签发：{request.ScenarioTitle}",
            $"数据申请 {request.Id} 中已同意的数据已提供至授权数据资源库（{string.Join("、", tables.Select(t => $"{t.ResourceName} → 表 {t.Name}"))}），授权 {grant.Id} 有效期至 {ChinaTime.ToChinaTime(grant.ExpiresAt):yyyy-MM-dd HH:mm}（北京时间）。数据仅可在沙箱中按授权使用。",
            null, TargetOf(grant.Id), now), cancellationToken);
        return grant;
    }

    public async Task<Versioned<Grant>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level access: the operator (and its processing staff) their own grants; the authority and supervisors all.
        if (found is null || !MayRead(found.Value, caller))
        {
            throw GrantRules.NotFound(id);
        }

        return found;
    }

    public Task<(IReadOnlyList<Grant> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role is Roles.Authority or Roles.Supervisor ? null : caller.Organization, pageSize, continuationToken, cancellationToken);

    /// <summary>
    /// The check before any read through a grant (sandbox jobs, SPEC §2.7): the grant exists and belongs to the caller's
    /// organisation (else 404 <c>grant.not_found</c>), the operator is not suspended (403 <c>operator.suspended</c>), the
    /// grant is not revoked and its agreement still live (409 <c>grant.revoked</c>, <c>grant.agreement_not_active</c>),
    /// and it has not expired (410 <c>grant.expired</c>). Returns the grant to read by.
    /// </summary>
    public async Task<Grant> EnsureUsableAsync(string grantId, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var grant = string.IsNullOrWhiteSpace(grantId) ? null : (await store.GetAsync(grantId, cancellationToken))?.Value;
        if (grant is null || caller.Organization != grant.OperatorId)
        {
            throw GrantRules.NotFound(grantId);
        }

        // M5.5: a suspension stops data access at once.
        await operatorAccess.EnsureNotSuspendedAsync(grant.OperatorId, cancellationToken);
        var now = clock.UtcNow;
        switch (grant.StatusAt(now))
        {
            case GrantStatus.Revoked:
                throw new DomainException(FailureKind.Conflict, RevokedCode,
                    $"Grant '{grant.Id}' was revoked on {grant.RevokedAt?.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} ({grant.RevokeReason}); its data may no longer be read.");
            case GrantStatus.Expired:
                throw new DomainException(FailureKind.Gone, ExpiredCode,
                    $"Grant '{grant.Id}' expired at {grant.ExpiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}; request the data again under a live agreement.");
        }

        // SPEC §2.2: everything an ended agreement carried is gone, even if its revocation has not reached this grant yet.
        var agreement = (await agreements.GetAsync(grant.AgreementId, cancellationToken))?.Value;
        if (agreement is not { IsLive: true })
        {
            throw new DomainException(FailureKind.Conflict, AgreementNotActiveCode, $"Agreement '{grant.AgreementId}' of grant '{grant.Id}' is no longer active.");
        }

        return grant;
    }

    /// <summary>Revocation step (SPEC §2.2): every active grant of the agreement is revoked (or expired with it). Idempotent.</summary>
    public async Task<int> RevokeForAgreementAsync(string agreementId, string reason, CancellationToken cancellationToken = default)
    {
        var revoked = 0;
        foreach (var grant in await store.ListByAgreementAsync(agreementId, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                var current = await store.GetAsync(grant.Id, cancellationToken);
                if (current is null)
                {
                    break;
                }

                var ended = GrantRules.Revoke(current.Value, reason, clock.UtcNow);
                if (ReferenceEquals(ended, current.Value))
                {
                    break;
                }

                try
                {
                    await store.ReplaceAsync(ended, current.ETag, cancellationToken);
                }
                catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < 10)
                {
                    continue;
                }

                revoked++;
                await audit.RecordAsync(Caller.System, ended.Status == GrantStatus.Expired ? "grant.expired" : "grant.revoked", TargetOf(grant.Id), new { agreementId, reason }, cancellationToken);
                await outbox.SendAsync(new Notification(
                    $"{grant.Id}-{(ended.Status == GrantStatus.Expired ? "expired" : "revoked")}", Recipient.Organization(grant.OperatorId), "grant",
                    "数据授权已撤销", $"授权运营协议 {agreementId} 已结束，授权 {grant.Id} 随之{(ended.Status == GrantStatus.Expired ? "到期" : "撤销")}，其数据不可再使用。",
                    null, TargetOf(grant.Id), clock.UtcNow), cancellationToken);
                break;
            }
        }

        return revoked;
    }

    private async Task<GrantTable> ProvisionItemAsync(DataRequest request, DataRequestItem item, string container, CancellationToken cancellationToken)
    {
        var resource = (await resources.GetAsync(item.ResourceId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Resource {item.ResourceId} of data request {request.Id} no longer exists.");
        var data = resource.Data ?? throw new InvalidOperationException($"Resource {item.ResourceId} has no uploaded data to provision.");
        var columns = LibraryColumns.Plan(resource.Fields, item.Fields);
        var blobPath = GrantRules.BlobPathFor(request.Id, item.ResourceId);
        var key = LibraryColumns.NeedsKey(columns) ? await KeyAsync(request.AgreementId, cancellationToken) : null;
        var today = ChinaTime.Today(clock);
        var sources = columns.Select(c => c.Source).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var sourceOf = columns.Select(c => sources.FindIndex(s => string.Equals(s, c.Source, StringComparison.OrdinalIgnoreCase))).ToArray();

        // M4.3: only the approved fields are copied; the provider's file itself never leaves its area. Issue 14 item 0:
        // identifiers enter the library only as keyed per-agreement pseudonyms, derived attributes only where requested.
        var subjectKey = ColumnPolicies.SubjectKeyOf(columns.Select(c => c.Field));
        var subjectColumn = subjectKey is null ? -1 : columns.ToList().FindIndex(c => c.Field.Name == subjectKey);
        long? maxRecordsPerSubject = null;
        var copy = await library.WriteAsync(container, blobPath, async (output, token) =>
        {
            using var pseudonymiser = key is null ? null : new Pseudonymiser(key);
            // Issue 14: the most records of one subject lets the release checks count records for a lower bound of subjects.
            var perSubject = new Dictionary<string, int>(StringComparer.Ordinal);
            await using var input = await resourceData.OpenReadAsync(data.StorageName, token);
            var written = await LibraryCopier.CopyAsync(input, data.Format, data.Encoding, sources, columns.Select(c => c.Field.Name).ToList(),
                values =>
                {
                    var row = columns.Select((column, i) => LibraryColumns.Transform(column, values[sourceOf[i]], pseudonymiser, today)).ToArray();
                    if (subjectColumn >= 0 && row[subjectColumn] is { Length: > 0 } subject)
                    {
                        perSubject[subject] = perSubject.GetValueOrDefault(subject) + 1;
                    }

                    return row;
                },
                output, token);
            maxRecordsPerSubject = subjectColumn < 0 ? null : perSubject.Count == 0 ? 1 : perSubject.Values.Max();
            return written;
        }, cancellationToken);
        await audit.RecordAsync(Caller.System, "data_request.provisioned", DataRequestService.TargetOf(request.Id),
            new { item.ResourceId, container, blobPath, item.Fields, copy.Sha256, copy.RowCount, copy.MalformedRowCount }, cancellationToken);

        await QueueSampleAsync(request, item, container, blobPath, copy.Sha256, cancellationToken);
        return new GrantTable(GrantRules.TableNameFor(item.ResourceId), item.ResourceId, item.ResourceName, item.ProviderId, columns.Select(GrantRules.ToGrantField).ToList(),
            container, blobPath, copy.Sha256, copy.RowCount, copy.MalformedRowCount, item.SampleJobId)
        {
            SubjectKey = subjectKey,
            MaxRecordsPerSubject = maxRecordsPerSubject,
        };
    }

    /// <summary>The agreement's pseudonymisation key (M4.4: one key per agreement, so operators cannot link records).</summary>
    private async Task<PseudonymisationKey> KeyAsync(string agreementId, CancellationToken cancellationToken)
    {
        var store = secrets ?? throw new InvalidOperationException("Provisioning identifier fields needs the secret store for the pseudonymisation key.");
        var bytes = System.Text.Encoding.UTF8.GetBytes(await store.GetSecretAsync(RootKeySecretName, cancellationToken));
        if (bytes.Length < PseudonymisationKey.MinRootKeyBytes)
        {
            throw new InvalidOperationException(
                $"Secret '{RootKeySecretName}' (setting Secrets:{RootKeySecretName}) must be at least {PseudonymisationKey.MinRootKeyBytes} bytes; generate one with `openssl rand -base64 48`.");
        }

        return PseudonymisationKey.Derive(bytes, agreementId);
    }

    /// <summary>M4.4: the masked sample of the copy, for <c>sample</c> mode; the masking worker makes it from the library copy.</summary>
    private async Task QueueSampleAsync(DataRequest request, DataRequestItem item, string container, string blobPath, string sha256, CancellationToken cancellationToken)
    {
        var job = new MaskingJob(
            item.SampleJobId, item.ResourceId, item.ProviderId, MaskingJobOrigin.Request, MaskingPurpose.Sample, SamplingPlan.Rows(resourceOptions.SampleRows),
            resourceOptions.SampleSeed, null, DataFormat.Csv, sha256, MaskingJobStatus.Queued, clock.UtcNow, Caller.System.Subject, Roles.System, request.OperatorId,
            LibraryInput: new MaskingLibraryInput(container, blobPath, item.Fields));
        try
        {
            await maskingJobs.AddAsync(job, cancellationToken);
            await audit.RecordAsync(Caller.System, "masking_job.created", $"masking/jobs/{job.Id}",
                new { job.ResourceId, job.Purpose, job.Sampling, job.Seed, library = blobPath, request = request.Id }, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            // Recorded by an earlier delivery; queue it again in case that queueing was lost (the worker skips finished jobs).
        }

        await maskingQueue.EnqueueAsync(job.Id, cancellationToken);
    }

    private static bool MayRead(Grant grant, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        Roles.Operator or Roles.Personnel => grant.OperatorId == caller.Organization,
        _ => false,
    };
}

/// <summary>The agreement revocation step that revokes the grants of an ended agreement (SPEC §2.2).</summary>
public sealed class GrantRevocationStep(GrantService grants) : IAgreementRevocationStep
{
    public string Name => "grants";

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
        => $"{await grants.RevokeForAgreementAsync(agreement.Id, reason, cancellationToken)} grant(s) revoked";
}
