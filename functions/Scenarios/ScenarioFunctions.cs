using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Platform.Domain.Approvals;
using Platform.Domain.Notifications;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Workflows;

namespace Platform.Functions.Scenarios;

/// <summary>
/// A data need (M4.2). The provider reviewers are derived from the published resource named by <c>resourceId</c>
/// (its holder and, for data shared in, its original provider — M4.2). <c>providerId</c> is accepted for backward
/// compatibility and ignored: the body never decides who reviews.
/// </summary>
public sealed record DataNeedRequest(string? ResourceId, string? ProviderId, IReadOnlyList<string?>? Fields, string? Justification);

public sealed record CreateScenarioRequest(
    string? AgreementId,
    string? Title,
    string? Purpose,
    ScenarioUseCategory? UseCategory,
    string? EconomicValue,
    string? SocialValue,
    string? BusinessModel,
    IReadOnlyList<DataNeedRequest?>? DataNeeds,
    bool ExpertReview,
    IReadOnlyList<string?>? Experts)
{
    public ScenarioDraft ToDraft() => new(Title, Purpose, UseCategory, EconomicValue, SocialValue, BusinessModel,
        DataNeeds?.Select(n => n is null ? null : new DataNeedDraft(n.ResourceId, n.ProviderId, n.Fields, n.Justification)).ToList(), ExpertReview, Experts);
}

/// <summary>The scenario as changed after a request for changes; reviewed as a new round.</summary>
public sealed record ResubmitScenarioRequest(
    string? Title,
    string? Purpose,
    ScenarioUseCategory? UseCategory,
    string? EconomicValue,
    string? SocialValue,
    string? BusinessModel,
    IReadOnlyList<DataNeedRequest?>? DataNeeds,
    bool ExpertReview,
    IReadOnlyList<string?>? Experts)
{
    public ScenarioDraft ToDraft() => new CreateScenarioRequest(null, Title, Purpose, UseCategory, EconomicValue, SocialValue, BusinessModel, DataNeeds, ExpertReview, Experts).ToDraft();
}

/// <summary>The authority adds expert reviewers to a scenario under review (M2.3); each gets a signed link.</summary>
public sealed record AddScenarioExpertsRequest(IReadOnlyList<string?>? Experts);

/// <summary>
/// One reviewer's part: the decision, scores and comment once given, and whether it ran past the deadline. While the
/// round is open the review is sealed: state <c>sealed</c> (another reviewer's slot seen by a reviewer) or the bare
/// <c>pending</c>/<c>decided</c> (seen by the operator) without decision, scores or comment.
/// </summary>
public sealed record ScenarioReviewView(
    string Slot,
    ReviewerKind ReviewerKind,
    Recipient Reviewer,
    string State,
    ApprovalDecisionKind? Decision,
    IReadOnlyDictionary<string, int>? Scores,
    string? Comment,
    DateTimeOffset? DecidedAt,
    bool Overdue,
    DateTimeOffset? EscalatedAt);

public sealed record ScenarioRoundView(
    int Number,
    string InstanceId,
    DateTimeOffset StartedAt,
    DateTimeOffset DueAt,
    ReviewRoundOutcome? Outcome,
    DateTimeOffset? EndedAt,
    IReadOnlyList<ScenarioReviewView> Reviews);

/// <summary>What callers see of a scenario: the content of the latest round, its status, and every round's reviews.</summary>
public sealed record ScenarioView(
    string Id,
    string AgreementId,
    string OperatorId,
    string Title,
    string Purpose,
    ScenarioUseCategory UseCategory,
    string EconomicValue,
    string SocialValue,
    string BusinessModel,
    IReadOnlyList<DataNeed> DataNeeds,
    bool ExpertReview,
    IReadOnlyList<string> Experts,
    ScenarioStatus Status,
    int Round,
    IReadOnlyList<ScenarioReviewView> Reviews,
    IReadOnlyList<ScenarioRoundView> Rounds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The scenario as <paramref name="caller"/> may see it: sealed reviews while a round is open (docs/api.md).</summary>
    public static ScenarioView From(Scenario s, Caller caller)
    {
        var rounds = s.Rounds.Select(r => new ScenarioRoundView(r.Number, r.InstanceId, r.StartedAt, r.DueAt, r.Outcome, r.EndedAt,
            r.Reviews.Select(v => ReviewOf(v, r.Outcome is not null, ScenarioReviewSealing.Of(v, r, caller))).ToList())).ToList();
        var c = s.Content;
        return new ScenarioView(s.Id, s.AgreementId, s.OperatorId, c.Title, c.Purpose, c.UseCategory, c.EconomicValue, c.SocialValue, c.BusinessModel,
            c.DataNeeds, c.ExpertReview, c.Experts, s.Status, s.CurrentRound.Number, rounds[^1].Reviews, rounds, s.CreatedAt, s.UpdatedAt);
    }

    private static ScenarioReviewView ReviewOf(ScenarioReview review, bool roundEnded, ReviewVisibility visibility)
    {
        if (visibility == ReviewVisibility.Hidden)
        {
            return new ScenarioReviewView(review.Slot, review.ReviewerKind, review.Reviewer, "sealed", null, null, null, null, review.Overdue, review.EscalatedAt);
        }

        var state = review.Decision is not null ? "decided" : roundEnded ? "closed" : review.Overdue ? "overdue" : "pending";
        var decision = visibility == ReviewVisibility.Full ? review.Decision : null;
        return new ScenarioReviewView(review.Slot, review.ReviewerKind, review.Reviewer, state, decision?.Kind, decision?.Scores,
            decision?.Comment, decision?.DecidedAt, review.Overdue, review.EscalatedAt);
    }
}

/// <summary>Scenario review, "one scenario, one review" (M4.2).</summary>
public sealed class ScenarioFunctions(ApiHandler api, ScenarioService scenarios, ScenarioExperts experts, IdGenerator ids)
{
    public const string IdPrefix = "scn";
    private static readonly ApiAccess Operator = ApiAccess.RolesOf(Roles.Operator);
    private static readonly ApiAccess Authority = ApiAccess.RolesOf(Roles.Authority);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Operator, Roles.Authority, Roles.Provider, Roles.Reviewer, Roles.Supervisor);
    private static readonly ApiAccess Listers = ApiAccess.RolesOf(Roles.Operator, Roles.Authority, Roles.Supervisor);

    [Function("CreateScenario")]
    [OpenApiOperation(Summary = "Submit a scenario under an active agreement; starts its review (authority, providers, experts in parallel)", Tags = ["scenarios"])]
    [OpenApiRequestBody(typeof(CreateScenarioRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(ScenarioView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "scenario.agreement_not_active or agreement.not_in_force")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "scenario.invalid")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "scenarios")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<CreateScenarioRequest>(request, Operator, async (call, body) =>
        {
            var created = await scenarios.SubmitAsync(ids.New(IdPrefix), body.AgreementId, body.ToDraft(), call.Caller, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("scenarios", created.Value.Id), ScenarioView.From(created.Value, call.Caller), created.ETag);
        });

    [Function("GetScenario")]
    [OpenApiOperation(Summary = "Read a scenario: status, each reviewer's decision, scores and comments (operator own; authority; involved providers and experts)", Tags = ["scenarios"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ScenarioView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scenarios/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await scenarios.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(ScenarioView.From(found.Value, call.Caller), found.ETag);
        });

    [Function("AddScenarioExperts")]
    [OpenApiOperation(Summary = "Authority adds expert reviewers to a scenario under review (M2.3); each gets a signed link and the round waits for them", Tags = ["scenarios"])]
    [OpenApiRequestBody(typeof(AddScenarioExpertsRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ScenarioView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "scenario.not_in_review or scenario.reviewer_conflict")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "scenario.invalid")]
    public Task<IActionResult> AddExperts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "scenarios/{id}/experts")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<AddScenarioExpertsRequest>(request, Authority, async (call, body) =>
        {
            var updated = await experts.AddExpertsAsync(call.RouteId(id, IdPrefix), body.Experts, call.Caller, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Ok(ScenarioView.From(updated.Value, call.Caller), updated.ETag);
        });

    [Function("ListScenarios")]
    [OpenApiOperation(Summary = "List scenarios (an operator sees its own)", Tags = ["scenarios"])]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<ScenarioView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scenarios")] HttpRequest request)
        => api.RunAsync(request, Listers, async call =>
        {
            var paging = call.Paging();
            var (items, token) = await scenarios.ListAsync(call.Caller, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<ScenarioView>(items.Select(i => ScenarioView.From(i, call.Caller)).ToList(), token));
        });

    [Function("ResubmitScenario")]
    [OpenApiOperation(Summary = "Resubmit a scenario after changes were requested; a new review round starts and the old round's links stop working", Tags = ["scenarios"])]
    [OpenApiRequestBody(typeof(ResubmitScenarioRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ScenarioView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "scenario.resubmission_not_allowed, scenario.agreement_not_active or agreement.not_in_force")]
    public Task<IActionResult> Resubmit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "scenarios/{id}/resubmission")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<ResubmitScenarioRequest>(request, Operator, async (call, body) =>
        {
            var updated = await scenarios.ResubmitAsync(call.RouteId(id, IdPrefix), body.ToDraft(), call.IfMatch(), call.Caller, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Ok(ScenarioView.From(updated.Value, call.Caller), updated.ETag);
        });
}
