using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Adapters.Resources;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Functions.Agreements;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Resources;
using Platform.Adapters.Masking;

namespace Platform.Functions.Masking;

/// <summary>Which rows to output: a number of rows or a fraction of them, not both.</summary>
public sealed record SamplingRequest(int? Rows, double? Fraction);

/// <param name="Sampling">Defaults: the configured sample size for purpose sample, every row for provisioning.</param>
/// <param name="Seed">Same seed, same rows; chosen and recorded when absent.</param>
/// <param name="AgreementId">Provisioning only: the agreement whose pseudonymisation key is used (one key per agreement, M4.4).</param>
/// <param name="OutputFormat">csv or jsonl; defaults to the format of the uploaded data.</param>
public sealed record CreateMaskingJobRequest(
    string? ResourceId,
    MaskingPurpose? Purpose,
    SamplingRequest? Sampling,
    long? Seed,
    string? AgreementId,
    DataFormat? OutputFormat);

/// <summary>A masking job as its readers see it: status, progress in rows, and the report or the reason it failed.</summary>
public sealed record MaskingJobView(
    string Id,
    string ResourceId,
    MaskingJobOrigin Origin,
    MaskingPurpose Purpose,
    SamplingPlan Sampling,
    long Seed,
    string? AgreementId,
    DataFormat OutputFormat,
    string InputSha256,
    MaskingJobStatus Status,
    int Attempts,
    long RowsProcessed,
    DateTimeOffset? ProgressAt,
    DateTimeOffset CreatedAt,
    string RequestedBy,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    MaskingJobSummary? Summary,
    MaskingJobFailure? Failure,
    string? LastError,
    MaskingReport? Report)
{
    public static MaskingJobView From(MaskingJob j, MaskingReport? report = null) => new(
        j.Id, j.ResourceId, j.Origin, j.Purpose, j.Sampling, j.Seed, j.AgreementId, j.OutputFormat, j.InputSha256, j.Status, j.Attempts,
        j.RowsProcessed, j.ProgressAt, j.CreatedAt, j.RequestedBy, j.StartedAt, j.CompletedAt, j.Summary, j.Failure, j.LastError, report);
}

/// <summary>Masking and sampling jobs (M4.4): started here, run by the <c>masking-jobs</c> worker.</summary>
public sealed class MaskingJobFunctions(ApiHandler api, MaskingJobService jobs, IdGenerator ids)
{
    public const string IdPrefix = "msk";
    private static readonly ApiAccess Users = ApiAccess.RolesOf(Roles.Provider, Roles.Authority, Roles.Personnel);

    [Function("CreateMaskingJob")]
    [OpenApiOperation(
        Summary = "Start a masking job over a resource's data: sample or provisioning (per-agreement pseudonyms)",
        Description = "A provider masks its own resources, the authority any, cleared processing staff published ones (provisioning only under their organisation's agreements).",
        Tags = ["masking"])]
    [OpenApiRequestBody(typeof(CreateMaskingJobRequest))]
    [OpenApiResponse(StatusCodes.Status202Accepted, typeof(MaskingJobView))]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "personnel.not_cleared.")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "resource.no_data, masking.agreement_not_active.")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "masking.invalid: errors name the field.")]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "masking/jobs")] HttpRequest request)
        => api.RunAsync<CreateMaskingJobRequest>(request, Users, async (call, body) =>
        {
            var resourceId = body.ResourceId is null ? null : ResourceId.Parse(body.ResourceId, ResourceFunctions.IdPrefix, "resourceId");
            var agreementId = string.IsNullOrWhiteSpace(body.AgreementId) ? null : ResourceId.Parse(body.AgreementId, AgreementFunctions.IdPrefix, "agreementId");
            var created = await jobs.CreateAsync(
                ids.New(IdPrefix),
                new NewMaskingJob(resourceId, body.Purpose, body.Sampling?.Rows, body.Sampling?.Fraction, body.Seed, agreementId, body.OutputFormat),
                call.Caller,
                call.CancellationToken);
            return ApiResults.Accepted(ApiRequestContext.LocationOf("masking", "jobs", created.Value.Id), MaskingJobView.From(created.Value));
        });

    [Function("GetMaskingJob")]
    [OpenApiOperation(Summary = "Poll a masking job: status (queued, running, succeeded, failed), rows processed, the report or the reason", Tags = ["masking"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(MaskingJobView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "masking/jobs/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Users, async call =>
        {
            var found = await jobs.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            var report = await jobs.GetReportAsync(found.Value, call.CancellationToken);
            return ApiResults.Ok(MaskingJobView.From(found.Value, report), found.ETag);
        });
}

/// <summary>The queue-triggered worker (M4.4): host.json gives batches of 16 and 5 attempts before <c>masking-jobs-poison</c>.</summary>
public sealed class MaskingWorkerFunctions(MaskingJobExecutor executor)
{
    [Function("RunMaskingJob")]
    public Task Run([QueueTrigger(QueueMaskingJobQueue.QueueName)] MaskingJobMessage message, CancellationToken cancellationToken)
        => executor.RunAsync(message?.JobId, cancellationToken);

    /// <summary>A message that failed every attempt: the job is marked failed with its last error, so it never waits forever.</summary>
    [Function("AbandonMaskingJob")]
    public Task Abandon([QueueTrigger(QueueMaskingJobQueue.PoisonQueueName)] MaskingJobMessage message, CancellationToken cancellationToken)
        => executor.AbandonAsync(message?.JobId, cancellationToken);
}
