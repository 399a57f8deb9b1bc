using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Domain.Errors;
using Platform.Domain.OperatorSecurity;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.OperatorSecurity;

public sealed record RecordManagementSystemRequest(string? Version, string? DocumentRef, DateOnly? AdoptedOn);

public sealed record RecordManagementSystemReviewRequest(DateOnly? ReviewedOn, string? Conclusion);

public sealed record RecordTrainingRequest(DateOnly? HeldOn, string? Topic, IReadOnlyList<string?>? StaffIds);

public sealed record FindingRequest(string? Description, DateOnly? RectifyBy);

public sealed record RecordAssessmentRequest(AssessmentKind? Kind, DateOnly? ConductedOn, string? ConductedBy, string? Summary, IReadOnlyList<FindingRequest?>? Findings);

public sealed record RectifyFindingRequest(string? Note);

public sealed record RecordEmergencyPlanRequest(string? Version, string? DocumentRef, DateOnly? ApprovedOn);

public sealed record RecordDrillRequest(DateOnly? DrilledOn, string? Scenario);

/// <summary>The operator's security duties (M5.5): the operator records them; the authority, supervisors and the operator read them.</summary>
public sealed class OperatorSecurityFunctions(ApiHandler api, OperatorSecurityService security, IdGenerator ids)
{
    private const string OrgPrefix = "org";
    private static readonly ApiAccess Operator = ApiAccess.RolesOf(Roles.Operator);
    private static readonly ApiAccess Readers = ApiAccess.RolesOf(Roles.Authority, Roles.Supervisor, Roles.Operator);

    [Function("GetOperatorSecurity")]
    [OpenApiOperation(Summary = "The operator's security duties (M5.5): management system, training per active staff member, assessments, emergency plan, and what is overdue", Tags = ["security"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(OperatorSecurityOverview))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operators/{id}/security")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
            ApiResults.Ok(await security.GetOverviewAsync(call.RouteId(id, OrgPrefix), call.Caller, call.CancellationToken)));

    [Function("RecordSecurityManagementSystem")]
    [OpenApiOperation(Summary = "Record the data security management system (a new version replaces the old; M5.5.1)", Tags = ["security"])]
    [OpenApiRequestBody(typeof(RecordManagementSystemRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SecurityProfile))]
    public Task<IActionResult> RecordSystem([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/security/management-system")] HttpRequest request, string id)
        => api.RunAsync<RecordManagementSystemRequest>(request, Operator, async (call, body) =>
        {
            var saved = await security.RecordManagementSystemAsync(call.RouteId(id, OrgPrefix), new NewManagementSystem(body.Version, body.DocumentRef, body.AdoptedOn), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(saved.Value, saved.ETag);
        });

    [Function("RecordSecurityManagementSystemReview")]
    [OpenApiOperation(Summary = "Record the yearly review of the management system (M5.5.1)", Tags = ["security"])]
    [OpenApiRequestBody(typeof(RecordManagementSystemReviewRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SecurityProfile))]
    public Task<IActionResult> RecordReview([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/security/management-system/reviews")] HttpRequest request, string id)
        => api.RunAsync<RecordManagementSystemReviewRequest>(request, Operator, async (call, body) =>
        {
            var saved = await security.RecordManagementSystemReviewAsync(call.RouteId(id, OrgPrefix), new NewManagementSystemReview(body.ReviewedOn, body.Conclusion), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(saved.Value, saved.ETag);
        });

    [Function("RecordSecurityTraining")]
    [OpenApiOperation(Summary = "Record a security training session: date, topic, the staff trained (M5.5.1)", Tags = ["security"])]
    [OpenApiRequestBody(typeof(RecordTrainingRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(TrainingSession))]
    public Task<IActionResult> RecordTraining([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/security/trainings")] HttpRequest request, string id)
        => api.RunAsync<RecordTrainingRequest>(request, Operator, async (call, body) =>
        {
            var operatorId = call.RouteId(id, OrgPrefix);
            var session = await security.RecordTrainingAsync(operatorId, ids.New("trn"), new NewTrainingSession(body.HeldOn, body.Topic, body.StaffIds), call.Caller, call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("operators", operatorId, "security", "trainings", session.Id), session);
        });

    [Function("ListSecurityTrainings")]
    [OpenApiOperation(Summary = "The operator's training sessions, newest first", Tags = ["security"])]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<TrainingSession>))]
    public Task<IActionResult> ListTrainings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operators/{id}/security/trainings")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var paging = call.Paging();
            var (items, token) = await security.ListTrainingsAsync(call.RouteId(id, OrgPrefix), paging.PageSize, paging.ContinuationToken, call.Caller, call.CancellationToken);
            return ApiResults.Ok(new Page<TrainingSession>(items, token));
        });

    [Function("RecordSecurityAssessment")]
    [OpenApiOperation(Summary = "Record a risk assessment or security check with its findings and rectification deadlines (M5.5.2)", Tags = ["security"])]
    [OpenApiRequestBody(typeof(RecordAssessmentRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(SecurityAssessment))]
    public Task<IActionResult> RecordAssessment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/security/assessments")] HttpRequest request, string id)
        => api.RunAsync<RecordAssessmentRequest>(request, Operator, async (call, body) =>
        {
            var operatorId = call.RouteId(id, OrgPrefix);
            var findings = body.Findings?.Select(f => f is null ? null : new NewFinding(f.Description, f.RectifyBy)).ToList();
            var saved = await security.RecordAssessmentAsync(operatorId, ids.New("asm"), new NewAssessment(body.Kind, body.ConductedOn, body.ConductedBy, body.Summary, findings), call.Caller, call.CancellationToken);
            return ApiResults.Created(ApiRequestContext.LocationOf("operators", operatorId, "security", "assessments", saved.Value.Id), saved.Value, saved.ETag);
        });

    [Function("ListSecurityAssessments")]
    [OpenApiOperation(Summary = "The operator's risk assessments and security checks, newest first", Tags = ["security"])]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<SecurityAssessment>))]
    public Task<IActionResult> ListAssessments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operators/{id}/security/assessments")] HttpRequest request, string id)
        => api.RunAsync(request, Readers, async call =>
        {
            var paging = call.Paging();
            var (items, token) = await security.ListAssessmentsAsync(call.RouteId(id, OrgPrefix), paging.PageSize, paging.ContinuationToken, call.Caller, call.CancellationToken);
            return ApiResults.Ok(new Page<SecurityAssessment>(items, token));
        });

    [Function("RectifySecurityFinding")]
    [OpenApiOperation(Summary = "Record that a finding of an assessment was rectified", Tags = ["security"])]
    [OpenApiRequestBody(typeof(RectifyFindingRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SecurityAssessment))]
    public Task<IActionResult> RectifyFinding(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/security/assessments/{assessmentId}/findings/{number}/rectification")] HttpRequest request,
        string id,
        string assessmentId,
        string number)
        => api.RunAsync<RectifyFindingRequest>(request, Operator, async (call, body) =>
        {
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var findingNumber))
            {
                throw new DomainException(FailureKind.NotFound, "security.finding_not_found", $"'{number}' is not a finding number.");
            }

            var saved = await security.RectifyFindingAsync(call.RouteId(id, OrgPrefix), call.RouteId(assessmentId, "asm", "assessmentId"), findingNumber, body.Note, call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(saved.Value, saved.ETag);
        });

    [Function("RecordEmergencyPlan")]
    [OpenApiOperation(Summary = "Record the emergency plan: version, approval date (M5.5.3)", Tags = ["security"])]
    [OpenApiRequestBody(typeof(RecordEmergencyPlanRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SecurityProfile))]
    public Task<IActionResult> RecordPlan([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/security/emergency-plan")] HttpRequest request, string id)
        => api.RunAsync<RecordEmergencyPlanRequest>(request, Operator, async (call, body) =>
        {
            var saved = await security.RecordEmergencyPlanAsync(call.RouteId(id, OrgPrefix), new NewEmergencyPlan(body.Version, body.DocumentRef, body.ApprovedOn), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(saved.Value, saved.ETag);
        });

    [Function("RecordEmergencyDrill")]
    [OpenApiOperation(Summary = "Record a drill of the emergency plan (at least yearly; M5.5.3)", Tags = ["security"])]
    [OpenApiRequestBody(typeof(RecordDrillRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(SecurityProfile))]
    public Task<IActionResult> RecordDrill([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operators/{id}/security/emergency-plan/drills")] HttpRequest request, string id)
        => api.RunAsync<RecordDrillRequest>(request, Operator, async (call, body) =>
        {
            var saved = await security.RecordDrillAsync(call.RouteId(id, OrgPrefix), new NewEmergencyDrill(body.DrilledOn, body.Scenario), call.IfMatch(), call.Caller, call.CancellationToken);
            return ApiResults.Ok(saved.Value, saved.ETag);
        });
}

/// <summary>Validates section <c>OperatorSecurity</c> at start-up; each message names the setting.</summary>
public sealed class OperatorSecurityOptionsValidator : IValidateOptions<OperatorSecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorSecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class OperatorSecurityServiceCollectionExtensions
{
    /// <summary>The security duties of M5.5: settings validated at start-up, the service and its step of the daily sweep. The store comes from <c>AddPlatformAdapters</c>.</summary>
    public static IServiceCollection AddOperatorSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OperatorSecurityOptions>().Bind(configuration.GetSection(OperatorSecurityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperatorSecurityOptions>, OperatorSecurityOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<OperatorSecurityOptions>>().Value.Periods);
        services.TryAddSingleton(provider => new SecurityEscalationGrace(
            provider.GetRequiredService<TimeCompression>().Compress(TimeSpan.FromDays(provider.GetRequiredService<IOptions<OperatorSecurityOptions>>().Value.EscalationGraceDays))));
        services.TryAddSingleton<OperatorSecurityService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, OperatorSecuritySweepStep>());
        return services;
    }
}
