using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Platform.Domain.DataRequests;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Scenarios;
using Platform.Functions.Workflows;

namespace Platform.Functions.DataRequests;

/// <summary>One item of a data request: a resource the scenario was approved for, and the fields wanted (M4.3).</summary>
public sealed record DataRequestItemRequest(string? ResourceId, IReadOnlyList<string?>? Fields);

public sealed record CreateDataRequestRequest(IReadOnlyList<DataRequestItemRequest?>? Items, string? Purpose)
{
    public DataRequestDraft ToDraft() => new(Items?.Select(i => i is null ? null : new DataRequestItemDraft(i.ResourceId, i.Fields)).ToList(), Purpose);
}

/// <summary>A decision on one item, overriding the overall <c>decision</c> for it.</summary>
public sealed record ItemReviewRequest(string? ResourceId, ItemDecisionKind? Decision);

/// <summary>A provider's review (M4.3): <c>decision</c> (approve, reject) for all its items, or per item in <c>items</c>; <c>comment</c> required when refusing.</summary>
public sealed record SubmitDataRequestReviewRequest(ItemDecisionKind? Decision, string? Comment, IReadOnlyList<ItemReviewRequest?>? Items)
{
    public ReviewDraft ToDraft() => new(Decision, Comment, Items?.Select(i => i is null ? null : new ItemReviewDraft(i.ResourceId, i.Decision)).ToList());
}

public sealed record DataRequestItemView(string ResourceId, string ResourceName, string ProviderId, IReadOnlyList<string> Fields, DataRequestItemStatus Status, string? Comment);

public sealed record ProviderDecisionView(
    IReadOnlyDictionary<string, ItemDecisionKind> Items,
    string? Comment,
    DateTimeOffset DecidedAt,
    ReviewChannel Channel,
    bool Late);

/// <summary>
/// One provider's review: <c>state</c> is <c>pending</c>, <c>overdue</c> (still open past the deadline), <c>decided</c>
/// or <c>closed</c> (cancelled with the request). <c>dueOn</c> is the legal due date in China time; the review is due
/// by its end (<c>dueAt</c>, 24:00 CST). <c>calendarFallbackYears</c> lists years without a published calendar.
/// </summary>
public sealed record ProviderReviewView(
    string Slot,
    string ProviderId,
    string State,
    DateTimeOffset? DueAt,
    DateOnly? DueOn,
    DateOnly? CountingStartsOn,
    IReadOnlyList<int> CalendarFallbackYears,
    DateTimeOffset? RemindAt,
    DateTimeOffset? RemindedAt,
    bool Overdue,
    DateTimeOffset? EscalatedAt,
    ProviderDecisionView? Decision,
    string? GrantId,
    DateTimeOffset? ProvisionedAt,
    string? ProvisioningError);

/// <summary>What callers see of a data request; a provider sees only its own items and review.</summary>
public sealed record DataRequestView(
    string Id,
    string ScenarioId,
    string ScenarioTitle,
    string AgreementId,
    string OperatorId,
    string Purpose,
    DataRequestStatus Status,
    IReadOnlyList<DataRequestItemView> Items,
    IReadOnlyList<ProviderReviewView> Reviews,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? CancelledAt,
    string? CancelReason)
{
    public static DataRequestView From(DataRequest request, Caller caller)
    {
        var ownOnly = caller.Role == Roles.Provider;
        var items = request.Items.Where(i => !ownOnly || i.ProviderId == caller.Organization)
            .Select(i => new DataRequestItemView(i.ResourceId, i.ResourceName, i.ProviderId, i.Fields, i.Status, i.Comment)).ToList();
        var reviews = request.Reviews.Where(r => !ownOnly || r.ProviderId == caller.Organization).Select(ReviewOf).ToList();
        return new DataRequestView(request.Id, request.ScenarioId, request.ScenarioTitle, request.AgreementId, request.OperatorId, request.Purpose, request.Status,
            items, reviews, request.SubmittedAt, request.UpdatedAt, request.CompletedAt, request.CancelledAt, request.CancelReason);
    }

    private static ProviderReviewView ReviewOf(ProviderReview review)
    {
        var state = review.Decision is not null ? "decided" : review.Closed ? "closed" : review.Overdue ? "overdue" : "pending";
        var decision = review.Decision is { } d ? new ProviderDecisionView(d.Items, d.Comment, d.DecidedAt, d.Channel, d.Late) : null;
        return new ProviderReviewView(review.Slot, review.ProviderId, state, review.DueAt, review.DueLegalDate, review.CountingStartsOn, review.CalendarFallbackYears ?? [],
            review.RemindAt, review.RemindedAt, review.Overdue, review.EscalatedAt, decision, review.ProvisionedAt is null ? null : review.GrantId, review.ProvisionedAt,
            review.ProvisioningError);
    }
}

/// <summary>Data requests with the 5-working-day provider review (M4.3).</summary>
public sealed class DataRequestFunctions(
    ApiHandler api, DataRequestSubmission submission, DataRequestReviewSubmission reviews, DataRequestQueries queries, IdGenerator ids)
{
    public const string IdPrefix = "drq";
    private static readonly ApiAccess Operator = ApiAccess.RolesOf(Roles.Operator);
    private static readonly ApiAccess Provider = ApiAccess.RolesOf(Roles.Provider);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Operator, Roles.Provider, Roles.Authority, Roles.Supervisor);
    private static readonly ApiAccess Listers = ApiAccess.RolesOf(Roles.Operator, Roles.Authority, Roles.Supervisor);

    [Function("CreateDataRequest")]
    [OpenApiOperation(
        Summary = "Request resources and fields under an approved scenario; starts the 5-working-day review by each provider",
        Description = "Items must lie within the scenario's approved data needs (data minimisation, M4.3) and name published resources.",
        Tags = ["data-requests"])]
    [OpenApiRequestBody(typeof(CreateDataRequestRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(DataRequestView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "operator.suspended")]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "scenario.not_found")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "data_request.agreement_not_active or data_request.scenario_not_approved")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "data_request.exceeds_scenario (errors name items[i].fields), data_request.resource_not_published, data_request.invalid")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "scenarios/{id}/data-requests")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<CreateDataRequestRequest>(request, Operator, async (call, body) =>
        {
            var created = await submission.SubmitAsync(ids.New(IdPrefix), call.RouteId(id, ScenarioFunctions.IdPrefix), body.ToDraft(), call.Caller, ids.New,
                new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("data-requests", created.Value.Id), DataRequestView.From(created.Value, call.Caller), created.ETag);
        });

    [Function("GetDataRequest")]
    [OpenApiOperation(Summary = "Read a data request: status, items, each provider's review with its due date, overdue flag and decision (operator own; involved providers; authority)", Tags = ["data-requests"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(DataRequestView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "data-requests/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await queries.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(DataRequestView.From(found.Value, call.Caller), found.ETag);
        });

    [Function("ListDataRequests")]
    [OpenApiOperation(Summary = "List data requests (an operator sees its own)", Tags = ["data-requests"])]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<DataRequestView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "data-requests")] HttpRequest request)
        => api.RunAsync(request, Listers, async call =>
        {
            var paging = call.Paging();
            var (items, token) = await queries.ListAsync(call.Caller, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<DataRequestView>(items.Select(r => DataRequestView.From(r, call.Caller)).ToList(), token));
        });

    [Function("ReviewDataRequest")]
    [OpenApiOperation(
        Summary = "A provider decides on the items asked of it (approve or reject, per item or for all); the same decision a signed link would make",
        Description = "Accepted after the deadline too (recorded as late). A decision is made once per provider, by this route or the link.",
        Tags = ["data-requests"])]
    [OpenApiRequestBody(typeof(SubmitDataRequestReviewRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(DataRequestView))]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "data_request.not_found")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "data_request.review_already_decided or data_request.not_pending")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "data_request.review_invalid")]
    public Task<IActionResult> Review(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "data-requests/{id}/reviews")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<SubmitDataRequestReviewRequest>(request, Provider, async (call, body) =>
        {
            var updated = await reviews.SubmitReviewAsync(call.RouteId(id, IdPrefix), body.ToDraft(), call.Caller, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Ok(DataRequestView.From(updated.Value, call.Caller), updated.ETag);
        });
}
