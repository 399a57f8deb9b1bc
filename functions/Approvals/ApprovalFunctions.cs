using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Platform.Domain.Approvals;
using Microsoft.Extensions.Options;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Workflows;

namespace Platform.Functions.Approvals;

/// <summary>A decision as JSON (POST /api/approvals/{token}); <c>scores</c> maps criterion keys to 1..5.</summary>
public sealed record ApprovalDecisionRequest(ApprovalDecisionKind? Decision, string? Comment, Dictionary<string, int>? Scores);

/// <summary>The form fields of the approval page: <c>decision</c>, <c>comment</c>, and one <c>scores.{criterion}</c> = 1..5 per criterion.</summary>
public sealed record ApprovalDecisionForm(ApprovalDecisionKind Decision, string? Comment);

/// <summary>The decision now on record for a slot.</summary>
public sealed record ApprovalDecisionView(
    string InstanceId,
    string Slot,
    string Reviewer,
    string SubjectKind,
    string SubjectId,
    int Round,
    ApprovalDecisionKind Decision,
    IReadOnlyDictionary<string, int> Scores,
    string? Comment,
    DateTimeOffset DecidedAt)
{
    public static ApprovalDecisionView From(ApprovalDecisionOutcome outcome) => new(
        outcome.Slot.InstanceId, outcome.Slot.Slot, outcome.Slot.Reviewer.Key, outcome.Slot.SubjectKind, outcome.Slot.SubjectId, outcome.Slot.Round,
        outcome.Decision.Kind, outcome.Decision.Scores, outcome.Decision.Comment, outcome.Decision.DecidedAt);
}

/// <summary>
/// The pages behind signed links (docs/api.md#signed-links). Anyone holding a link may use it; the link itself is the credential.
/// GET shows what is decided and never decides (mail scanners open links); POST decides, once.
/// Answers: 403 <c>approval.link_invalid</c>, 410 <c>approval.link_expired</c> or <c>approval.link_closed</c>,
/// 409 <c>approval.link_used</c>, 422 <c>approval.invalid</c> — as HTML for browsers and form posts, problem JSON otherwise.
/// </summary>
/// <remarks>
/// Every attempt goes through the <see cref="LinkAttemptGuard"/> first (issue 20 item 3): past the per-client or per-link
/// limit the answer is 429 <c>approval.rate_limited</c> with <c>Retry-After</c>, and every refused attempt is counted as a
/// security event per link and client per minute instead of growing the audit chain.
/// </remarks>
public sealed class ApprovalFunctions(
    ApiHandler api,
    ApprovalService approvals,
    IEnumerable<IApprovalDecisionHandler> handlers,
    LinkAttemptGuard? attempts = null,
    IOptions<LinkAttemptOptions>? attemptOptions = null)
{
    [Function("GetApprovalPage")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "The approval page behind a signed link (HTML, Chinese): what is decided, the facts, the criteria and the form", Tags = ["approvals"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html", Description = "The page with the decision form.")]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "approval.link_invalid: altered or unknown link.")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(string), ContentType = "text/html", Description = "approval.link_used: already decided; the page shows the decision.")]
    [OpenApiResponse(StatusCodes.Status410Gone, typeof(ApiProblemDetails), Description = "approval.link_expired or approval.link_closed.")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "approvals/{token}")] HttpRequest request, string token)
        => api.RunAsync(request, ApiAccess.Anonymous, call => GuardedAsync(call, token, async () =>
        {
            var json = WantsJson(call.Request);
            try
            {
                var model = await approvals.OpenAsync(token, call.CancellationToken);
                var status = model.State switch
                {
                    ApprovalSlotState.Decided => StatusCodes.Status409Conflict,
                    ApprovalSlotState.Closed => StatusCodes.Status410Gone,
                    _ => StatusCodes.Status200OK,
                };
                if (json && status != StatusCodes.Status200OK)
                {
                    throw model.State == ApprovalSlotState.Decided
                        ? new DomainException(FailureKind.Conflict, ApprovalService.UsedCode, "This decision was already made; a link decides once.")
                        : new DomainException(FailureKind.Gone, ApprovalService.ClosedCode, "The review this link belongs to has ended.");
                }

                return ApprovalPage.Result(status, ApprovalPage.Render(model));
            }
            catch (DomainException refused) when (!json)
            {
                return ProblemPage(refused);
            }
        }));

    [Function("DecideApproval")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Decide through a signed link: approve, reject or changes, with comment and scores (once per link)", Tags = ["approvals"])]
    [OpenApiRequestBody(typeof(ApprovalDecisionRequest))]
    [OpenApiRequestBody(typeof(ApprovalDecisionForm), ContentType = RequestBodyReader.FormMediaType, Description = "The page's form: decision, comment, scores.{criterion}.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ApprovalDecisionView), Description = "The recorded decision (an HTML page for form posts).")]
    [OpenApiResponse(StatusCodes.Status403Forbidden, typeof(ApiProblemDetails), Description = "approval.link_invalid")]
    [OpenApiResponse(StatusCodes.Status409Conflict, typeof(ApiProblemDetails), Description = "approval.link_used")]
    [OpenApiResponse(StatusCodes.Status410Gone, typeof(ApiProblemDetails), Description = "approval.link_expired or approval.link_closed")]
    [OpenApiResponse(StatusCodes.Status422UnprocessableEntity, typeof(ApiProblemDetails), Description = "approval.invalid")]
    public Task<IActionResult> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/{token}")] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient client)
        => api.RunAsync(request, ApiAccess.Anonymous, call => GuardedAsync(call, token, async () =>
        {
            if (!call.HasFormBody)
            {
                var body = await call.ReadJsonAsync<ApprovalDecisionRequest>();
                var decided = await approvals.DecideAsync(token, new ApprovalDecisionInput(body.Decision, body.Comment, body.Scores), Gateway(client), call.CancellationToken);
                return ApiResults.Ok(ApprovalDecisionView.From(decided));
            }

            ApprovalDecisionInput? entered = null;
            try
            {
                entered = ReadForm(await call.ReadFormAsync());
                await approvals.DecideAsync(token, entered, Gateway(client), call.CancellationToken);
                var recorded = await approvals.OpenAsync(token, call.CancellationToken);
                return ApprovalPage.Result(StatusCodes.Status200OK, ApprovalPage.Render(recorded, "您的决定已记录，感谢您的评审。"));
            }
            catch (DomainException invalid) when (invalid.Kind is FailureKind.Unprocessable or FailureKind.BadRequest && invalid.Code is ApprovalService.InvalidDecisionCode or "request.invalid_form")
            {
                // Show the form again with what was entered and what to correct.
                var model = await approvals.OpenAsync(token, call.CancellationToken);
                return ApprovalPage.Result(ProblemDetailsMapper.StatusOf(invalid.Kind), ApprovalPage.Render(model, null, invalid.Errors ?? new Dictionary<string, string[]> { ["form"] = [invalid.Message] }, entered));
            }
            catch (DomainException refused)
            {
                return ProblemPage(refused);
            }
        }));

    /// <summary>Orchestrations, or the handler that owns the slot (e.g. the sandbox release step).</summary>
    private DispatchingWorkflowGateway Gateway(DurableTaskClient client) => new(new DurableWorkflowGateway(client), handlers);

    /// <summary>Reads the page's form; a value that is not a decision or a whole-number score is a 422 naming the field.</summary>
    public static ApprovalDecisionInput ReadForm(IFormCollection form)
    {
        var errors = new Dictionary<string, string[]>();
        ApprovalDecisionKind? decision = null;
        var decisionText = form["decision"].ToString().Trim();
        if (decisionText.Length > 0)
        {
            if (Enum.TryParse<ApprovalDecisionKind>(decisionText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !decisionText.Any(char.IsDigit))
            {
                decision = parsed;
            }
            else
            {
                errors["decision"] = ["Choose approve, reject or changes."];
            }
        }

        var scores = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, values) in form)
        {
            if (!name.StartsWith("scores.", StringComparison.Ordinal) || values.ToString().Trim().Length == 0)
            {
                continue;
            }

            if (int.TryParse(values.ToString().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var score))
            {
                scores[name["scores.".Length..]] = score;
            }
            else
            {
                errors[name] = ["A score is a whole number from 1 to 5."];
            }
        }

        var comment = form["comment"].ToString();
        var input = new ApprovalDecisionInput(decision, comment.Length == 0 ? null : comment, scores);
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, ApprovalService.InvalidDecisionCode, "The decision has invalid fields.", errors);
        }

        return input;
    }

    /// <summary>Admits the attempt (or answers 429) and counts it as refused when it does not succeed.</summary>
    private async Task<IActionResult> GuardedAsync(ApiRequestContext call, string token, Func<Task<IActionResult>> attempt)
    {
        if (attempts is null)
        {
            return await attempt();
        }

        var client = (attemptOptions?.Value ?? new LinkAttemptOptions()).ClientOf(call.Request);
        var link = ApprovalLinkCodec.Fingerprint(token);
        attempts.Admit(client, link);
        IActionResult result;
        try
        {
            result = await attempt();
        }
        catch (DomainException refused)
        {
            attempts.Refused(client, link, refused.Code);
            throw;
        }

        switch (result)
        {
            case ProblemResult problem:
                attempts.Refused(client, link, problem.Problem.Code);
                break;
            case ApprovalPageResult { StatusCode: >= 400 } page:
                attempts.Refused(client, link, page.Code ?? $"http.{page.StatusCode}");
                break;
        }

        return result;
    }

    private static IActionResult ProblemPage(DomainException refused)
    {
        var status = ProblemDetailsMapper.StatusOf(refused.Kind);
        return new ApprovalPageResult(status, ApprovalPage.RenderProblem(status, refused.Code, refused.Message)) { Code = refused.Code };
    }

    /// <summary>Browsers ask for HTML; API clients that ask only for JSON get problem details instead of pages.</summary>
    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept is null || accept.Count == 0)
        {
            return false;
        }

        var json = accept.Any(a => a.MediaType.Value is "application/json" or "application/problem+json");
        var html = accept.Any(a => a.MediaType.Value is "text/html" or "*/*" or "text/*");
        return json && !html;
    }
}
