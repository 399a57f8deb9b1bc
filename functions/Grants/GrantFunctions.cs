using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Grants;

/// <param name="Policy">How full jobs may use the field (issue 14): <c>identifier</c> (join key or count(DISTINCT) only), <c>dimension</c> (group, filter, output), <c>measure</c> (inside allowed aggregates, compared with constants).</param>
/// <param name="Holds">What the library copy holds: <c>raw</c>, <c>pseudonym</c> (keyed per agreement) or <c>derived</c> (a coarse attribute of <paramref name="DerivedFrom"/>).</param>
public sealed record GrantFieldView(
    string Name, FieldType Type, FieldClassification Classification, FieldGrade Grade, IdentifierKind? IdentifierKind,
    ColumnPolicy Policy, LibraryValue Holds, string? DerivedFrom)
{
    public static GrantFieldView From(GrantField field) => new(
        field.Name, field.Type, field.Classification, field.Grade, field.IdentifierKind, field.EffectivePolicy, field.Holds, field.DerivedFrom);
}

/// <summary>
/// One table of a grant: <c>name</c> is how SQL refers to it, <c>fields</c> the granted columns (M5.1). The copy
/// itself stays inside the platform; its row count and SHA-256 are shown so results can be traced to it, and its
/// <c>format</c> (<c>parquet</c>, or <c>csv</c> for a copy made before issue 18 and not yet converted).
/// </summary>
public sealed record GrantTableView(
    string Name,
    string ResourceId,
    string ResourceName,
    string ProviderId,
    IReadOnlyList<GrantFieldView> Fields,
    long RowCount,
    string Sha256,
    string SampleJobId,
    string? SubjectKey,
    LibraryFormat Format = LibraryFormat.Csv);

/// <summary>
/// A grant as its readers see it; <c>status</c> is <c>expired</c> once <c>expiresAt</c> has passed. <c>noise</c>, when the authority
/// set calibrated noise on the grant (issue 14 item 5): ε per full job, the grant's ε budget, spent and remaining.
/// </summary>
public sealed record GrantView(
    string Id,
    string AgreementId,
    string ScenarioId,
    string OperatorId,
    string DataRequestId,
    string ProviderId,
    GrantStatus Status,
    IReadOnlyList<GrantTableView> Tables,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokeReason,
    SandboxNoiseBudgetView? Noise = null)
{
    public static GrantView From(Grant grant, DateTimeOffset now, SandboxNoiseBudgetView? noise = null) => new(
        grant.Id, grant.AgreementId, grant.ScenarioId, grant.OperatorId, grant.DataRequestId, grant.ProviderId, grant.StatusAt(now),
        grant.Tables.Select(t => new GrantTableView(t.Name, t.ResourceId, t.ResourceName, t.ProviderId,
            t.Fields.Select(GrantFieldView.From).ToList(), t.RowCount, t.Sha256, t.SampleJobId,
            t.SubjectKey ?? ColumnPolicies.SubjectKeyOf(t.Fields.Select(f => new FieldDefinition(f.Name, f.Type, f.Classification, f.Grade, f.IdentifierKind, false))), t.Format)).ToList(),
        grant.IssuedAt, grant.ExpiresAt, grant.RevokedAt, grant.RevokeReason, noise);
}

/// <summary>The answer of the usability check: the grant may be read through now.</summary>
public sealed record GrantUsabilityView(string GrantId, bool Usable, DateTimeOffset CheckedAt, DateTimeOffset ExpiresAt, IReadOnlyList<string> Tables);

/// <summary>Grants issued on provisioning (M4.3, M5.1): what sandbox jobs may read.</summary>
public sealed class GrantFunctions(ApiHandler api, GrantService grants, GrantLibraryConversion conversion, SandboxNoiseBudget noise, IClock clock)
{
    public const string IdPrefix = "grt";
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Operator, Roles.Personnel, Roles.Authority, Roles.Supervisor);
    private static readonly ApiAccess Users = ApiAccess.RolesOf(Roles.Operator, Roles.Personnel);
    private static readonly ApiAccess AuthorityOnly = ApiAccess.RolesOf(Roles.Authority);

    [Function("ListGrants")]
    [OpenApiOperation(Summary = "List grants (an operator and its staff see their own; the authority all)", Tags = ["grants"])]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<GrantView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "grants")] HttpRequest request)
        => api.RunAsync(request, Readers, async call =>
        {
            var paging = call.Paging();
            var (items, token) = await grants.ListAsync(call.Caller, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<GrantView>(items.Select(g => GrantView.From(g, clock.UtcNow)).ToList(), token));
        });

    [Function("GetGrant")]
    [OpenApiOperation(Summary = "Read a grant: its tables (the names SQL uses and the granted fields), expiry and status", Tags = ["grants"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(GrantView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "grants/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var found = await grants.GetAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(GrantView.From(found.Value, clock.UtcNow, await noise.OfAsync(found.Value.Id, call.CancellationToken)), found.ETag);
        });

    [Function("CheckGrantUsability")]
    [OpenApiOperation(
        Summary = "Check that the caller's organisation may read data through this grant now (the check every sandbox job makes)",
        Description = "200 when usable; otherwise the refusal a sandbox job would get.",
        Tags = ["grants"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(GrantUsabilityView))]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "operator.suspended")]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "grant.not_found")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "grant.revoked, grant.agreement_not_active or agreement.not_in_force")]
    [OpenApiResponse(StatusCodes.Status410Gone, typeof(ApiProblemDetails), Description = "grant.expired")]
    public Task<IActionResult> CheckUsability([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "grants/{id}/usability")] HttpRequest request, string id)
        => api.RunAsync(request, Users, async call =>
        {
            var grant = await grants.EnsureUsableAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(new GrantUsabilityView(grant.Id, true, clock.UtcNow, grant.ExpiresAt, grant.Tables.Select(t => t.Name).ToList()));
        });

    [Function("ConvertGrantLibrary")]
    [OpenApiOperation(
        Summary = "Rewrite the grant's CSV library copies as Parquet (issue 18.1, one-off; the authority only)",
        Description = "Idempotent: tables already Parquet are left alone. The grant records the new copy (path, SHA-256, format), the change is audited, then the CSV copy is removed.",
        Tags = ["grants"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(LibraryConversionOutcome))]
    [OpenApiResponse(StatusCodes.Status404NotFound, typeof(ApiProblemDetails), Description = "grant.not_found")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "grant.library_not_convertible")]
    public Task<IActionResult> ConvertLibrary([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "grants/{id}/library/conversion")] HttpRequest request, string id)
        => api.RunAsync(request, AuthorityOnly, async call =>
            ApiResults.Ok(await conversion.ConvertAsync(call.RouteId(id, IdPrefix), call.Caller, call.CancellationToken)));
}
