using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Agreements;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Functions.Agreements;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Oversight;

public sealed record RecordEvaluationRequest(int? Year, EvaluationGrade? Grade, int? Score, string? Comment, string? DocumentRef);

/// <summary>The yearly operator evaluation (M5.7): recorded by the authority, one per agreement and year, shown on the agreement.</summary>
public sealed class EvaluationFunctions(ApiHandler api, AgreementService agreements, EvaluationService evaluations)
{
    [Function("RecordOperatorEvaluation")]
    [OpenApiOperation(Summary = "Record the yearly evaluation of the operator under an agreement (M5.7); one per agreement and year", Tags = ["agreements"])]
    [OpenApiRequestBody(typeof(RecordEvaluationRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(OperatorEvaluation))]
    public Task<IActionResult> Record([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements/{id}/evaluations")] HttpRequest request, string id)
        => api.RunAsync<RecordEvaluationRequest>(request, ApiAccess.RolesOf(Roles.Authority), async (call, body) =>
        {
            var agreementId = call.RouteId(id, AgreementFunctions.IdPrefix);
            var recorded = await evaluations.RecordAsync(agreementId, new NewEvaluation(body.Year, body.Grade, body.Score, body.Comment, body.DocumentRef), call.Caller, call.CancellationToken);
            return ApiResults.Created(
                ApiRequestContext.LocationOf("agreements", agreementId, "evaluations", recorded.Year.ToString(CultureInfo.InvariantCulture)), recorded);
        });

    [Function("ListOperatorEvaluations")]
    [OpenApiOperation(Summary = "The yearly evaluations of an agreement (also shown on the agreement)", Tags = ["agreements"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(IReadOnlyList<OperatorEvaluation>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agreements/{id}/evaluations")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.RolesOf(Roles.Authority, Roles.Operator, Roles.Supervisor), async call =>
        {
            var agreement = await agreements.GetAsync(call.RouteId(id, AgreementFunctions.IdPrefix), call.Caller, call.CancellationToken);
            return ApiResults.Ok(await evaluations.ListAsync(agreement.Value.Id, call.CancellationToken));
        });
}
