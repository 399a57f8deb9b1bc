using Microsoft.Extensions.Logging;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Jobs;
using Platform.Domain.Masking;
using Platform.Domain.Organizations;
using Platform.Domain.Personnel;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Sandbox;

/// <summary>
/// Records how a sandbox job ended (M5.1, M5.3): stores a released result before the record says <c>released</c>,
/// cancels a job that must stop, and audits the outcome once (<c>sandbox.job_finished</c>). Split from
/// <see cref="SandboxJobExecutor"/>.
/// </summary>
public sealed class SandboxJobOutcomeRecorder(
    ISandboxJobStore jobs,
    SandboxJobCanceller canceller,
    ISandboxResultStore results,
    IAuditTrail audit,
    IClock clock,
    SandboxReleaseGuard guard,
    SandboxReleaseReview releaseReview,
    ILogger<SandboxJobOutcomeRecorder> logger)
{
    private const int MaxWriteAttempts = QueuedJobProtocol<SandboxJob>.MaxWriteAttempts;

    /// <summary>Stores a released result, then records the outcome; a job cancelled meanwhile stays cancelled and keeps no result.</summary>
    public async Task FinishAsync(SandboxJob job, string etag, SandboxResult result, IReadOnlyList<SandboxJobTable> touched, CancellationToken cancellationToken)
    {
        ResultFingerprint? fingerprint = null;
        IReadOnlyList<string>? checkers = null;
        // Issue 14 item 6: a grant whose authority requires a human release step holds the stored result until its checkers
        // approve; who they are is read beside the differencing check (both only read).
        var checkersRead = result.Released ? releaseReview.CheckersForAsync(job, cancellationToken) : Task.FromResult<IReadOnlyList<string>?>(null);
        // Issue 14 item 5: a result that differences an earlier one of the grant is withheld before anything is stored.
        result = await guard.CheckDifferencingAsync(job, result, cancellationToken);
        var requiredCheckers = await checkersRead;
        if (result.Released)
        {
            (result, fingerprint) = await guard.FingerprintAsync(job, result, cancellationToken);
            checkers = requiredCheckers;
            await results.WriteAsync(new SandboxResultDocument(job.Id, result.Columns, result.Rows, result.Truncated, result.ResultHash!), cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var finished = SandboxJobRules.Finish(job, result, clock.UtcNow, touched) with { Fingerprint = fingerprint };
            if (checkers is not null)
            {
                finished = SandboxJobRules.AwaitRelease(finished, checkers);
            }

            try
            {
                var written = await jobs.ReplaceAsync(finished, etag, cancellationToken);
                logger.LogInformation("Sandbox job {JobId} finished: {Status} {Code}.", job.Id, finished.Status.ToWire(), finished.Code);
                await EnsureOutcomeAuditedAsync(new(finished, written), cancellationToken);
                return;
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < MaxWriteAttempts)
            {
                var current = await jobs.GetAsync(job.Id, cancellationToken) ?? throw new InvalidOperationException($"Sandbox job {job.Id} vanished.");
                if (current.Value.IsFinished)
                {
                    if (result.Released && current.Value.Status is not (SandboxJobStatus.Released or SandboxJobStatus.AwaitingRelease))
                    {
                        await results.DeleteAsync(job.Id, cancellationToken);
                    }

                    await EnsureOutcomeAuditedAsync(current, cancellationToken);
                    return;
                }

                (job, etag) = (current.Value, current.ETag);
            }
        }
    }

    public async Task CancelAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        await canceller.CancelAsync(jobId, reason, cancellationToken);
        if (await jobs.GetAsync(jobId, cancellationToken) is { } current)
        {
            await EnsureOutcomeAuditedAsync(current, cancellationToken);
        }
    }

    /// <summary>
    /// M5.3: who ran what SQL over which grant, the data it touched, the result's hash and the check outcome. Recorded
    /// once per job that a worker started (a job stopped while still queued is audited by its cancellation alone); the flag
    /// on the record lets a redelivery finish what a crash between the two writes left undone.
    /// </summary>
    public async Task EnsureOutcomeAuditedAsync(Versioned<SandboxJob> found, CancellationToken cancellationToken)
    {
        var job = found.Value;
        if (!job.IsFinished || job.OutcomeAudited || job.Attempts == 0)
        {
            return;
        }

        if (job.Status == SandboxJobStatus.AwaitingRelease)
        {
            // Before the audit mark: a redelivery after a crash here signs the links again (slots and messages are keyed by job).
            await releaseReview.IssueLinksAsync(job, cancellationToken);
        }

        await audit.RecordAsync(SandboxJobAccess.SubmitterOf(job), "sandbox.job_finished", SandboxJobService.TargetOf(job.Id), SandboxJobOutcome.From(job), cancellationToken);
        try
        {
            await jobs.ReplaceAsync(job with { OutcomeAudited = true }, found.ETag, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
        {
            logger.LogWarning("Sandbox job {JobId} changed while its outcome was audited; the audit mark is left for a later delivery.", job.Id);
        }
    }
}
