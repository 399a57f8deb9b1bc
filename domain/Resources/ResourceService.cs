using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Resources;

/// <summary>How an upload declared itself: the format and text encoding its Content-Type names.</summary>
public sealed record DataUpload(DataFormat Format, InputEncoding Encoding, string ContentType, Stream Content);

/// <summary>The data resource catalogue 数据资源目录 (M4.1): registration, upload, submission, consent, review.</summary>
public sealed class ResourceService(
    IResourceStore store,
    IResourceDataStore dataStore,
    IOrganizationStore organizations,
    MaskingJobService jobs,
    IAuditTrail audit,
    INotificationOutbox outbox,
    IClock clock,
    ResourceOptions options)
{
    public async Task<Versioned<Resource>> RegisterAsync(string id, NewResource request, Caller caller, CancellationToken cancellationToken = default)
    {
        var fields = ResourceRules.ValidateNew(request);
        var provider = await organizations.GetAsync(caller.Organization, cancellationToken);
        if (provider is null || provider.Value.Kind != OrganizationKind.Provider)
        {
            throw new DomainException(FailureKind.Forbidden, "resource.provider_not_registered",
                $"Organisation '{caller.Organization}' is not a registered data provider; the authority registers providers (POST /api/organizations).");
        }

        var sharedFrom = string.IsNullOrWhiteSpace(request.SharedFrom) ? null : request.SharedFrom.Trim();
        if (sharedFrom is not null)
        {
            var original = sharedFrom == caller.Organization ? null : await organizations.GetAsync(sharedFrom, cancellationToken);
            if (original is null || original.Value.Kind != OrganizationKind.Provider)
            {
                throw ResourceRules.Invalid("sharedFrom", $"sharedFrom must name the registered provider the data was shared from, other than yourself; '{sharedFrom}' is not one.");
            }
        }

        var resource = new Resource(
            id, caller.Organization, request.Name!.Trim(), request.Description!.Trim(), request.Domain!.Trim(), request.UpdateFrequency!.Trim(),
            fields, sharedFrom, ResourceStatus.Draft, clock.UtcNow, caller.Subject);
        var etag = await store.AddAsync(resource, cancellationToken);
        await audit.RecordAsync(caller, "resource.registered", Target(id), resource, cancellationToken);
        if (sharedFrom is not null)
        {
            await outbox.SendAsync(ResourceNotices.ConsentRequested(resource, sharedFrom, provider.Value.Name, clock.UtcNow), cancellationToken);
        }

        return new Versioned<Resource>(resource, etag);
    }

    public async Task<Versioned<Resource>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        // Object-level authorisation: a provider sees its own resources (and those awaiting its consent); others learn nothing.
        if (found is null || !ResourceRules.MayRead(caller, found.Value))
        {
            throw ResourceRules.NotFound(id);
        }

        return found;
    }

    /// <summary>A provider lists its own resources; the authority lists all, e.g. the submitted ones awaiting review.</summary>
    public Task<(IReadOnlyList<Resource> Items, string? ContinuationToken)> ListAsync(Caller caller, ResourceStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role == Roles.Authority ? null : caller.Organization, status, pageSize, continuationToken, cancellationToken);

    /// <summary>
    /// Streams the file into the provider's own area (M4.1) under the size limit, records its size and SHA-256,
    /// and replaces an earlier upload. Only the owner, only while a draft.
    /// </summary>
    public async Task<Versioned<Resource>> UploadDataAsync(string id, DataUpload upload, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var current = await GetOwnedAsync(id, ifMatch, caller, cancellationToken);
        // Refuse before reading the body when the answer is already known.
        ResourceRules.EnsureAcceptsData(current.Value);

        var stored = await dataStore.SaveAsync(current.Value.ProviderId, id, upload.Content, options.MaxUploadBytes, cancellationToken);
        if (stored.Bytes == 0)
        {
            await dataStore.DeleteAsync(stored.StorageName, CancellationToken.None);
            throw new DomainException(FailureKind.Unprocessable, "resource.data_empty", "The uploaded file is empty; send the CSV or JSON Lines file as the request body.");
        }

        var data = new ResourceData(upload.Format, upload.Encoding, upload.ContentType, stored.Bytes, stored.Sha256, stored.StorageName, clock.UtcNow, caller.Subject);
        Versioned<Resource> updated;
        try
        {
            updated = await ReplaceAsync(current, ResourceRules.AttachData(current.Value, data), cancellationToken);
        }
        catch
        {
            await dataStore.DeleteAsync(stored.StorageName, CancellationToken.None);
            throw;
        }

        if (current.Value.Data is { } previous && previous.StorageName != stored.StorageName)
        {
            await dataStore.DeleteAsync(previous.StorageName, CancellationToken.None);
        }

        await audit.RecordAsync(caller, "resource.data_uploaded", Target(id), new { data.Format, data.Encoding, data.Bytes, data.Sha256 }, cancellationToken);
        return updated;
    }

    /// <summary>M4.1: submits the resource for review and queues the masking job that builds its sample.</summary>
    public async Task<Versioned<Resource>> SubmitAsync(string id, string sampleJobId, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetOwnedAsync(id, ifMatch, caller, cancellationToken);
        var submitted = ResourceRules.Submit(current.Value, sampleJobId, options.SampleRows, options.SampleSeed, clock.UtcNow);
        var job = new MaskingJob(
            sampleJobId, id, submitted.ProviderId, MaskingJobOrigin.Submission, MaskingPurpose.Sample, SamplingPlan.Rows(options.SampleRows),
            options.SampleSeed, null, DataFormat.JsonLines, submitted.Data!.Sha256, MaskingJobStatus.Queued, clock.UtcNow,
            caller.Subject, caller.Role, caller.Organization);

        // The job is recorded first and queued last: a submission that loses a race leaves an unqueued record, never a stray run.
        await jobs.RecordAsync(job, caller, cancellationToken);
        var updated = await ReplaceAsync(current, submitted, cancellationToken);
        await audit.RecordAsync(caller, "resource.submitted", Target(id), new { sampleJobId, submitted.Sample!.RowsRequested, submitted.Sample.Seed }, cancellationToken);
        await jobs.EnqueueAsync(job, cancellationToken);
        await outbox.SendAsync(ResourceNotices.Submitted(submitted, sampleJobId, clock.UtcNow), cancellationToken);
        return updated;
    }

    /// <summary>The authority approves (publishes) or rejects a submitted resource (M4.1).</summary>
    public async Task<Versioned<Resource>> ReviewAsync(string id, ReviewDecision decision, string? comment, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        EnsureFresh(current, ifMatch);
        var reviewed = ResourceRules.Review(current.Value, decision, comment, clock.UtcNow, caller.Subject);
        var updated = await ReplaceAsync(current, reviewed, cancellationToken);
        await audit.RecordAsync(caller, decision == ReviewDecision.Approve ? "resource.published" : "resource.rejected", Target(id), reviewed.Review, cancellationToken);
        await outbox.SendAsync(ResourceNotices.Reviewed(reviewed, decision, clock.UtcNow), cancellationToken);
        return updated;
    }

    /// <summary>M4.1: the original provider of shared data consents to (or refuses) its authorized operation.</summary>
    public async Task<Versioned<Resource>> RecordConsentAsync(string id, ReviewDecision decision, string? comment, string? documentRef, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        EnsureFresh(current, ifMatch);
        var consented = ResourceRules.RecordConsent(current.Value, caller, decision, comment, documentRef, clock.UtcNow);
        var updated = await ReplaceAsync(current, consented, cancellationToken);
        await audit.RecordAsync(caller, decision == ReviewDecision.Approve ? "resource.consent_granted" : "resource.consent_refused", Target(id), consented.Consent, cancellationToken);
        await outbox.SendAsync(ResourceNotices.Consented(consented, decision, clock.UtcNow), cancellationToken);
        return updated;
    }

    /// <summary>Called by the masking worker when a sample job ends. Safe to repeat: the resource changes once.</summary>
    public async Task RecordSampleOutcomeAsync(string resourceId, SampleOutcome outcome, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(resourceId, cancellationToken);
            if (current is null)
            {
                return;
            }

            var changed = ResourceRules.ApplySampleOutcome(current.Value, outcome, clock.UtcNow);
            if (ReferenceEquals(changed, current.Value))
            {
                return;
            }

            try
            {
                await store.ReplaceAsync(changed, current.ETag, cancellationToken);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < 10)
            {
                // Changed meanwhile (e.g. a consent arrived): apply the outcome again on top.
                continue;
            }

            await audit.RecordAsync(Caller.System, outcome.Succeeded ? "resource.sample_ready" : "resource.sample_failed", Target(resourceId), changed.Sample, cancellationToken);
            if (!outcome.Succeeded)
            {
                await outbox.SendAsync(ResourceNotices.SampleFailed(changed, outcome.JobId, outcome.FailureReason, clock.UtcNow), cancellationToken);
            }

            return;
        }
    }

    public static string Target(string id) => $"resources/{id}";

    private async Task<Versioned<Resource>> GetOwnedAsync(string id, string? ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, caller, cancellationToken);
        if (!ResourceRules.IsOwner(caller, current.Value))
        {
            throw new DomainException(FailureKind.Forbidden, "resource.not_owner", $"Only the provider that registered resource '{id}' may change it.");
        }

        EnsureFresh(current, ifMatch);
        return current;
    }

    private async Task<Versioned<Resource>> ReplaceAsync(Versioned<Resource> current, Resource updated, CancellationToken cancellationToken)
        => new(updated, await store.ReplaceAsync(updated, current.ETag, cancellationToken));

    private static void EnsureFresh(Versioned<Resource> current, string? ifMatch)
    {
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The resource changed since you read it; read it again and retry.");
        }
    }
}
