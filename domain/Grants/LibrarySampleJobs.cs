using Platform.Domain.Audit;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Grants;

/// <summary>
/// M4.4: the masked sample of a library copy, for <c>sample</c> mode: a masking job recorded under the id reserved at
/// submission and queued; the masking worker makes the sample from the library copy. Safe to repeat.
/// </summary>
public sealed class LibrarySampleJobs(IMaskingJobStore maskingJobs, IMaskingJobQueue maskingQueue, IAuditTrail audit, IClock clock, ResourceOptions resourceOptions)
{
    /// <summary>M4.4: the masked sample of the copy, for <c>sample</c> mode; the masking worker makes it from the library copy.</summary>
    public async Task QueueAsync(DataRequest request, DataRequestItem item, string container, string blobPath, string sha256, CancellationToken cancellationToken)
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
