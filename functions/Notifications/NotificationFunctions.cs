using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Notifications;

/// <summary>The caller's outbox messages (docs/api.md): those for the caller's organisation, or with <c>recipient=role</c> those for the caller's role.</summary>
public sealed class NotificationFunctions(ApiHandler api, INotificationOutbox outbox)
{
    [Function("ListNotifications")]
    [OpenApiOperation(Summary = "The signed-in caller's messages (links included)", Tags = ["notifications"])]
    [OpenApiQueryParameter("recipient", typeof(string), Description = "'org' (default): messages to your organisation; 'role': messages to your role.")]
    [OpenApiQueryParameter("target", typeof(string), Description = "Only messages about this record, e.g. scenarios/scn-….")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<Notification>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notifications")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.SignedIn, async call =>
        {
            var recipient = QueryValues.OptionalText(call.Request.Query, "recipient") switch
            {
                null or "org" => Recipient.Organization(call.Caller.Organization),
                "role" => Recipient.Role(call.Caller.Role),
                _ => throw new Platform.Domain.Errors.DomainException(Platform.Domain.Errors.FailureKind.BadRequest, "request.invalid_query", "recipient must be 'org' or 'role'.",
                    new Dictionary<string, string[]> { ["recipient"] = ["Use 'org' or 'role'."] }),
            };
            var paging = call.Paging();
            var target = QueryValues.OptionalText(call.Request.Query, "target");
            var (items, token) = await outbox.ListAsync(recipient, target, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            return ApiResults.Ok(new Page<Notification>(items, token));
        });
}
