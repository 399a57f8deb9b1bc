using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Disclosure;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Disclosure;

/// <summary>Public disclosure of authorisations (M4.7.4), as JSON or CSV (<c>?format=csv</c> or Accept: text/csv).</summary>
public sealed class DisclosureFunctions(ApiHandler api, DisclosureService disclosure)
{
    [Function("DiscloseAuthorizations")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Every authorisation: object, content, scope and term (M4.7.4); JSON or CSV", Tags = ["disclosure"])]
    [OpenApiQueryParameter("format", typeof(string), Description = "'json' (default) or 'csv'.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(IReadOnlyList<AuthorizationDisclosure>))]
    public Task<IActionResult> Authorizations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "disclosure/authorizations")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var items = await disclosure.AuthorizationsAsync(call.CancellationToken);
            var format = QueryValues.OptionalText(call.Request.Query, "format");
            var wantsCsv = format == "csv" || (format is null && call.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
            if (format is not (null or "csv" or "json"))
            {
                throw new Platform.Domain.Errors.DomainException(Platform.Domain.Errors.FailureKind.BadRequest, "request.invalid_query", "format must be 'json' or 'csv'.",
                    new Dictionary<string, string[]> { ["format"] = ["Use 'json' or 'csv'."] });
            }

            return wantsCsv ? new CsvResult(ToCsv(items), "authorizations.csv") : ApiResults.Ok(items);
        });

    private static string ToCsv(IReadOnlyList<AuthorizationDisclosure> items)
    {
        var csv = new StringBuilder("agreementId,operatorId,operatorName,operatorCreditCode,planTitle,planMode,region,selectionMethod,startsOn,endsOn,status\r\n");
        foreach (var i in items)
        {
            csv.AppendJoin(',', new[]
            {
                i.AgreementId, i.OperatorId, i.OperatorName, i.OperatorCreditCode, i.PlanTitle, Wire(i.PlanMode), i.Region, Wire(i.SelectionMethod),
                i.StartsOn.ToString("yyyy-MM-dd"), i.EndsOn.ToString("yyyy-MM-dd"), Wire(i.Status),
            }.Select(Quote)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Wire<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static string Quote(string value)
        => value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || value.StartsWith('=') || value.StartsWith('+') || value.StartsWith('-') || value.StartsWith('@')
            ? "\"" + (value.StartsWith('=') || value.StartsWith('+') || value.StartsWith('-') || value.StartsWith('@') ? "'" : "") + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;

    private sealed class CsvResult(string content, string fileName) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(content)).ToArray();
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.HttpContext.RequestAborted);
        }
    }
}
