using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Resources;

namespace Platform.Domain.Masking;

/// <summary>
/// The resource side of a masking job (M4.4): the resource and its uploaded data or the library copy the job reads, the
/// agreement's pseudonymisation key when provisioning needs one, and telling a catalogue sample's resource how it ended.
/// </summary>
public sealed class MaskingJobResource(
    IResourceStore resources,
    IResourceDataStore data,
    PseudonymisationRootKey rootKey,
    ResourceService catalogue,
    IAuthorizedDataLibrary? library = null)
{
    public async Task<Resource?> GetAsync(MaskingJob job, CancellationToken cancellationToken = default)
        => (await resources.GetAsync(job.ResourceId, cancellationToken))?.Value;

    public Task<Stream> OpenInputAsync(MaskingJob job, ResourceData input, CancellationToken cancellationToken)
    {
        if (job.LibraryInput is not { } copy)
        {
            return data.OpenReadAsync(input.StorageName, cancellationToken);
        }

        return library is null
            ? throw new InvalidOperationException("Masking job names a library copy but no authorized data library is registered.")
            : library.OpenReadAsync(copy.Container, copy.BlobPath, cancellationToken);
    }

    /// <summary>M4.4: provisioning pseudonymises with the agreement's own key, derived from the root key in the secret store.</summary>
    public async Task<PseudonymisationKey?> KeyForAsync(MaskingJob job, IReadOnlyList<FieldDefinition> fields, CancellationToken cancellationToken)
        => job.AgreementId is null || !MaskingPolicy.NeedsKey(fields, job.Purpose)
            ? null
            : await rootKey.ForAgreementAsync(job.AgreementId, cancellationToken);

    /// <summary>A catalogue sample job tells its resource how it ended (idempotent on the resource's side).</summary>
    public Task RecordOutcomeAsync(MaskingJob job, CancellationToken cancellationToken)
    {
        if (job.Origin != MaskingJobOrigin.Submission || !job.IsFinished)
        {
            return Task.CompletedTask;
        }

        var outcome = job.Status == MaskingJobStatus.Succeeded
            ? new SampleOutcome(job.Id, true, job.Summary?.RowsOut, job.Summary?.SuspectedIdentifierFields ?? [], null, null)
            : new SampleOutcome(job.Id, false, null, [], job.Failure?.Code, job.Failure?.Reason);
        return catalogue.RecordSampleOutcomeAsync(job.ResourceId, outcome, cancellationToken);
    }
}
