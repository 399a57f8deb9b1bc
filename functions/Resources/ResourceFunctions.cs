using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.Masking;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Resources;

/// <param name="Type">Defaults to <c>string</c>.</param>
/// <param name="Classification">Required: public, internal, personal, sensitive-personal or commercial-secret.</param>
/// <param name="Grade">Required (GB/T 43697-2024): general or important; core is refused (M4.1).</param>
/// <param name="IdentifierKind">For identifiers: selects the masking rule (M4.4).</param>
/// <param name="QuasiIdentifier">Counted in the k-anonymity of masking reports.</param>
public sealed record ResourceFieldRequest(
    string? Name,
    FieldType? Type,
    FieldClassification? Classification,
    FieldGrade? Grade,
    IdentifierKind? IdentifierKind,
    bool? QuasiIdentifier);

/// <param name="SharedFrom">The provider organisation the data was obtained from through government data sharing; its consent is then needed (M4.1).</param>
public sealed record CreateResourceRequest(
    string? Name,
    string? Description,
    string? Domain,
    string? UpdateFrequency,
    IReadOnlyList<ResourceFieldRequest?>? Fields,
    string? SharedFrom);

public sealed record ResourceReviewRequest(ReviewDecision? Decision, string? Comment);

/// <param name="DocumentRef">Reference of the consent document (e.g. a letter number).</param>
public sealed record ResourceConsentRequest(ReviewDecision? Decision, string? Comment, string? DocumentRef);

public sealed record ResourceFieldView(string Name, FieldType Type, FieldClassification Classification, FieldGrade Grade, IdentifierKind? IdentifierKind, bool QuasiIdentifier)
{
    public static ResourceFieldView From(FieldDefinition f) => new(f.Name, f.Type, f.Classification, f.Grade, f.IdentifierKind, f.IsQuasiIdentifier);
}

/// <summary>What is known of the uploaded file. The file itself is never served (M4.1).</summary>
public sealed record ResourceDataView(DataFormat Format, InputEncoding Encoding, string ContentType, long Bytes, string Sha256, DateTimeOffset UploadedAt, string UploadedBy)
{
    public static ResourceDataView From(ResourceData d) => new(d.Format, d.Encoding, d.ContentType, d.Bytes, d.Sha256, d.UploadedAt, d.UploadedBy);
}

public sealed record ResourceView(
    string Id,
    string ProviderId,
    string Name,
    string Description,
    string Domain,
    string UpdateFrequency,
    IReadOnlyList<ResourceFieldView> Fields,
    string? SharedFrom,
    ResourceStatus Status,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    ResourceDataView? Data,
    DateTimeOffset? SubmittedAt,
    ResourceSample? Sample,
    ResourceConsent? Consent,
    ResourceReview? Review,
    DateTimeOffset? PublishedAt)
{
    public static ResourceView From(Resource r) => new(
        r.Id, r.ProviderId, r.Name, r.Description, r.Domain, r.UpdateFrequency, r.Fields.Select(ResourceFieldView.From).ToList(), r.SharedFrom,
        r.Status, r.CreatedAt, r.CreatedBy, r.Data is null ? null : ResourceDataView.From(r.Data), r.SubmittedAt, r.Sample, r.Consent, r.Review, r.PublishedAt);
}

/// <summary>The data resource catalogue 数据资源目录 (M4.1): providers register and upload, the authority reviews.</summary>
public sealed class ResourceFunctions(ApiHandler api, ResourceService resources, ResourceOptions options, IdGenerator ids)
{
    public const string IdPrefix = "res";
    private static readonly ApiAccess Provider = ApiAccess.RolesOf(Roles.Provider);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Provider, Roles.Authority);

    [Function("CreateResource")]
    [OpenApiOperation(Summary = "Register a data resource of the caller's (provider) organisation with its field metadata (M4.1)", Tags = ["resources"])]
    [OpenApiRequestBody(typeof(CreateResourceRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(ResourceView), HasLocation = true)]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "resource.provider_not_registered: the caller's organisation is not a registered provider.")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "catalog.core_field (a field graded core, named in errors as fields[i].grade), catalog.invalid_fields, resource.invalid.")]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "resources")] HttpRequest request)
        => api.RunAsync<CreateResourceRequest>(request, Provider, async (call, body) =>
        {
            var fields = body.Fields?.Select(f => f is null ? null : new NewResourceField(f.Name, f.Type, f.Classification, f.Grade, f.IdentifierKind, f.QuasiIdentifier)).ToList();
            var created = await resources.RegisterAsync(
                ids.New(IdPrefix),
                new NewResource(body.Name, body.Description, body.Domain, body.UpdateFrequency, fields, body.SharedFrom),
                call.Caller,
                call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("resources", created.Value.Id), ResourceView.From(created.Value), created.ETag);
        });

    [Function("GetResource")]
    [OpenApiOperation(Summary = "Read a resource: metadata, state, upload facts (never the data), sample, consent and review", Tags = ["resources"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ResourceView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "resources/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await resources.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(ResourceView.From(found.Value), found.ETag);
        });

    [Function("ListResources")]
    [OpenApiOperation(Summary = "List resources: a provider its own, the authority all (e.g. status=submitted for the review queue)", Tags = ["resources"])]
    [OpenApiQueryParameter("status", typeof(ResourceStatus), Description = "Only resources in this state.")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<ResourceView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "resources")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var paging = call.Paging();
            var status = ParseStatus(QueryValues.OptionalText(call.Request.Query, "status", 20));
            var (items, next) = await resources.ListAsync(call.Caller, status, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<ResourceView>(items.Select(ResourceView.From).ToList(), next));
        });

    [Function("UploadResourceData")]
    [OpenApiOperation(
        Summary = "Upload the resource data into the provider's own area (draft only); streamed, size-limited, SHA-256 recorded",
        Description = "The body is the file: text/csv with a header row (charset utf-8 or gb18030, or none to detect it) or application/x-ndjson. The data is never served back by any route.",
        Tags = ["resources"])]
    [OpenApiRequestBody(typeof(Stream), ContentType = UploadMediaType.Csv)]
    [OpenApiRequestBody(typeof(Stream), ContentType = UploadMediaType.JsonLines)]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ResourceView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "resource.not_draft: data can change only while a draft.")]
    [OpenApiResponse(StatusCodes.Status413PayloadTooLarge, typeof(ApiProblemDetails), Description = "resource.data_too_large: larger than Resources:MaxUploadBytes.")]
    [OpenApiResponse(StatusCodes.Status415UnsupportedMediaType, typeof(ApiProblemDetails), Description = "request.unsupported_media_type.")]
    public Task<IActionResult> Upload([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "resources/{id}/data")] HttpRequest request, string id)
        => api.RunAsync(request, Provider, async call =>
        {
            var resourceId = call.RouteId(id, IdPrefix);
            var (format, encoding, contentType) = UploadMediaType.Parse(request.ContentType);
            if (request.ContentLength > options.MaxUploadBytes)
            {
                throw TooLarge();
            }

            // The server's general body limit may be lower than a data file; this route counts its own limit while streaming
            // (the data store stops at most one block past it), so the server's is lifted for this request.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }

            var updated = await resources.UploadDataAsync(resourceId, new DataUpload(format, encoding, contentType, request.Body), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(ResourceView.From(updated.Value), updated.ETag);
        });

    [Function("SubmitResource")]
    [OpenApiOperation(Summary = "Submit a draft for catalogue review; queues the masking job that builds its sample (M4.1)", Tags = ["resources"])]
    [OpenApiResponse(StatusCodes.Status202Accepted, typeof(ResourceView), Description = "Location is the sample's masking job.")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "resource.no_data (upload first), resource.not_draft.")]
    public Task<IActionResult> Submit([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "resources/{id}/submission")] HttpRequest request, string id)
        => api.RunAsync(request, Provider, async call =>
        {
            var submitted = await resources.SubmitAsync(call.RouteId(id, IdPrefix), ids.New(MaskingJobFunctions.IdPrefix), call.IfMatch(), call.Caller, call.CancellationToken);
            return new JsonBodyResult(StatusCodes.Status202Accepted, ResourceView.From(submitted.Value), ApiRequestContext.LocationOf("masking", "jobs", submitted.Value.Sample!.JobId))
            {
                ETag = submitted.ETag,
            };
        });

    [Function("ReviewResource")]
    [OpenApiOperation(Summary = "The authority approves (publishes) or rejects a submitted resource (M4.1)", Tags = ["resources"])]
    [OpenApiRequestBody(typeof(ResourceReviewRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ResourceView))]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "resource.not_submitted, resource.sample_not_ready, resource.consent_required.")]
    public Task<IActionResult> Review([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "resources/{id}/review")] HttpRequest request, string id)
        => api.RunAsync<ResourceReviewRequest>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var resourceId = call.RouteId(id, IdPrefix);
            var decision = body.Decision ?? throw ResourceRules.Invalid("decision", "decision is required: approve or reject.");
            var updated = await resources.ReviewAsync(resourceId, decision, body.Comment, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(ResourceView.From(updated.Value), updated.ETag);
        });

    [Function("ConsentToResource")]
    [OpenApiOperation(Summary = "The original provider of shared data consents to (approve) or refuses (reject) its authorized operation (M4.1)", Tags = ["resources"])]
    [OpenApiRequestBody(typeof(ResourceConsentRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ResourceView))]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "resource.not_original_provider.")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "resource.already_decided.")]
    public Task<IActionResult> Consent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "resources/{id}/consent")] HttpRequest request, string id)
        => api.RunAsync<ResourceConsentRequest>(request, Provider, async (call, body) =>
        {
            var resourceId = call.RouteId(id, IdPrefix);
            var decision = body.Decision ?? throw ResourceRules.Invalid("decision", "decision is required: approve or reject.");
            var updated = await resources.RecordConsentAsync(resourceId, decision, body.Comment, body.DocumentRef, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(ResourceView.From(updated.Value), updated.ETag);
        });

    private DomainException TooLarge()
        => new(FailureKind.PayloadTooLarge, "resource.data_too_large", $"The file is larger than the limit of {options.MaxUploadBytes} bytes (setting Resources:MaxUploadBytes).");

    private static ResourceStatus? ParseStatus(string? text)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var status in Enum.GetValues<ResourceStatus>())
        {
            if (string.Equals(ResourceRules.Wire(status), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }
        }

        var message = $"status must be one of: draft, submitted, published, rejected; got '{text}'.";
        throw new DomainException(FailureKind.BadRequest, "request.invalid_query", message, new Dictionary<string, string[]> { ["status"] = [message] });
    }
}
