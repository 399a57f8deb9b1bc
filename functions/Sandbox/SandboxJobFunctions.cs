using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using Platform.Adapters.Sandbox;
using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Grants;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Sandbox;

/// <param name="GrantId">The grant whose tables the SQL reads (GET /api/grants lists them with the names SQL uses).</param>
/// <param name="Mode"><c>sample</c> (masked samples; the result is returned as computed) or <c>full</c> (the authorized data library; the result passes the output checks).</param>
/// <param name="Sql">One SELECT statement.</param>
public sealed record CreateSandboxJobRequest(string? GrantId, string? Mode, string? Sql);

/// <summary>The output checks of a <c>full</c> job: every rule with its status and reasons, and the names of the failing ones.</summary>
public sealed record SandboxChecksView(
    bool Passed,
    int MinRecordsPerRow,
    long SuppressedRows,
    long ReleasedRows,
    IReadOnlyList<string> FailedRules,
    IReadOnlyList<OutputRuleResult> Rules,
    IReadOnlyDictionary<string, long> SuppressedCells,
    int RoundingBase,
    double? NoiseEpsilon = null)
{
    public static SandboxChecksView? From(OutputCheckOutcome? outcome) => outcome is null
        ? null
        : new(outcome.Passed, outcome.MinRecordsPerRow, outcome.SuppressedRows, outcome.ReleasedRows, outcome.Failures.Select(f => f.Rule).ToList(), outcome.Rules,
            outcome.SuppressedCells, outcome.RoundingBase, outcome.NoiseEpsilon);
}

/// <summary>When the job was submitted, started and finished (UTC), and how long loading the tables and running the statement took.</summary>
public sealed record SandboxTimingsView(
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? LoadMilliseconds,
    double? QueryMilliseconds,
    double? CheckMilliseconds);

/// <summary>
/// A sandbox job as its readers see it. <c>status</c>: queued, running, released, withheld, refused, failed, cancelled;
/// <c>code</c> and <c>detail</c> say why a job released nothing; <c>result</c> is the route of a released result.
/// </summary>
public sealed record SandboxJobView(
    string Id,
    string GrantId,
    string? AgreementId,
    string OrganizationId,
    string SubmittedBy,
    SandboxMode Mode,
    string Sql,
    SandboxJobStatus Status,
    string? Code,
    string? Detail,
    SandboxChecksView? Checks,
    SandboxTimingsView Timings,
    string? ResultHash,
    long? RowCount,
    bool Truncated,
    IReadOnlyList<SandboxColumn> Columns,
    IReadOnlyList<SandboxJobTable> Tables,
    IReadOnlyList<string> LoadNotes,
    int Attempts,
    string? Result,
    SandboxJobRelease? Release = null)
{
    /// <summary>Issue 14 item 4: a full job that failed on the data shows no query timings.</summary>
    private static SandboxTimingsView TimingsOf(SandboxJob job)
    {
        var silent = job.Mode == SandboxMode.Full && job.Status == SandboxJobStatus.Failed;
        return new SandboxTimingsView(job.SubmittedAt, job.StartedAt, job.FinishedAt, job.Run?.LoadElapsed.TotalMilliseconds,
            silent ? null : job.Run?.QueryElapsed.TotalMilliseconds, silent ? null : job.Run?.CheckElapsed.TotalMilliseconds);
    }

    public static SandboxJobView From(SandboxJob job) => new(
        job.Id,
        job.GrantId,
        job.AgreementId,
        job.OrganizationId,
        job.SubmittedBy,
        job.Mode,
        job.Sql,
        job.Status,
        job.Code,
        job.Detail,
        SandboxChecksView.From(job.Checks),
        TimingsOf(job),
        job.ResultHash,
        job.Run?.RowCount,
        job.Run?.Truncated ?? false,
        job.Run?.Columns ?? [],
        job.Run?.Tables ?? [],
        job.Run?.LoadNotes ?? [],
        job.Attempts,
        job.Status == SandboxJobStatus.Released ? ApiRequestContext.LocationOf("sandbox", "jobs", job.Id, "result") : null,
        job.Release);
}

/// <summary>A released result as JSON: the columns with their engine types, and the rows as text (null is SQL NULL).</summary>
public sealed record SandboxResultView(string JobId, IReadOnlyList<SandboxColumn> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows, long RowCount, bool Truncated, string ResultHash);

/// <summary>Sandbox jobs (M4.4, M5.1): SQL over a grant's tables, run by the <c>sandbox-jobs</c> worker.</summary>
public sealed class SandboxJobFunctions(ApiHandler api, SandboxJobService jobs, IdGenerator ids)
{
    public const string IdPrefix = "sbx";
    public const string CsvMediaType = "text/csv; charset=utf-8";
    private static readonly ApiAccess Staff = ApiAccess.RolesOf(Roles.Personnel);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Personnel, Roles.Operator, Roles.Authority);

    [Function("CreateSandboxJob")]
    [OpenApiOperation(
        Summary = "Run SQL over the tables of a grant: sample mode over masked samples, full mode over the authorized data library with output checks",
        Description = "Cleared processing staff only (identity verified, filed, NDA signed). The grant must belong to the staff member's organisation, be active and unexpired, and the operator not suspended. Answers 202 with the status route to poll.",
        Tags = ["sandbox"])]
    [OpenApiRequestBody(typeof(CreateSandboxJobRequest))]
    [OpenApiResponse(StatusCodes.Status202Accepted, typeof(SandboxJobView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status400BadRequest, typeof(ApiProblemDetails), Description = "sandbox.invalid_job: errors name grantId, mode or sql.")]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "personnel.not_cleared, operator.suspended.")]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "grant.not_found.")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "grant.revoked, grant.agreement_not_active, agreement.not_in_force, sandbox.noise_budget_exhausted (a full job on a grant with noise whose ε budget cannot hold another job).")]
    [OpenApiResponse(StatusCodes.Status410Gone, typeof(ApiProblemDetails), Description = "grant.expired.")]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sandbox/jobs")] HttpRequest request)
        => api.RunAsync<CreateSandboxJobRequest>(request, Staff, async (call, body) =>
        {
            var grantId = string.IsNullOrWhiteSpace(body.GrantId) ? body.GrantId : ResourceId.Parse(body.GrantId, GrantFunctions.IdPrefix, "grantId");
            var created = await jobs.SubmitAsync(ids.New(IdPrefix), new NewSandboxJob(grantId, body.Mode, body.Sql), call.Caller, call.CancellationToken);
            return ApiResults.Accepted(ApiRequestContext.LocationOf("sandbox", "jobs", created.Value.Id), SandboxJobView.From(created.Value));
        });

    [Function("GetSandboxJob")]
    [OpenApiOperation(
        Summary = "Poll a sandbox job: status, output-check outcome with failing rules and reasons, timings, result hash and row count",
        Description = "The submitting staff member, their operator and the authority see a job; others are told it does not exist.",
        Tags = ["sandbox"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SandboxJobView))]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "sandbox.job_not_found.")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sandbox/jobs/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await jobs.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(SandboxJobView.From(found.Value), found.ETag);
        });

    [Function("GetSandboxJobResult")]
    [OpenApiOperation(
        Summary = "Fetch a released result: CSV (text/csv; charset=utf-8, the default), JSON (Accept: application/json) or Parquet (Accept: application/vnd.apache.parquet)",
        Description = "The CSV is exactly the bytes whose SHA-256 is the job's resultHash (also in the ETag and Repr-Digest headers). Parquet carries the columns typed as the engine typed them (text where a value does not parse as its type); its ETag and Repr-Digest are those of the Parquet bytes and its footer metadata holds result_sha256 (the audited CSV hash). The query parameter format=csv|json|parquet overrides the Accept header. A job that released nothing answers 409 sandbox.result_withheld with the reasons (the failing output rules, or the job's state).",
        Tags = ["sandbox"])]
    [OpenApiQueryParameter("format", typeof(string), Description = "csv, json or parquet; overrides the Accept header.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SandboxResultView), Description = "JSON when asked for; Parquet when asked for; text/csv otherwise.")]
    [OpenApiResponse(StatusCodes.Status400BadRequest, typeof(ApiProblemDetails), Description = "request.invalid_query: format is not csv, json or parquet.")]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "sandbox.job_not_found.")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "sandbox.result_withheld: errors name the failing output rules or the status.")]
    public Task<IActionResult> GetResult([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sandbox/jobs/{id}/result")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var jobId = call.RouteId(id, IdPrefix);
            switch (PreferredFormat(request))
            {
                case SandboxResultFormat.Json:
                    var (job, result) = await jobs.ReadResultAsync(jobId, call.Caller, call.CancellationToken);
                    return new JsonBodyResult(StatusCodes.Status200OK, new SandboxResultView(job.Id, result.Columns, result.Rows, result.Rows.Count, result.Truncated, result.ResultHash))
                    {
                        ETag = job.ResultHash,
                    };
                case SandboxResultFormat.Parquet:
                    var (withParquet, parquet) = await jobs.OpenResultParquetAsync(jobId, call.Caller, call.CancellationToken);
                    return new StreamBodyResult(parquet.Content, ResultParquet.MediaType, parquet.Sha256, $"{withParquet.Id}.parquet");
                default:
                    var (released, csv) = await jobs.OpenResultCsvAsync(jobId, call.Caller, call.CancellationToken);
                    return new StreamBodyResult(csv, CsvMediaType, released.ResultHash!, $"{released.Id}.csv");
            }
        });

    /// <summary>JSON when the caller's most preferred acceptable type is JSON; CSV otherwise (the result's canonical form).</summary>
    public static bool PrefersJson(HttpRequest request) => PreferredFormat(request) == SandboxResultFormat.Json;

    /// <summary>
    /// The form of the result to serve: <c>?format=</c> when given (400 <c>request.invalid_query</c> for an unknown one),
    /// else the caller's most preferred acceptable type among JSON, Parquet and CSV; CSV (the canonical form) when the
    /// Accept header names none of them, as it always has.
    /// </summary>
    public static SandboxResultFormat PreferredFormat(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var format = request.Query["format"].ToString();
        if (format.Length > 0)
        {
            return format.ToLowerInvariant() switch
            {
                "csv" => SandboxResultFormat.Csv,
                "json" => SandboxResultFormat.Json,
                "parquet" => SandboxResultFormat.Parquet,
                _ => throw new DomainException(FailureKind.BadRequest, "request.invalid_query", "format must be csv, json or parquet.",
                    new Dictionary<string, string[]> { ["format"] = [$"format must be csv, json or parquet; got '{(format.Length > 32 ? format[..32] : format)}'."] }),
            };
        }

        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return SandboxResultFormat.Csv;
        }

        foreach (var type in accepted.Where(t => (t.Quality ?? 1) > 0).OrderByDescending(t => t.Quality ?? 1))
        {
            if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return SandboxResultFormat.Json;
            }

            if (type.MediaType.Equals(ResultParquet.MediaType, StringComparison.OrdinalIgnoreCase))
            {
                return SandboxResultFormat.Parquet;
            }

            if (type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) || type.MatchesAllTypes || type.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase))
            {
                return SandboxResultFormat.Csv;
            }
        }

        return SandboxResultFormat.Csv;
    }
}

/// <summary>The forms a released result is served in.</summary>
public enum SandboxResultFormat
{
    /// <summary>The canonical CSV, whose SHA-256 is the audited result hash.</summary>
    Csv,
    Json,
    Parquet,
}

/// <summary>The queue-triggered worker (M5.1): host.json gives batches and 5 attempts before <c>sandbox-jobs-poison</c>.</summary>
public sealed class SandboxWorkerFunctions(SandboxJobExecutor executor)
{
    [Function("RunSandboxJob")]
    public Task Run([QueueTrigger(QueueSandboxJobQueue.QueueName)] SandboxJobMessage message, CancellationToken cancellationToken)
        => executor.RunAsync(message?.JobId, cancellationToken);

    /// <summary>A message that failed every attempt: the job is marked failed with its last error, so it never waits forever.</summary>
    [Function("AbandonSandboxJob")]
    public Task Abandon([QueueTrigger(QueueSandboxJobQueue.PoisonQueueName)] SandboxJobMessage message, CancellationToken cancellationToken)
        => executor.AbandonAsync(message?.JobId, cancellationToken);
}

/// <summary>
/// Streams a stored file to the caller with its hash as the entity tag and as an RFC 9530 <c>Repr-Digest</c>, so the
/// bytes received can be checked against the audited hash.
/// </summary>
public sealed class StreamBodyResult(Stream content, string contentType, string sha256Hex, string fileName) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using (content)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            response.Headers.ETag = $"\"{sha256Hex}\"";
            response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(sha256Hex))}:";
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            if (content.CanSeek)
            {
                response.ContentLength = content.Length;
            }

            await content.CopyToAsync(response.Body, context.HttpContext.RequestAborted);
        }
    }
}
