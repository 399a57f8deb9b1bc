using System.Text;
using Microsoft.Extensions.Logging;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Jobs;
using Platform.Domain.Organizations;
using Platform.Domain.Resources;
using Platform.Domain.Secrets;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Masking;

/// <summary>
/// Runs one masking job for the <c>masking-jobs</c> worker (M4.4) under the shared <see cref="QueuedJobProtocol{TJob}"/>:
/// resource blob → engine → output blob, with bounded memory whatever the file size. An unusable file fails the job
/// (its message then completes); any other failure goes back to the queue. Details in domain/Masking/README.md.
/// </summary>
public sealed class MaskingJobExecutor(
    IMaskingJobStore jobs,
    MaskingJobResource resource,
    IMaskingArtifactStore artifacts,
    IAuditTrail audit,
    IClock clock,
    MaskingJobOptions options,
    ILogger<MaskingJobExecutor> logger,
    JobHeartbeat? heartbeat = null) : IQueuedJobKind<MaskingJob>
{
    /// <summary>Key Vault secret (locally the setting <c>Secrets:pseudonymisation-root-key</c>) from which each agreement's key is derived.</summary>
    public const string RootKeySecretName = PseudonymisationRootKey.SecretName;

    public const string GaveUpCode = "masking.gave_up";
    public const string InputChangedCode = "masking.input_changed";
    public const string InputMissingCode = "masking.input_missing";

    private QueuedJobProtocol<MaskingJob> Protocol => field ??= new(jobs, this, clock, logger) { Heartbeat = heartbeat };

    public async Task RunAsync(string? jobId, CancellationToken cancellationToken)
    {
        var found = await Protocol.FindAsync(jobId, cancellationToken);
        if (found is null || await Protocol.SettledWithoutRunAsync(found, cancellationToken))
        {
            // A redelivery after the job ended finishes what a crash may have left undone; a duplicate of a live run is dropped.
            return;
        }

        var job = found.Value with
        {
            Status = MaskingJobStatus.Running,
            Attempts = found.Value.Attempts + 1,
            StartedAt = clock.UtcNow,
            RowsProcessed = 0,
            ProgressAt = clock.UtcNow,
        };

        // The claim: only the delivery whose write matches the ETag it read runs the job.
        if (await Protocol.TryClaimAsync(job, found.ETag, cancellationToken) is not { } etag)
        {
            logger.LogInformation("Masking job {JobId} was claimed by another delivery; this one is dropped.", jobId);
            return;
        }

        await Protocol.RunAttemptAsync(job.Id, async () => job = await ExecuteAsync(job, etag, cancellationToken), cancellationToken);
        await resource.RecordOutcomeAsync(job, cancellationToken);
    }

    /// <summary>
    /// A running job whose progress has not moved for this long has lost its worker (the process died): a redelivery of
    /// its message may claim it again. A live run records progress every <see cref="MaskingJobOptions.ProgressSeconds"/>.
    /// </summary>
    public TimeSpan AbandonedRunAfter => TimeSpan.FromSeconds(Math.Max(300, 20 * options.ProgressSeconds));

    private bool IsAbandonedRun(MaskingJob job)
        => (job.ProgressAt ?? job.StartedAt ?? job.CreatedAt) < clock.UtcNow - AbandonedRunAfter;

    /// <summary>For the poison queue: the job is marked failed with its last error (<see cref="QueuedJobProtocol{TJob}.PoisonAsync"/>).</summary>
    public Task AbandonAsync(string? jobId, CancellationToken cancellationToken) => Protocol.PoisonAsync(jobId, cancellationToken);

    string IQueuedJobKind<MaskingJob>.Name => "Masking";

    string IQueuedJobKind<MaskingJob>.IdOf(MaskingJob job) => job.Id;

    string IQueuedJobKind<MaskingJob>.StatusOf(MaskingJob job) => job.Status.ToString();

    int IQueuedJobKind<MaskingJob>.AttemptsOf(MaskingJob job) => job.Attempts;

    string? IQueuedJobKind<MaskingJob>.LastErrorOf(MaskingJob job) => job.LastError;

    bool IQueuedJobKind<MaskingJob>.IsFinished(MaskingJob job) => job.IsFinished;

    bool IQueuedJobKind<MaskingJob>.IsClaimedElsewhere(MaskingJob job, DateTimeOffset now) => job.Status == MaskingJobStatus.Running && !IsAbandonedRun(job);

    MaskingJob IQueuedJobKind<MaskingJob>.HandBack(MaskingJob job, string lastError) => job with { LastError = lastError, Status = MaskingJobStatus.Queued };

    MaskingJob IQueuedJobKind<MaskingJob>.GiveUp(MaskingJob job, DateTimeOffset now) => job with
    {
        Status = MaskingJobStatus.Failed,
        CompletedAt = now,
        Failure = new MaskingJobFailure(GaveUpCode,
            $"The job failed {job.Attempts} time(s) for reasons other than its input and was abandoned; last error: {job.LastError ?? "unknown"}. Start a new job to try again."),
    };

    async Task IQueuedJobKind<MaskingJob>.SettleAsync(Versioned<MaskingJob> found, bool gaveUpNow, CancellationToken cancellationToken)
    {
        if (gaveUpNow)
        {
            await audit.RecordAsync(Caller.System, "masking_job.failed", MaskingJobService.Target(found.Value.Id), found.Value.Failure, cancellationToken);
            logger.LogWarning("Masking job {JobId} failed ({Code}): {Reason}", found.Value.Id, found.Value.Failure?.Code, found.Value.Failure?.Reason);
        }

        await resource.RecordOutcomeAsync(found.Value, cancellationToken);
    }

    /// <summary>Runs the engine and records the result; returns the job as it ended (succeeded or failed).</summary>
    private async Task<MaskingJob> ExecuteAsync(MaskingJob job, string etag, CancellationToken cancellationToken)
    {
        var catalogued = await resource.GetAsync(job, cancellationToken);
        if (catalogued?.Data is not { } input)
        {
            return await FailAsync(job, etag, InputMissingCode, "The resource or its uploaded data no longer exists.", cancellationToken);
        }

        if (job.LibraryInput is null && input.Sha256 != job.InputSha256)
        {
            // The provider replaced the file after the job was asked for; masking the new one would misreport what was masked.
            return await FailAsync(job, etag, InputChangedCode,
                $"The resource data changed after the job was created (SHA-256 {job.InputSha256[..12]}… then, {input.Sha256[..12]}… now); start a new job.",
                cancellationToken);
        }

        // A library copy holds only the granted fields, as UTF-8 CSV; the upload holds them all in its own format.
        var fields = job.LibraryInput is { } copy
            ? Platform.Domain.Grants.GrantRules.GrantedFields(catalogued.Fields, copy.Fields)
            : catalogued.Fields;
        var inputFormat = job.LibraryInput is null ? input.Format : DataFormat.Csv;
        var engineOptions = new MaskingOptions
        {
            Purpose = job.Purpose,
            Today = ChinaTime.Today(clock),
            Key = await resource.KeyForAsync(job, fields, cancellationToken),
            Sampling = job.Sampling,
            Seed = job.Seed,
            Encoding = job.LibraryInput is null ? input.Encoding : InputEncoding.Utf8,
            OutputFormat = job.OutputFormat,
            ProgressInterval = options.ProgressRows,
            // Issue 18.3: samples and provisioning both mask blocks of rows on every core (measured faster than one thread for
            // both on a quiet 2-core machine, BENCHMARKS.md); the output is the same whatever the parallelism.
            Parallelism = Environment.ProcessorCount,
        };

        MaskingReport? report = null;
        MaskingInputException? unusable = null;
        var progress = new JobProgressRecorder(jobs, job, etag, clock, TimeSpan.FromSeconds(options.ProgressSeconds), logger);
        try
        {
            await using var source = await resource.OpenInputAsync(job, input, cancellationToken);
            await using var target = await artifacts.OpenOutputWriteAsync(job, cancellationToken);
            report = await MaskingEngine.RunAsync(source, inputFormat, fields, engineOptions, target, progress, cancellationToken);
        }
        catch (MaskingInputException e)
        {
            unusable = e;
        }
        finally
        {
            (job, etag) = await progress.StopAsync();
        }

        if (unusable is not null)
        {
            // Not a CSV/JSON Lines file the engine can read: retrying cannot help, so the job fails and its message completes.
            await artifacts.DeleteOutputAsync(job, CancellationToken.None);
            return await FailAsync(job, etag, unusable.Code, unusable.Message, cancellationToken);
        }

        await artifacts.WriteReportAsync(job, report!, cancellationToken);
        job = job with
        {
            Status = MaskingJobStatus.Succeeded,
            CompletedAt = clock.UtcNow,
            RowsProcessed = report!.RowsIn,
            ProgressAt = clock.UtcNow,
            Summary = MaskingJobSummary.From(report),
            Failure = null,
            LastError = null,
        };
        await jobs.ReplaceAsync(job, etag, cancellationToken);
        await audit.RecordAsync(Caller.System, "masking_job.succeeded", MaskingJobService.Target(job.Id), job.Summary, cancellationToken);
        logger.LogInformation("Masking job {JobId} succeeded: {RowsIn} rows in, {RowsOut} out, {Malformed} malformed.", job.Id, report.RowsIn, report.RowsOut, report.MalformedRowCount);
        return job;
    }

    private async Task<MaskingJob> FailAsync(MaskingJob job, string etag, string code, string reason, CancellationToken cancellationToken)
    {
        var failed = job with { Status = MaskingJobStatus.Failed, CompletedAt = clock.UtcNow, Failure = new MaskingJobFailure(code, reason) };
        await jobs.ReplaceAsync(failed, etag, cancellationToken);
        await audit.RecordAsync(Caller.System, "masking_job.failed", MaskingJobService.Target(job.Id), failed.Failure, cancellationToken);
        logger.LogWarning("Masking job {JobId} failed ({Code}): {Reason}", job.Id, code, reason);
        return failed;
    }

}

/// <summary>
/// Receives the engine's row counts and writes them to the job record at most once per interval, from a loop of its
/// own so the engine never waits on storage. Progress is best effort: a failed write is logged and skipped.
/// </summary>
internal sealed class JobProgressRecorder : IProgress<long>
{
    private readonly IMaskingJobStore _jobs;
    private readonly IClock _clock;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private MaskingJob _job;
    private string _etag;
    private long _latest;

    public JobProgressRecorder(IMaskingJobStore jobs, MaskingJob job, string etag, IClock clock, TimeSpan interval, ILogger logger)
    {
        _jobs = jobs;
        _job = job;
        _etag = etag;
        _clock = clock;
        _interval = interval;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    public void Report(long value) => Interlocked.Exchange(ref _latest, value);

    /// <summary>Ends the loop and returns the job as last written with its ETag.</summary>
    public async Task<(MaskingJob Job, string ETag)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return (_job, _etag);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var rows = Interlocked.Read(ref _latest);
            if (rows <= _job.RowsProcessed)
            {
                continue;
            }

            var updated = _job with { RowsProcessed = rows, ProgressAt = _clock.UtcNow };
            try
            {
                _etag = await _jobs.ReplaceAsync(updated, _etag, CancellationToken.None);
                _job = updated;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not record the progress of masking job {JobId}.", _job.Id);
            }
        }
    }
}
