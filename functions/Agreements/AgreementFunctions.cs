using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Platform.Domain.Agreements;
using Platform.Domain.Oversight;
using Platform.Domain.Plans;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Workflows;

namespace Platform.Functions.Agreements;

/// <param name="SignedOn">The legal signing date (CST, not in the future); absent, the day the agreement is entered.</param>
/// <param name="Scope">Optional: a narrower scope than the plan's (M3.3); left out, the agreement covers the plan's scope.</param>
public sealed record CreateAgreementRequest(string PlanId, string OperatorId, SelectionMethod SelectionMethod, string DecisionRecord, DateOnly StartsOn, DateOnly EndsOn,
    DateOnly? SignedOn = null, ScopeRequest? Scope = null, string? ReexaminationOverrideReason = null);

/// <summary>A stated scope on the wire: GB/T 2260 region, resource ids, domains with their providers.</summary>
public sealed record ScopeRequest(PlanMode? Mode, string? Region, IReadOnlyList<string?>? ResourceIds, IReadOnlyList<DomainScope?>? Domains)
{
    public AuthorizationScope ToScope() => PlanRules.ValidateScope(Mode, Region, ResourceIds, Domains);
}

/// <summary>
/// What the agreement authorises ("对象、内容、范围", M4.7.4): the plan version it stands on and its approved scope, and the
/// narrower scope the authority stated, if any. A resource is covered only when both cover it.
/// </summary>
public sealed record AgreementScopeView(int PlanVersion, AuthorizationScope? Plan, AuthorizationScope? Stated);

public sealed record TerminateAgreementRequest(TerminationGround Ground, string? Detail);

public sealed record RecordBreachRequest(string Description, DateOnly RectifyBy);

public sealed record RectifyBreachRequest(string? Note);

public sealed record FileAgreementRequest(string DocumentRef, DateOnly FiledOn);

/// <summary>What callers see of an agreement: legal dates in China Standard Time, instants in UTC.</summary>
public sealed record AgreementView(
    string Id,
    string PlanId,
    string OperatorId,
    SelectionMethod SelectionMethod,
    string DecisionRecord,
    DateOnly StartsOn,
    DateOnly EndsOn,
    DateTimeOffset ExpiresAt,
    DateTimeOffset SignedAt,
    DateOnly SignedOn,
    DateOnly SignedOnCst,
    AgreementStatus Status,
    DateOnly FilingDueOn,
    AgreementFiling? Filing,
    bool FilingOverdue,
    IReadOnlyList<MilestoneRecord> Milestones,
    IReadOnlyList<MilestoneRecord> RemindersSent,
    IReadOnlyList<Breach> Breaches,
    AgreementTermination? Termination,
    AgreementRevocation? Revocation,
    string LifecycleInstanceId,
    IReadOnlyList<OperatorEvaluation> Evaluations,
    AgreementExit? Exit,
    AgreementScopeView Scope,
    ReexaminationOverride? ReexaminationOverride = null)
{
    /// <summary>The view of <paramref name="a"/>; <paramref name="evaluations"/> (M5.7) are loaded only where one agreement is read.</summary>
    public static AgreementView From(Agreement a, IReadOnlyList<OperatorEvaluation>? evaluations = null, AuthorizationScope? planScope = null) => new(
        a.Id, a.PlanId, a.OperatorId, a.SelectionMethod, a.DecisionRecord, a.StartsOn, a.EndsOn, a.ExpiresAtUtc, a.SignedAt, a.SigningDate, ChinaTime.LegalDate(a.SignedAt),
        a.Status, a.FilingDueOn, a.Filing, a.FilingOverdue, a.Milestones,
        a.Milestones.Where(m => AgreementRules.DaysBefore(m.Kind) > 0).ToList(),
        a.Breaches, a.Termination, a.Revocation, AgreementService.LifecycleInstanceId(a.Id), evaluations ?? [], a.Exit,
        new AgreementScopeView(a.PlanVersion ?? 1, planScope, a.Scope), a.ReexaminationOverride);
}

/// <summary>Authorized operation agreements (M3.4–M3.6).</summary>
public sealed class AgreementFunctions(ApiHandler api, AgreementService agreements, AgreementExitService exits, EvaluationService evaluations, PlanService plans, IdGenerator ids, BreachWatchService breaches)
{
    public const string IdPrefix = "agr";
    private static readonly ApiAccess Authority = ApiAccess.RolesOf(Roles.Authority);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Authority, Roles.Operator, Roles.Supervisor);

    [Function("CreateAgreement")]
    [OpenApiOperation(Summary = "Sign an authorized operation agreement (at most 5 years) and start its lifecycle", Tags = ["agreements"])]
    [OpenApiRequestBody(typeof(CreateAgreementRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(AgreementView))]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<CreateAgreementRequest>(request, Authority, async (call, body) =>
        {
            var created = await agreements.CreateAsync(
                ids.New(IdPrefix),
                new NewAgreement(body.PlanId, body.OperatorId, body.SelectionMethod, body.DecisionRecord, body.StartsOn, body.EndsOn, body.SignedOn, body.Scope?.ToScope(), body.ReexaminationOverrideReason),
                call.Caller,
                new DurableWorkflowGateway(client),
                call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("agreements", created.Value.Id), AgreementView.From(created.Value), created.ETag);
        });

    [Function("GetAgreement")]
    [OpenApiOperation(Summary = "Read an agreement: status, legal dates (CST), reminders sent, filing state, breaches, yearly evaluations", Tags = ["agreements"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AgreementView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agreements/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await agreements.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            var plan = (await plans.GetAsync(found.Value.PlanId, call.CancellationToken)).Value;
            var planScope = plan.VersionRecord(found.Value.PlanVersion ?? 1)?.Scope;
            return ApiResults.Ok(AgreementView.From(found.Value, await evaluations.ListAsync(found.Value.Id, call.CancellationToken), planScope), found.ETag);
        });

    [Function("ListAgreements")]
    [OpenApiOperation(Summary = "List agreements (an operator sees its own)", Tags = ["agreements"])]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<AgreementView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agreements")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var paging = call.Paging();
            var (items, token) = await agreements.ListAsync(call.Caller, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<AgreementView>(items.Select(a => AgreementView.From(a)).ToList(), token));
        });

    [Function("TerminateAgreement")]
    [OpenApiOperation(Summary = "Terminate an agreement early (M3.6); revokes everything it carried and starts the exit (hold, then destruction of copies)", Tags = ["agreements"])]
    [OpenApiRequestBody(typeof(TerminateAgreementRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AgreementView))]
    public Task<IActionResult> Terminate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements/{id}/termination")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<TerminateAgreementRequest>(request, Authority, async (call, body) =>
        {
            var workflows = new DurableWorkflowGateway(client);
            var updated = await agreements.TerminateAsync(call.RouteId(id, IdPrefix), body.Ground, body.Detail, call.IfMatch(), call.Caller, workflows, call.CancellationToken);
            // docs/lifecycles.md: the hold starts now; the lifecycle starts the same exit instance again after revoking, which starts nothing twice.
            await exits.BeginAsync(updated.Value.Id, workflows, call.CancellationToken);
            var current = await agreements.GetAsync(updated.Value.Id, call.Caller, call.CancellationToken);
            return ApiResults.Ok(AgreementView.From(current.Value), current.ETag);
        });

    [Function("RecordAgreementBreach")]
    [OpenApiOperation(Summary = "Record a breach with its rectification deadline (M3.6, M5.8): the operator is told; a durable watch reminds it before the deadline and tells the authority at it unless rectified", Tags = ["agreements"])]
    [OpenApiRequestBody(typeof(RecordBreachRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(AgreementView))]
    public Task<IActionResult> RecordBreach(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements/{id}/breaches")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<RecordBreachRequest>(request, Authority, async (call, body) =>
        {
            var agreementId = call.RouteId(id, IdPrefix);
            var breachId = ids.New("brc");
            var updated = await agreements.RecordBreachAsync(agreementId, breachId, body.Description, body.RectifyBy, call.IfMatch(), call.Caller, call.CancellationToken);
            await breaches.StartAsync(updated.Value, breachId, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("agreements", agreementId, "breaches", breachId), AgreementView.From(updated.Value), updated.ETag);
        });

    [Function("RectifyAgreementBreach")]
    [OpenApiOperation(Summary = "Record that a breach was rectified", Tags = ["agreements"])]
    [OpenApiRequestBody(typeof(RectifyBreachRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AgreementView))]
    public Task<IActionResult> Rectify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements/{id}/breaches/{breachId}/rectification")] HttpRequest request,
        string id,
        string breachId,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<RectifyBreachRequest>(request, Authority, async (call, body) =>
        {
            var rectifiedId = call.RouteId(breachId, "brc", "breachId");
            var updated = await agreements.RectifyBreachAsync(call.RouteId(id, IdPrefix), rectifiedId, body.Note, call.IfMatch(), call.Caller, call.CancellationToken);
            // M5.8: the watch ends; the escalation step re-reads the breach, so a rectification racing the deadline is not escalated.
            await breaches.RectifiedAsync(updated.Value.Id, rectifiedId, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Ok(AgreementView.From(updated.Value), updated.ETag);
        });

    [Function("FileAgreement")]
    [OpenApiOperation(Summary = "Record the agreement's filing (M5.6: within one month of signing)", Tags = ["agreements"])]
    [OpenApiRequestBody(typeof(FileAgreementRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(AgreementView))]
    public Task<IActionResult> File([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements/{id}/filing")] HttpRequest request, string id)
        => api.RunAsync<FileAgreementRequest>(request, Authority, async (call, body) =>
        {
            var updated = await agreements.FileAsync(call.RouteId(id, IdPrefix), body.DocumentRef, body.FiledOn, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(AgreementView.From(updated.Value), updated.ETag);
        });
}
