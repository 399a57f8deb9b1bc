using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;

namespace Platform.Functions.Notifications;

/// <summary>A message with its delivery attempts (GET /notifications/{id}). The link shows only to the recipient.</summary>
public sealed record NotificationStatusView(
    string Id, Recipient Recipient, string Category, string Subject, string Body, string? Link, string? Target, DateTimeOffset CreatedAt,
    NotificationDelivery? Delivery, IReadOnlyList<DeliveryAttempt> Attempts)
{
    public static NotificationStatusView From(Notification n, IReadOnlyList<DeliveryAttempt> attempts)
        => new(n.Id, n.Recipient, n.Category, n.Subject, n.Body, n.Link, n.Target, n.CreatedAt, n.Delivery, attempts);
}

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

    [Function("GetNotification")]
    [OpenApiOperation(Summary = "One message with its delivery status and attempts: the recipient's own, or any for the authority (the sending side; links withheld)", Tags = ["notifications"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(NotificationStatusView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notifications/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.SignedIn, async call =>
        {
            var notFound = new Platform.Domain.Errors.DomainException(Platform.Domain.Errors.FailureKind.NotFound, "notification.not_found", $"Message '{id}' does not exist.");
            if (id.Length is 0 or > 300)
            {
                throw notFound;
            }

            var own = await outbox.GetAsync(Recipient.Organization(call.Caller.Organization), id, call.CancellationToken)
                ?? await outbox.GetAsync(Recipient.Role(call.Caller.Role), id, call.CancellationToken);
            var found = own ?? (call.Caller.Role == Roles.Authority ? await outbox.FindAsync(id, call.CancellationToken) : null)
                ?? throw notFound;

            // A link is a credential of its recipient: the sending side sees that it went out, not the link itself.
            var shown = own is null && found.Link is not null ? found with { Link = null } : found;
            var attempts = await outbox.AttemptsAsync(found.Recipient, found.Id, call.CancellationToken);
            return ApiResults.Ok(NotificationStatusView.From(shown, attempts));
        });
}
