using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Adapters.Audit;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Audit;

/// <summary>Asks for a background verification: <c>{"mode":"full"}</c> walks the chain from its first entry.</summary>
public sealed record AuditVerificationRequest(AuditVerificationMode? Mode);

public enum AuditVerificationMode
{
    Full,
}

/// <summary>
/// The audit log for supervisors and the authority (M5.3 supervision): filtered reading and verification of
/// the tamper-evident hash chain.
/// </summary>
/// <remarks>
/// Verification (issue 20 item 3) is incremental: GET checks the chain from the last signed checkpoint and shows the
/// latest full verification, which runs in the background (POST, or the <c>Audit:VerificationSchedule</c> timer) as a
/// queue job — one message, one idempotent walk of the chain; a queue rather than an orchestration because nothing
/// waits on people or time, and a failed walk is simply retried by the queue and ends in its poison queue.
/// </remarks>
public sealed partial class AuditFunctions(
    ApiHandler api,
    IAuditLog auditLog,
    AuditVerificationService? verification = null,
    ISecurityEventStore? securityEvents = null,
    IdGenerator? ids = null,
    ILogger<AuditFunctions>? logger = null)
{
    public const string VerificationIdPrefix = "avf";
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Supervisor, Roles.Authority);
    private static readonly TimeSpan MaxSecurityEventRange = TimeSpan.FromDays(1);

    [Function("QueryAudit")]
    [OpenApiOperation(Summary = "Read the audit log, filtered and paged", Tags = ["audit"])]
    [OpenApiQueryParameter("actor", typeof(string), Description = "Subject (sub) of the acting person.")]
    [OpenApiQueryParameter("action", typeof(string), Description = "Action name, e.g. agreement.terminated.")]
    [OpenApiQueryParameter("target", typeof(string), Description = "Id of the record acted on.")]
    [OpenApiQueryParameter("org", typeof(string), Description = "Organisation of the actor.")]
    [OpenApiQueryParameter("from", typeof(DateTimeOffset), Description = "Earliest time, ISO 8601 UTC.")]
    [OpenApiQueryParameter("to", typeof(DateTimeOffset), Description = "Latest time, ISO 8601 UTC.")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AuditPage))]
    public Task<IActionResult> Query([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var query = call.Request.Query;
            var from = QueryValues.OptionalInstant(query, "from");
            var to = QueryValues.OptionalInstant(query, "to");
            if (from > to)
            {
                throw new DomainException(FailureKind.BadRequest, "request.invalid_query", "'from' must not be later than 'to'.",
                    new Dictionary<string, string[]> { ["from"] = ["Must not be later than 'to'."] });
            }

            var paging = call.Paging();
            var page = await auditLog.QueryAsync(
                new AuditQuery(
                    Actor: QueryValues.OptionalText(query, "actor"),
                    Action: QueryValues.OptionalText(query, "action"),
                    Target: QueryValues.OptionalText(query, "target"),
                    Organization: QueryValues.OptionalText(query, "org"),
                    From: from,
                    To: to,
                    PageSize: paging.PageSize,
                    ContinuationToken: paging.ContinuationToken),
                call.CancellationToken);
            return ApiResults.Ok(page);
        });

    [Function("VerifyAudit")]
    [OpenApiOperation(Summary = "Verify the audit hash chain from the last signed checkpoint; shows the latest full verification too", Tags = ["audit"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AuditVerification))]
    public Task<IActionResult> Verify([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/verification")] HttpRequest request)
        => api.RunAsync(request, Readers, async call => verification is null
            ? ApiResults.Ok(await auditLog.VerifyAsync(call.CancellationToken))
            : ApiResults.Ok(await verification.GetAsync(call.CancellationToken)));

    [Function("RequestFullAuditVerification")]
    [OpenApiOperation(Summary = "Start a full verification of the audit chain from its first entry, in the background", Tags = ["audit"])]
    [OpenApiRequestBody(typeof(AuditVerificationRequest))]
    [OpenApiResponse(StatusCodes.Status202Accepted, typeof(FullAuditVerification), Description = "Queued (or the one already queued or running); poll GET /api/audit/verification.")]
    public Task<IActionResult> RequestFull([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "audit/verification")] HttpRequest request)
        => api.RunAsync<AuditVerificationRequest>(request, Readers, async (call, body) =>
        {
            if (body.Mode != AuditVerificationMode.Full)
            {
                throw new DomainException(FailureKind.Unprocessable, "audit.invalid_verification", "Only a full verification can be requested: send {\"mode\":\"full\"}.",
                    new Dictionary<string, string[]> { ["mode"] = ["Must be full."] });
            }

            var service = verification ?? throw new InvalidOperationException("Audit verification is not configured.");
            var requested = await service.RequestFullAsync(NewId(), call.Caller, call.CancellationToken);
            return ApiResults.Accepted(ApiRequestContext.LocationOf("audit", "verification"), requested);
        });

    [Function("RunFullAuditVerification")]
    public async Task RunFull([QueueTrigger("%Audit:VerificationQueue%")] AuditVerificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var service = verification ?? throw new InvalidOperationException("Audit verification is not configured.");
        var done = await service.RunFullAsync(message.VerificationId, cancellationToken);
        if (logger is not null && done?.Result is { } result)
        {
            LogVerified(logger, message.VerificationId, result.Valid, result.EntriesChecked);
        }
    }

    [Function("ScheduleFullAuditVerification")]
    public async Task ScheduleFull([TimerTrigger("%Audit:VerificationSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var service = verification ?? throw new InvalidOperationException("Audit verification is not configured.");
        await service.RequestFullAsync(NewId(), Caller.System, cancellationToken);
    }

    [Function("QuerySecurityEvents")]
    [OpenApiOperation(Summary = "Refused signed-link attempts, counted per link and per client per minute", Tags = ["audit"])]
    [OpenApiQueryParameter("from", typeof(DateTimeOffset), Description = "Earliest minute, ISO 8601 UTC (default: an hour ago).")]
    [OpenApiQueryParameter("to", typeof(DateTimeOffset), Description = "Latest time, ISO 8601 UTC (default: now); at most a day after from.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(IReadOnlyList<LinkAttemptCount>))]
    public Task<IActionResult> QuerySecurityEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/security-events")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var store = securityEvents ?? throw new InvalidOperationException("Security events are not configured.");
            var to = QueryValues.OptionalInstant(call.Request.Query, "to") ?? DateTimeOffset.UtcNow;
            var from = QueryValues.OptionalInstant(call.Request.Query, "from") ?? to.AddHours(-1);
            if (from > to || to - from > MaxSecurityEventRange)
            {
                throw new DomainException(FailureKind.BadRequest, "request.invalid_query", "'from' must not be later than 'to', and the range is at most one day.",
                    new Dictionary<string, string[]> { ["from"] = ["Must be before 'to' and at most a day earlier."] });
            }

            return ApiResults.Ok(await store.QueryAsync(LinkAttemptGuard.MinuteOf(from), to, call.CancellationToken));
        });

    private string NewId() => (ids ?? throw new InvalidOperationException("Id generation is not configured.")).New(VerificationIdPrefix);

    [LoggerMessage(Level = LogLevel.Information, Message = "Full audit verification {Id}: valid {Valid}, {Entries} entries checked")]
    private static partial void LogVerified(ILogger logger, string id, bool valid, long entries);
}
