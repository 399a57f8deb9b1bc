using Platform.Domain.Audit;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Sandbox;
using Platform.Domain.Secrets;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Grants;

/// <summary>
/// One approved item into the library (M4.3: only the approved fields leave the provider's area) and its masked sample
/// queued (M4.4). Safe to repeat: the copy is rewritten under the same name and the sample job id was reserved.
/// </summary>
public sealed class GrantTableProvisioner(
    IResourceStore resources,
    IResourceDataStore resourceData,
    IAuthorizedDataLibrary library,
    IMaskingJobStore maskingJobs,
    IMaskingJobQueue maskingQueue,
    IAuditTrail audit,
    IClock clock,
    ResourceOptions resourceOptions,
    ISecretStore? secrets = null)
{
    /// <summary>The secret the per-agreement pseudonymisation keys are derived from (SPEC §2.6, Key Vault).</summary>
    public const string RootKeySecretName = "pseudonymisation-root-key";

    public async Task<GrantTable> ProvisionAsync(DataRequest request, DataRequestItem item, string container, CancellationToken cancellationToken)
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
        var subjectKey = ColumnPolicies.SubjectKeyOf(columns.Select(c => c.Field));
        var subjectColumn = subjectKey is null ? -1 : columns.ToList().FindIndex(c => c.Field.Name == subjectKey);
        long? maxRecordsPerSubject = null;

        // M4.3: only the approved fields are copied; the provider's file itself never leaves its area. Issue 14 item 0:
        // identifiers enter the library only as keyed per-agreement pseudonyms, derived attributes only where requested.
        // Issue 18.1: the store keeps the copy columnar (Parquet typed by the catalogue), so a sandbox job does not parse CSV.
        var copy = await library.WriteColumnarAsync(container, blobPath, columns.Select(c => c.Field).ToList(), async (output, token) =>
        {
            // Issue 18.3: rows are projected on every core, each worker with its own keyed-hash state (reused for every value).
            var pseudonymisers = new System.Collections.Concurrent.ConcurrentBag<Pseudonymiser>();
            // Issue 14: the most records of one subject lets the release checks count records for a lower bound of subjects.
            var perSubject = new Dictionary<string, int>(StringComparer.Ordinal);
            var projection = new LibraryProjection(
                () =>
                {
                    var pseudonymiser = key is null ? null : new Pseudonymiser(key);
                    if (pseudonymiser is not null)
                    {
                        pseudonymisers.Add(pseudonymiser);
                    }

                    return values => columns.Select((column, i) => LibraryColumns.Transform(column, values[sourceOf[i]], pseudonymiser, today)).ToArray();
                },
                row =>
                {
                    if (subjectColumn >= 0 && row[subjectColumn] is { Length: > 0 } subject)
                    {
                        perSubject[subject] = perSubject.GetValueOrDefault(subject) + 1;
                    }
                },
                Environment.ProcessorCount);
            LibraryCopyResult written;
            try
            {
                await using var input = await resourceData.OpenReadAsync(data.StorageName, token);
                written = await LibraryCopier.CopyAsync(input, data.Format, data.Encoding, sources, columns.Select(c => c.Field.Name).ToList(), projection, output, token);
            }
            finally
            {
                foreach (var pseudonymiser in pseudonymisers)
                {
                    pseudonymiser.Dispose();
                }
            }

            maxRecordsPerSubject = subjectColumn < 0 ? null : perSubject.Count == 0 ? 1 : perSubject.Values.Max();
            return written;
        }, cancellationToken);
        blobPath = copy.BlobPath ?? blobPath;
        await audit.RecordAsync(Caller.System, "data_request.provisioned", DataRequestContract.TargetOf(request.Id),
            new { item.ResourceId, container, blobPath, item.Fields, copy.Sha256, copy.RowCount, copy.MalformedRowCount, format = copy.Format }, cancellationToken);

        await QueueSampleAsync(request, item, container, blobPath, copy.Sha256, cancellationToken);
        return new GrantTable(GrantRules.TableNameFor(item.ResourceId), item.ResourceId, item.ResourceName, item.ProviderId, columns.Select(GrantRules.ToGrantField).ToList(),
            container, blobPath, copy.Sha256, copy.RowCount, copy.MalformedRowCount, item.SampleJobId)
        {
            SubjectKey = subjectKey,
            MaxRecordsPerSubject = maxRecordsPerSubject,
            Format = copy.Format,
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
}
