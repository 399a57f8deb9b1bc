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
/// Runs a claimed sandbox job's statement (M4.4, M5.1): loads the tables the statement names from the library copy
/// (<c>full</c>) or the masked sample (<c>sample</c>) and runs the engine while watching whether the job must stop (M5.5).
/// Split from <see cref="SandboxJobExecutor"/>; it writes nothing.
/// </summary>
public sealed class SandboxStatementRunner(
    ISandboxJobStore jobs,
    GrantService grants,
    IAuthorizedDataLibrary library,
    IMaskingJobStore maskingJobs,
    IMaskingArtifactStore maskingArtifacts,
    ISandboxEngine engine,
    SandboxJobOptions options,
    ILogger<SandboxStatementRunner> logger)
{
    /// <summary>The engine's result, or why the job must stop instead (the caller cancels it).</summary>
    public async Task<SandboxRun> RunAsync(SandboxJob job, Caller staff, IReadOnlyList<GrantTable> selected, CancellationToken cancellationToken)
    {
        var notReady = await NotReadyAsync(job, selected, cancellationToken);
        return notReady is not null ? new SandboxRun(notReady, null) : await RunEngineAsync(job, staff, selected, cancellationToken);
    }

    /// <summary>A <c>sample</c> job needs the masked sample of every table it reads; null when they are all there.</summary>
    private async Task<SandboxResult?> NotReadyAsync(SandboxJob job, IReadOnlyList<GrantTable> tables, CancellationToken cancellationToken)
    {
        if (job.Mode != SandboxMode.Sample)
        {
            return null;
        }

        foreach (var table in tables)
        {
            var sample = (await maskingJobs.GetAsync(table.SampleJobId, cancellationToken))?.Value;
            if (sample?.Status != MaskingJobStatus.Succeeded)
            {
                var state = sample is null ? "missing" : sample.Status.ToString().ToLowerInvariant();
                return SandboxResult.Unreleased(job.Mode, SandboxStatus.Failed, SandboxJobCodes.SampleNotReady,
                    $"The masked sample of table '{table.Name}' is not ready (masking job {table.SampleJobId} is {state}); run the job again once it has succeeded.",
                    TimeSpan.Zero, TimeSpan.Zero, []);
            }
        }

        return null;
    }

    /// <summary>Runs the engine while watching whether the job must stop.</summary>
    private async Task<SandboxRun> RunEngineAsync(SandboxJob job, Caller staff, IReadOnlyList<GrantTable> selected, CancellationToken cancellationToken)
    {
        var tables = selected.Select(table => ToSandboxTable(job, table)).ToList();
        // Issue 14 item 5: the ε the job reserved at submission, so a change of the grant's setting meanwhile cannot alter it.
        var request = new SandboxRequest(tables, job.Sql, job.Mode, options.ToLimits(), options.ToPolicy() with { NoiseEpsilon = job.Mode == SandboxMode.Full ? job.NoiseEpsilon : null });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watching = new CancellationTokenSource();
        var watcher = WatchAsync(job, staff, stop, watching.Token);
        SandboxResult? result = null;
        string? stopReason;
        try
        {
            result = await engine.RunAsync(request, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped by the watcher; the reason is recorded below.
        }
        finally
        {
            await watching.CancelAsync();
            stopReason = await watcher;
        }

        if (stopReason is not null)
        {
            // Even a result that came back as the stop arrived is not released to a suspended operator or a revoked grant.
            return new SandboxRun(null, stopReason);
        }

        return new SandboxRun(result ?? throw new InvalidOperationException($"Sandbox job {job.Id}: the engine stopped without a result or a reason."), null);
    }

    /// <summary>
    /// The table as the engine reads it. What the library copy's statistics say (subject index, null-free fields, largest
    /// values) and its ranged reads hold only for the Parquet copy a <c>full</c> job reads, never for a masked sample.
    /// </summary>
    private SandboxTable ToSandboxTable(SandboxJob job, GrantTable table)
    {
        var full = job.Mode == SandboxMode.Full;
        var columnar = full && table.Format == LibraryFormat.Parquet;
        return new SandboxTable(table.Name, SandboxGrantTables.FieldsOf(table), token => OpenAsync(job, table, token))
        {
            CopyCsvToAsync = full ? (file, token) => library.CopyToAsync(table.Container, table.BlobPath, file, token) : null,
            Format = full ? table.Format : LibraryFormat.Csv,
            Ranges = columnar
                ? new SandboxTableRanges(
                    async token => await library.LengthAsync(table.Container, table.BlobPath, token) ?? -1,
                    (offset, length, destination, token) => library.CopyRangeToAsync(table.Container, table.BlobPath, offset, length, destination, token))
                : null,
            Policies = SandboxGrantTables.PoliciesOf(table),
        }.WithCopyFacts(table, columnar);
    }

    /// <summary>Polls until told to stop; cancels <paramref name="stop"/> and returns why when the job must end.</summary>
    private async Task<string?> WatchAsync(SandboxJob job, Caller staff, CancellationTokenSource stop, CancellationToken watching)
    {
        var interval = TimeSpan.FromSeconds(options.CancellationPollSeconds);
        while (true)
        {
            try
            {
                await Task.Delay(interval, watching);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            string? reason = null;
            try
            {
                var current = (await jobs.GetAsync(job.Id, watching))?.Value;
                if (current is null || current.Status == SandboxJobStatus.Cancelled)
                {
                    reason = current?.Detail ?? "The job was cancelled.";
                }
                else
                {
                    await grants.EnsureUsableAsync(job.GrantId, staff, watching);
                }
            }
            catch (DomainException e) when (e.Kind is not FailureKind.PreconditionFailed and not FailureKind.Unavailable)
            {
                reason = StopReason(e);
            }
            catch (OperationCanceledException) when (watching.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                // A storage hiccup does not stop the job; the next poll looks again.
                logger.LogWarning(e, "Sandbox job {JobId}: could not check whether it must stop.", job.Id);
            }

            if (reason is not null)
            {
                logger.LogInformation("Sandbox job {JobId} is being stopped: {Reason}", job.Id, reason);
                await stop.CancelAsync();
                return reason;
            }
        }
    }

    private async Task<Stream> OpenAsync(SandboxJob job, GrantTable table, CancellationToken cancellationToken)
    {
        if (job.Mode == SandboxMode.Full)
        {
            return await library.OpenReadAsync(table.Container, table.BlobPath, cancellationToken);
        }

        return await maskingArtifacts.OpenOutputReadAsync(table.SampleJobId, DataFormat.Csv, cancellationToken)
               ?? throw new FileNotFoundException($"The masked sample of table '{table.Name}' is gone.");
    }

    internal static string StopReason(DomainException e) => $"{e.Code}: {e.Message}";
}

/// <summary>What running a job's statement came to: a result, or the reason the job must be cancelled.</summary>
public sealed record SandboxRun(SandboxResult? Result, string? StopReason);
