using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Platform.Domain.Contribution;
using Platform.Domain.Quality;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Organizations;
using Platform.Functions.Resources;
using Platform.Functions.Workflows;
using Platform.Orchestrations.Quality;

namespace Platform.Functions.Quality;

/// <summary>A quality issue or objection (M4.7.1): the resource, what kind of problem, where (fields, rows), what, and evidence.</summary>
public sealed record RaiseQualityIssueRequest(
    string? ResourceId,
    QualityIssueKind? Kind,
    IReadOnlyList<string?>? Fields,
    IReadOnlyList<string?>? RowRefs,
    string? Description,
    IReadOnlyList<string?>? Evidence)
{
    public QualityIssueDraft ToDraft() => new(ResourceId, Kind, Fields, RowRefs, Description, Evidence);
}

/// <summary>The provider's answer after verification: <c>outcome</c> corrected or disputed, <c>comment</c> (required), <c>evidence</c>.</summary>
public sealed record ResolveQualityIssueRequest(QualityResolutionOutcome? Outcome, string? Comment, IReadOnlyList<string?>? Evidence);

/// <summary>Closing a corrected or disputed ticket, optionally with a comment.</summary>
public sealed record CloseQualityIssueRequest(string? Comment);

public sealed record QualityResolutionView(QualityResolutionOutcome Outcome, string Comment, IReadOnlyList<string> Evidence, DateTimeOffset ResolvedAt, bool OnTime);

/// <summary>
/// A quality ticket as callers see it. <c>dueOn</c> is the legal due date (CST); the answer is due by its end
/// (<c>dueAt</c>, 24:00 CST). <c>overdue</c> and <c>escalatedAt</c> show an unanswered ticket escalated to the authority.
/// </summary>
public sealed record QualityIssueView(
    string Id,
    string ResourceId,
    string ResourceName,
    string ProviderId,
    string RaisedByOrganization,
    string RaisedByRole,
    QualityIssueKind Kind,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> RowRefs,
    string Description,
    IReadOnlyList<string> Evidence,
    QualityIssueStatus Status,
    DateTimeOffset RaisedAt,
    int CorrectionWorkingDays,
    DateOnly CountingStartsOn,
    DateOnly DueOn,
    DateTimeOffset DueAt,
    IReadOnlyList<int> CalendarFallbackYears,
    bool Overdue,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset? AcknowledgedAt,
    QualityResolutionView? Resolution,
    DateTimeOffset? ClosedAt,
    string? ClosingComment,
    DateTimeOffset UpdatedAt)
{
    public static QualityIssueView From(QualityIssue issue) => new(
        issue.Id, issue.ResourceId, issue.ResourceName, issue.ProviderId, issue.RaisedByOrganization, issue.RaisedByRole, issue.Kind, issue.Fields, issue.RowRefs,
        issue.Description, issue.Evidence, issue.Status, issue.RaisedAt, issue.CorrectionWorkingDays, issue.CountingStartsOn, issue.DueLegalDate, issue.DueAt,
        issue.CalendarFallbackYears, issue.Overdue, issue.EscalatedAt, issue.AcknowledgedAt,
        issue.Resolution is { } r ? new QualityResolutionView(r.Outcome, r.Comment, r.Evidence, r.ResolvedAt, r.OnTime) : null,
        issue.ClosedAt, issue.ClosingComment, issue.UpdatedAt);
}

/// <summary>Quality issues and objections (M4.7.1) and the provider contribution score (M4.7.2).</summary>
public sealed class QualityFunctions(ApiHandler api, QualityIssueService issues, ContributionService contribution, IdGenerator ids)
{
    public const string IdPrefix = "qis";
    private static readonly ApiAccess Raisers = ApiAccess.RolesOf(Roles.Operator, Roles.Developer);
    private static readonly ApiAccess Provider = ApiAccess.RolesOf(Roles.Provider);
    private static readonly ApiAccess Closers = ApiAccess.RolesOf(Roles.Operator, Roles.Developer, Roles.Authority);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Operator, Roles.Developer, Roles.Provider, Roles.Authority, Roles.Supervisor);
    private static readonly ApiAccess ContributionReaders = ApiAccess.RolesOf(Roles.Provider, Roles.Authority, Roles.Supervisor);

    [Function("RaiseQualityIssue")]
    [OpenApiOperation(
        Summary = "Raise a quality issue or objection against a published resource; the provider is told at once and must verify and correct within the configured working days (M4.7.1)",
        Tags = ["quality"])]
    [OpenApiRequestBody(typeof(RaiseQualityIssueRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(QualityIssueView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "quality_issue.invalid or quality_issue.resource_not_found")]
    public Task<IActionResult> Raise(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "quality-issues")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<RaiseQualityIssueRequest>(request, Raisers, async (call, body) =>
        {
            var raised = await issues.RaiseAsync(ids.New(IdPrefix), body.ToDraft(), call.Caller, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("quality-issues", raised.Value.Id), QualityIssueView.From(raised.Value), raised.ETag);
        });

    [Function("GetQualityIssue")]
    [OpenApiOperation(Summary = "Read a quality ticket (the raiser's organisation, the resource's provider, authority, supervisor)", Tags = ["quality"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(QualityIssueView))]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "quality_issue.not_found")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "quality-issues/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await issues.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(QualityIssueView.From(found.Value), found.ETag);
        });

    [Function("ListQualityIssues")]
    [OpenApiOperation(Summary = "List quality tickets the caller may see (a provider those about its resources, an operator or developer those it raised)", Tags = ["quality"])]
    [OpenApiQueryParameter("resourceId", typeof(string), Description = "Only tickets about this resource.")]
    [OpenApiQueryParameter("status", typeof(QualityIssueStatus), Description = "Only tickets in this state.")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Platform.Functions.Http.Page<QualityIssueView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "quality-issues")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var paging = call.Paging();
            var resourceText = QueryValues.OptionalText(call.Request.Query, "resourceId");
            var resourceId = resourceText is null ? null : ResourceId.Parse(resourceText, ResourceFunctions.IdPrefix, "resourceId");
            var status = StatusFilter(QueryValues.OptionalText(call.Request.Query, "status"));
            var (items, token) = await issues.ListAsync(call.Caller, resourceId, status, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Platform.Functions.Http.Page<QualityIssueView>(items.Select(QualityIssueView.From).ToList(), token));
        });

    [Function("AcknowledgeQualityIssue")]
    [OpenApiOperation(Summary = "The provider acknowledges the ticket (open → acknowledged); If-Match guards against a stale read", Tags = ["quality"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(QualityIssueView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "quality_issue.not_open, quality_issue.already_resolved or quality_issue.closed")]
    [OpenApiResponse(StatusCodes.Status412PreconditionFailed, typeof(ApiProblemDetails), Description = "concurrency.etag_mismatch")]
    public Task<IActionResult> Acknowledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "quality-issues/{id}/acknowledgement")] HttpRequest request, string id)
        => api.RunAsync(request, Provider, async call =>
        {
            var updated = await issues.AcknowledgeAsync(call.RouteId(id, IdPrefix), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(QualityIssueView.From(updated.Value), updated.ETag);
        });

    [Function("ResolveQualityIssue")]
    [OpenApiOperation(
        Summary = "The provider answers after verifying: corrected or disputed, with a comment and evidence (acknowledged → corrected | disputed)",
        Description = "Accepted after the deadline too (then not on time). If-Match guards against a stale read.",
        Tags = ["quality"])]
    [OpenApiRequestBody(typeof(ResolveQualityIssueRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(QualityIssueView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "quality_issue.not_acknowledged, quality_issue.already_resolved or quality_issue.closed")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "quality_issue.resolution_invalid")]
    public Task<IActionResult> Resolve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "quality-issues/{id}/resolution")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<ResolveQualityIssueRequest>(request, Provider, async (call, body) =>
        {
            var updated = await issues.ResolveAsync(call.RouteId(id, IdPrefix), new QualityResolutionDraft(body.Outcome, body.Comment, body.Evidence), call.IfMatch(), call.Caller,
                new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Ok(QualityIssueView.From(updated.Value), updated.ETag);
        });

    [Function("CloseQualityIssue")]
    [OpenApiOperation(Summary = "The raiser or the authority closes a corrected or disputed ticket (→ closed)", Tags = ["quality"])]
    [OpenApiRequestBody(typeof(CloseQualityIssueRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(QualityIssueView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "quality_issue.not_resolved or quality_issue.closed")]
    public Task<IActionResult> Close([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "quality-issues/{id}/closure")] HttpRequest request, string id)
        => api.RunAsync(request, Closers, async call =>
        {
            var body = request.ContentLength is null or 0 && !request.Headers.ContentType.Any() ? new CloseQualityIssueRequest(null) : await call.ReadJsonAsync<CloseQualityIssueRequest>();
            var updated = await issues.CloseAsync(call.RouteId(id, IdPrefix), body.Comment, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(QualityIssueView.From(updated.Value), updated.ETag);
        });

    [Function("GetProviderContribution")]
    [OpenApiOperation(
        Summary = "A provider's contribution score for a year (M4.7.2): data quality, review timeliness and usage, each with its inputs (the provider itself, authority, supervisor)",
        Description = "The formula and its weights are documented in domain/Contribution/README.md.",
        Tags = ["quality"])]
    [OpenApiQueryParameter("year", typeof(int), Description = "China (CST) year; default the current one.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ContributionReport))]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "organization.not_found")]
    public Task<IActionResult> Contribution([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "providers/{id}/contribution")] HttpRequest request, string id)
        => api.RunAsync(request, ContributionReaders, async call =>
            ApiResults.Ok(await contribution.GetAsync(call.RouteId(id, OrganizationFunctions.IdPrefix), YearFilter(QueryValues.OptionalText(call.Request.Query, "year")), call.Caller,
                call.CancellationToken)));

    private static QualityIssueStatus? StatusFilter(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = Enum.GetValues<QualityIssueStatus>().Where(s => QualityIssueRules.Wire(s) == text).ToList();
        return match.Count == 1
            ? match[0]
            : throw QueryValues.Invalid("status", $"status must be one of {string.Join(", ", Enum.GetValues<QualityIssueStatus>().Select(QualityIssueRules.Wire))}; got '{text}'.");
    }

    private static int? YearFilter(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year)
            ? year
            : throw QueryValues.Invalid("year", $"year must be a year such as 2026; got '{text}'.");
    }
}

/// <summary>Thin Functions wrappers of the quality-issue orchestrator and its activity (class-based, in orchestrations/).</summary>
public sealed class QualityWorkflowFunctions(EscalateQualityIssueActivity escalate)
{
    [Function(nameof(QualityIssueOrchestrator))]
    public Task<QualityIssueWorkflowResult> Run([OrchestrationTrigger] TaskOrchestrationContext context, QualityIssueWorkflowInput input)
        => new QualityIssueOrchestrator().RunAsync(context, input);

    [Function(nameof(EscalateQualityIssueActivity))]
    public Task<QualityEscalationOutcome> Escalate([ActivityTrigger] QualityEscalationRequest input)
        => escalate.RunAsync(FunctionActivityContext.For(nameof(EscalateQualityIssueActivity)), input);
}
