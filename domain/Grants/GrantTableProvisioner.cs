using Platform.Domain.Audit;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
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
    ResourceOptions resourceOptions)
{
    public async Task<GrantTable> ProvisionAsync(DataRequest request, DataRequestItem item, string container, CancellationToken cancellationToken)
    {
        var resource = (await resources.GetAsync(item.ResourceId, cancellationToken))?.Value
            ?? throw new InvalidOperationException($"Resource {item.ResourceId} of data request {request.Id} no longer exists.");
        var data = resource.Data ?? throw new InvalidOperationException($"Resource {item.ResourceId} has no uploaded data to provision.");
        var fields = GrantRules.GrantedFields(resource.Fields, item.Fields);
        var blobPath = GrantRules.BlobPathFor(request.Id, item.ResourceId);

        // M4.3: only the approved fields are copied; the provider's file itself never leaves its area.
        var copy = await library.WriteAsync(container, blobPath, async (output, token) =>
        {
            await using var input = await resourceData.OpenReadAsync(data.StorageName, token);
            return await LibraryCopier.CopyAsync(input, data.Format, data.Encoding, item.Fields, output, token);
        }, cancellationToken);
        await audit.RecordAsync(Caller.System, "data_request.provisioned", DataRequestContract.TargetOf(request.Id),
            new { item.ResourceId, container, blobPath, item.Fields, copy.Sha256, copy.RowCount, copy.MalformedRowCount }, cancellationToken);

        await QueueSampleAsync(request, item, container, blobPath, copy.Sha256, cancellationToken);
        return new GrantTable(GrantRules.TableNameFor(item.ResourceId), item.ResourceId, item.ResourceName, item.ProviderId, fields.Select(GrantRules.ToGrantField).ToList(),
            container, blobPath, copy.Sha256, copy.RowCount, copy.MalformedRowCount, item.SampleJobId);
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
