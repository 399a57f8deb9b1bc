using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Platform.Domain.Approvals;
using Platform.Domain.Organizations;
using Platform.Domain.ProductCompliance;
using Platform.Domain.Products;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Workflows;

namespace Platform.Functions.Products;

/// <summary>
/// A new product (M4.5). An operator names <c>scenarioId</c> and <c>sourceJobIds</c> (released full-mode sandbox
/// outputs of its staff over grants of that scenario); a developer names <c>derivedFrom</c>, a published product.
/// <c>price</c> is in yuan (CNY).
/// </summary>
public sealed record CreateProductRequest(
    string? ScenarioId,
    ProductKind? Kind,
    string? Name,
    string? Description,
    decimal? Price,
    IReadOnlyList<string?>? SourceJobIds,
    string? DerivedFrom,
    bool InvolvesPersonalInfo,
    bool InvolvesTradeSecrets,
    IReadOnlyList<string?>? ConsentEvidence)
{
    public ProductDraft ToDraft() => new(ScenarioId, Kind, Name, Description, Price, SourceJobIds, DerivedFrom, InvolvesPersonalInfo, InvolvesTradeSecrets, ConsentEvidence);
}

/// <summary>The product as revised after a request for changes; reviewed in a new round.</summary>
public sealed record ResubmitProductRequest(ProductKind? Kind, string? Name, string? Description, decimal? Price, bool InvolvesPersonalInfo, bool InvolvesTradeSecrets, IReadOnlyList<string?>? ConsentEvidence)
{
    public ProductDraft ToDraft() => new(null, Kind, Name, Description, Price, null, null, InvolvesPersonalInfo, InvolvesTradeSecrets, ConsentEvidence);
}

/// <summary>A call to an <c>api</c> product. <c>callId</c> (optional) makes a retried call count once.</summary>
public sealed record ProductCallBody(string? CallId, string? SubjectAuthorizationRef);

public sealed record ProductRoundView(
    int Number,
    string InstanceId,
    DateTimeOffset StartedAt,
    ProductReviewTrack? Track,
    IReadOnlyList<ComplianceFinding>? Findings,
    int FindingCount,
    DateTimeOffset? ChecksRecordedAt,
    IReadOnlyList<ProductReviewDecisionView> Decisions,
    ProductComplianceOutcomeKind? Outcome,
    string? OutcomeComment,
    DateTimeOffset? EndedAt,
    string? EndReason);

/// <param name="State"><c>decided</c>; the decision, comment and time are withheld (null) from the product's owner while the round is open.</param>
public sealed record ProductReviewDecisionView(string Slot, string Reviewer, string State, ApprovalDecisionKind? Decision, string? Comment, DateTimeOffset? DecidedAt);

/// <summary>What callers see of a product: its content, lineage, review rounds and registration.</summary>
public sealed record ProductView(
    string Id,
    string OwnerOrgId,
    OrganizationKind OwnerKind,
    string OperatorId,
    string? AgreementId,
    string? ScenarioId,
    string? ScenarioTitle,
    ProductKind Kind,
    string Name,
    string Description,
    decimal Price,
    string Currency,
    string UseCategory,
    bool InvolvesPersonalInfo,
    bool InvolvesTradeSecrets,
    IReadOnlyList<string> ConsentEvidence,
    IReadOnlyList<ProductSource> Sources,
    IReadOnlyList<ResourceFieldSet> UsedData,
    string? DerivedFrom,
    IReadOnlyList<string> Lineage,
    ProductStatus Status,
    int Round,
    IReadOnlyList<ProductRoundView> Rounds,
    string? RegistrationNumber,
    DateOnly? RegisteredOn,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The product as <paramref name="caller"/> may see it: sealed review rounds while open (M4.5.1).</summary>
    public static ProductView From(Product p, Caller caller) => new(
        p.Id, p.OwnerOrgId, p.OwnerKind, p.OperatorId, p.AgreementId, p.ScenarioId, p.ScenarioTitle, p.Kind, p.Name, p.Description, p.Price, PriceCapService.Currency,
        p.UseCategory, p.InvolvesPersonalInfo, p.InvolvesTradeSecrets, p.ConsentEvidence, p.Sources, p.UsedData, p.DerivedFrom, p.Lineage, p.Status, p.CurrentRound.Number,
        p.Rounds.Select(r => new ProductRoundView(r.Number, r.InstanceId, r.StartedAt, r.Track, r.Findings, Math.Max(r.FindingCount, r.Findings?.Count ?? 0), r.ChecksRecordedAt,
            r.Decisions.Select(d => (Decision: d, Visibility: ProductReviewSealing.Of(d, r, caller)))
                .Where(d => d.Visibility != ReviewVisibility.Hidden)
                .Select(d => d.Visibility == ReviewVisibility.Full
                    ? new ProductReviewDecisionView(d.Decision.Slot, d.Decision.Reviewer, "decided", d.Decision.Decision.Kind, d.Decision.Decision.Comment, d.Decision.Decision.DecidedAt)
                    : new ProductReviewDecisionView(d.Decision.Slot, d.Decision.Reviewer, "decided", null, null, null))
                .ToList(),
            r.Outcome, r.OutcomeComment, r.EndedAt, r.EndReason)).ToList(),
        p.Registration?.Number, p.Registration?.RegisteredOn, p.CreatedAt, p.UpdatedAt);
}

/// <summary>A published product in the public list (M4.7.4): kind, provider data used, use category, price, registration.</summary>
public sealed record PublishedProductView(
    string Id,
    string Name,
    string Description,
    ProductKind Kind,
    string OperatorId,
    string OwnerOrgId,
    string UseCategory,
    decimal Price,
    string Currency,
    IReadOnlyList<ResourceFieldSet> ProviderData,
    string RegistrationNumber,
    DateOnly RegisteredOn,
    string? DerivedFrom,
    IReadOnlyList<string> Lineage)
{
    public static PublishedProductView From(Product p) => new(p.Id, p.Name, p.Description, p.Kind, p.OperatorId, p.OwnerOrgId, p.UseCategory, p.Price, PriceCapService.Currency,
        p.UsedData, p.Registration?.Number ?? "", p.Registration?.RegisteredOn ?? default, p.DerivedFrom, p.Lineage);
}

public sealed record ProductUsageView(string ProductId, long TotalCalls, IReadOnlyList<ProductCallMeter> Meters);

/// <summary>Data products (M4.5, M4.6).</summary>
public sealed class ProductFunctions(ApiHandler api, ProductCommands commands, ProductQueries products, ProductCallService calls, IdGenerator ids)
{
    public const string IdPrefix = "prd";
    private static readonly ApiAccess Makers = ApiAccess.RolesOf(Roles.Operator, Roles.Developer);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Operator, Roles.Developer, Roles.Authority, Roles.Supervisor, Roles.Provider, Roles.Reviewer);
    private static readonly ApiAccess Listers = ApiAccess.RolesOf(Roles.Operator, Roles.Developer, Roles.Authority, Roles.Supervisor);
    private static readonly ApiAccess UsageReaders = ApiAccess.RolesOf(Roles.Operator, Roles.Developer, Roles.Authority, Roles.Supervisor);

    [Function("CreateProduct")]
    [OpenApiOperation(Summary = "Create a product from an approved scenario's released sandbox outputs (operator) or derived from a published product (admitted developer); its compliance review starts", Tags = ["products"])]
    [OpenApiRequestBody(typeof(CreateProductRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(ProductView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "product.operator_redevelopment_forbidden, product.developer_not_admitted, product.derivation_required, operator.suspended")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "product.scenario_not_approved, product.agreement_not_active, agreement.not_in_force, product.origin_not_published")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "product.invalid, product.invalid_source, product.price_not_free, product.price_above_cap, product.price_cap_not_set")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<CreateProductRequest>(request, Makers, async (call, body) =>
        {
            var created = await commands.CreateAsync(ids.New(IdPrefix), body.ToDraft(), call.Caller, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("products", created.Value.Id), ProductView.From(created.Value, call.Caller), created.ETag);
        });

    [Function("ListPublishedProducts")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "The published products (anyone): kind, provider data used, use category, price and registration", Tags = ["products"])]
    [OpenApiQueryParameter("kind", typeof(ProductKind), Description = "Only products of this kind.")]
    [OpenApiQueryParameter("useCategory", typeof(string), Description = "'public-good' or 'industry'.")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<PublishedProductView>))]
    public Task<IActionResult> ListPublished([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/published")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var paging = call.Paging();
            var kindText = QueryValues.OptionalText(call.Request.Query, "kind", 32);
            ProductKind? kind = null;
            if (kindText is not null)
            {
                kind = ProductWire.TryParse<ProductKind>(kindText, out var parsed) ? parsed : throw QueryValues.Invalid("kind", $"Expected one of: {string.Join(", ", ProductWire.All<ProductKind>())}.");
            }

            var useCategory = QueryValues.OptionalChoice(call.Request.Query, "useCategory", ProductRules.PublicGood, ProductRules.Industry);

            var (items, next) = await products.ListPublishedAsync(kind, useCategory, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<PublishedProductView>(items.Select(PublishedProductView.From).ToList(), next));
        });

    [Function("GetProduct")]
    [OpenApiOperation(Summary = "Read a product: content, lineage, review rounds (findings, decisions) and registration (owner; authority; the operator it rests on; providers and reviewers involved; anyone signed in once published)", Tags = ["products"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ProductView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await products.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(ProductView.From(found.Value, call.Caller), found.ETag);
        });

    [Function("ListProducts")]
    [OpenApiOperation(Summary = "List products (operators and developers see their own; the authority all)", Tags = ["products"])]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<ProductView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products")] HttpRequest request)
        => api.RunAsync(request, Listers, async call =>
        {
            var paging = call.Paging();
            var (items, next) = await products.ListAsync(call.Caller, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<ProductView>(items.Select(p => ProductView.From(p, call.Caller)).ToList(), next));
        });

    [Function("ResubmitProduct")]
    [OpenApiOperation(Summary = "Resubmit a product after changes were requested; a new compliance review round starts", Tags = ["products"])]
    [OpenApiRequestBody(typeof(ResubmitProductRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ProductView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "product.resubmission_not_allowed")]
    public Task<IActionResult> Resubmit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/resubmission")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync<ResubmitProductRequest>(request, Makers, async (call, body) =>
        {
            var updated = await commands.ResubmitAsync(call.RouteId(id, IdPrefix), body.ToDraft(), call.IfMatch(), call.Caller, new DurableWorkflowGateway(client), call.CancellationToken);
            return ApiResults.Ok(ProductView.From(updated.Value, call.Caller), updated.ETag);
        });

    [Function("CallProduct")]
    [OpenApiOperation(Summary = "Call a published api product: metered per caller organisation and CST day; returns a page of the product's data and the meter", Tags = ["products"])]
    [OpenApiRequestBody(typeof(ProductCallBody))]
    [OpenApiQueryParameter("offset", typeof(int), Description = "First row of the page (default 0); the answer's nextOffset gives the next page.")]
    [OpenApiQueryParameter("pageSize", typeof(int), Description = "Rows per page, 1 to 200 (default 50).")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ProductCallResult))]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "product.subject_authorization_required, operator.suspended")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "product.not_published, product.not_callable")]
    public Task<IActionResult> Call([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "products/{id}/calls")] HttpRequest request, string id)
        => api.RunAsync<ProductCallBody>(request, Makers, async (call, body) =>
        {
            var pageSize = PageRequest.FromQuery(call.Request.Query).PageSize;
            var offsetText = QueryValues.OptionalText(call.Request.Query, "offset", 10);
            var offset = 0;
            if (offsetText is not null && (!int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
            {
                throw QueryValues.Invalid("offset", "offset must be a whole number of at least 0.");
            }

            var result = await calls.CallAsync(call.RouteId(id, IdPrefix), new ProductCallRequest(body.CallId, body.SubjectAuthorizationRef), offset, pageSize, call.Caller, call.CancellationToken);
            return ApiResults.Ok(result);
        });

    [Function("GetProductUsage")]
    [OpenApiOperation(Summary = "Calls to a product per caller organisation and CST day (owner, authority)", Tags = ["products"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ProductUsageView))]
    public Task<IActionResult> Usage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "products/{id}/usage")] HttpRequest request, string id)
        => api.RunAsync(request, UsageReaders, async call =>
        {
            var productId = call.RouteId(id, IdPrefix);
            var meters = await products.UsageAsync(productId, call.Caller, call.CancellationToken);
            return ApiResults.Ok(new ProductUsageView(productId, meters.Sum(m => m.Calls), meters));
        });
}
