using Platform.Domain.Audit;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Sandbox;
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
    LibrarySampleJobs sampleJobs,
    IAuditTrail audit,
    IClock clock,
    PseudonymisationRootKey? rootKey = null)
{
    /// <summary>The secret the per-agreement pseudonymisation keys are derived from (domain/Masking/README.md, Key Vault).</summary>
    public const string RootKeySecretName = PseudonymisationRootKey.SecretName;

    public async Task<GrantTable> ProvisionAsync(DataRequest request, DataRequestItem item, string container, CancellationToken cancellationToken)
    {
        var resource = (await resources.GetAsync(item.ResourceId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Resource {item.ResourceId} of data request {request.Id} no longer exists.");
        var data = resource.Data ?? throw new InvalidOperationException($"Resource {item.ResourceId} has no uploaded data to provision.");
        var columns = LibraryColumns.Plan(resource.Fields, item.Fields);
        var blobPath = GrantRules.BlobPathFor(request.Id, item.ResourceId);
        var key = LibraryColumns.NeedsKey(columns) ? await (rootKey ?? throw new InvalidOperationException("Provisioning identifier fields needs the secret store for the pseudonymisation key.")).ForAgreementAsync(request.AgreementId, cancellationToken) : null;
        var today = ChinaTime.Today(clock);
        var sources = columns.Select(c => c.Source).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var sourceOf = columns.Select(c => sources.FindIndex(s => string.Equals(s, c.Source, StringComparison.OrdinalIgnoreCase))).ToArray();
        var subjectKey = ColumnPolicies.SubjectKeyOf(columns.Select(c => c.Field));

        // M4.3: only the approved fields are copied; the provider's file itself never leaves its area. Issue 14 item 0:
        // identifiers enter the library only as keyed per-agreement pseudonyms, derived attributes only where requested.
        // Issue 18.1: the store keeps the copy columnar (Parquet typed by the catalogue), so a sandbox job does not parse CSV.
        // Issue 14: the store also writes the subject index and counts the most records of one subject (M5.1).
        var copy = await library.WriteColumnarAsync(container, blobPath, columns.Select(c => c.Field).ToList(), subjectKey, async (output, token) =>
        {
            // Issue 18.3: rows are projected on every core, each worker with its own keyed-hash state (reused for every value).
            var pseudonymisers = new System.Collections.Concurrent.ConcurrentBag<Pseudonymiser>();
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
                _ => { },
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

            return written;
        }, cancellationToken);
        blobPath = copy.BlobPath ?? blobPath;
        await audit.RecordAsync(Caller.System, "data_request.provisioned", DataRequestContract.TargetOf(request.Id),
            new { item.ResourceId, container, blobPath, item.Fields, copy.Sha256, copy.RowCount, copy.MalformedRowCount, format = copy.Format }, cancellationToken);

        await sampleJobs.QueueAsync(request, item, container, blobPath, copy.Sha256, cancellationToken);
        return new GrantTable(GrantRules.TableNameFor(item.ResourceId), item.ResourceId, item.ResourceName, item.ProviderId, columns.Select(GrantRules.ToGrantField).ToList(),
            container, blobPath, copy.Sha256, copy.RowCount, copy.MalformedRowCount, item.SampleJobId)
        {
            SubjectKey = subjectKey,
            MaxRecordsPerSubject = subjectKey is null ? null : copy.MaxRecordsPerSubject,
            SubjectIndexed = subjectKey is not null && copy.SubjectIndexed,
            NullFreeFields = copy.NullFreeFields,
            FieldMagnitudes = copy.FieldMagnitudes,
            NonNegativeFields = copy.NonNegativeFields,
            RecordsWithoutUniqueSubject = subjectKey is null ? null : copy.RecordsWithoutUniqueSubject,
            Format = copy.Format,
        };
    }
}
