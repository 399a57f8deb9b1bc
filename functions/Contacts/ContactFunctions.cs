using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Common;
using Platform.Domain.Contacts;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Organizations;

namespace Platform.Functions.Contacts;

/// <summary>A contact as written: <c>name</c>, <c>email</c>, optional <c>mobile</c>, <c>duties</c> (review, security, reports, general, output-check, expert).</summary>
public sealed record ContactRequest(string? Name, string? Email, string? Mobile, IReadOnlyList<string>? Duties);

public sealed record ContactView(string Id, string Name, string Email, string? Mobile, IReadOnlyList<string> Duties, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ContactView From(Contact c) => new(c.Id, c.Name, c.Email, c.Mobile, c.Duties, c.CreatedAt, c.UpdatedAt);
}

public sealed record ContactList(IReadOnlyList<ContactView> Items);

/// <summary>A webhook as written: the robot's <c>url</c> and the <c>secretName</c> of its signing secret in the secret store.</summary>
public sealed record WebhookRequest(string? Url, string? SecretName);

public sealed record WebhookView(string Url, string SecretName, DateTimeOffset UpdatedAt)
{
    public static WebhookView From(WebhookEndpoint w) => new(w.Url, w.SecretName, w.UpdatedAt);
}

/// <summary>
/// The address book (issue 17): <c>/organizations/{id}/contacts</c> (the organisation itself and the authority) and
/// <c>/authority/contacts</c> (the authority's own reviewers, output checkers and experts), with an optional webhook
/// each. Contacts are personal data: nobody else reads them.
/// </summary>
public sealed class ContactFunctions(ApiHandler api, ContactService contacts, IdGenerator ids)
{
    public const string IdPrefix = "con";
    private static readonly ApiAccess Members = ApiAccess.RolesOf(Roles.Authority, Roles.Provider, Roles.Operator, Roles.Developer, Roles.Reviewer);
    private static readonly ApiAccess AuthorityOnly = ApiAccess.RolesOf(Roles.Authority);

    [Function("AddOrganizationContact")]
    [OpenApiOperation(Summary = "Add a contact of an organisation (the organisation itself or the authority)", Tags = ["contacts"])]
    [OpenApiRequestBody(typeof(ContactRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(ContactView))]
    public Task<IActionResult> AddToOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "organizations/{id}/contacts")] HttpRequest request, string id)
        => api.RunAsync<ContactRequest>(request, Members, (call, body) => AddAsync(call, Org(call, id), body));

    [Function("ListOrganizationContacts")]
    [OpenApiOperation(Summary = "The contacts of an organisation", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ContactList))]
    public Task<IActionResult> ListOfOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "organizations/{id}/contacts")] HttpRequest request, string id)
        => api.RunAsync(request, Members, call => ListAsync(call, Org(call, id)));

    [Function("GetOrganizationContact")]
    [OpenApiOperation(Summary = "One contact of an organisation", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ContactView))]
    public Task<IActionResult> GetOfOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "organizations/{id}/contacts/{contactId}")] HttpRequest request, string id, string contactId)
        => api.RunAsync(request, Members, call => GetAsync(call, Org(call, id), contactId));

    [Function("UpdateOrganizationContact")]
    [OpenApiOperation(Summary = "Replace a contact of an organisation; If-Match guards concurrent edits", Tags = ["contacts"])]
    [OpenApiRequestBody(typeof(ContactRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ContactView))]
    public Task<IActionResult> UpdateOfOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "organizations/{id}/contacts/{contactId}")] HttpRequest request, string id, string contactId)
        => api.RunAsync<ContactRequest>(request, Members, (call, body) => UpdateAsync(call, Org(call, id), contactId, body));

    [Function("RemoveOrganizationContact")]
    [OpenApiOperation(Summary = "Remove a contact of an organisation", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status204NoContent)]
    public Task<IActionResult> RemoveOfOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "organizations/{id}/contacts/{contactId}")] HttpRequest request, string id, string contactId)
        => api.RunAsync(request, Members, call => RemoveAsync(call, Org(call, id), contactId));

    [Function("SetOrganizationWebhook")]
    [OpenApiOperation(Summary = "Set the organisation's webhook (signed JSON POSTs to a group robot)", Tags = ["contacts"])]
    [OpenApiRequestBody(typeof(WebhookRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(WebhookView))]
    public Task<IActionResult> SetOrganizationWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "organizations/{id}/webhook")] HttpRequest request, string id)
        => api.RunAsync<WebhookRequest>(request, Members, (call, body) => SetWebhookAsync(call, Org(call, id), body));

    [Function("GetOrganizationWebhook")]
    [OpenApiOperation(Summary = "The organisation's webhook", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(WebhookView))]
    public Task<IActionResult> GetOrganizationWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "organizations/{id}/webhook")] HttpRequest request, string id)
        => api.RunAsync(request, Members, call => GetWebhookAsync(call, Org(call, id)));

    [Function("RemoveOrganizationWebhook")]
    [OpenApiOperation(Summary = "Remove the organisation's webhook", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status204NoContent)]
    public Task<IActionResult> RemoveOrganizationWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "organizations/{id}/webhook")] HttpRequest request, string id)
        => api.RunAsync(request, Members, call => RemoveWebhookAsync(call, Org(call, id)));

    [Function("AddAuthorityContact")]
    [OpenApiOperation(Summary = "Add one of the authority's contacts (its reviewers, output checkers, experts)", Tags = ["contacts"])]
    [OpenApiRequestBody(typeof(ContactRequest))]
    [OpenApiResponse(StatusCodes.Status201Created, typeof(ContactView))]
    public Task<IActionResult> AddToAuthority([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "authority/contacts")] HttpRequest request)
        => api.RunAsync<ContactRequest>(request, AuthorityOnly, (call, body) => AddAsync(call, AuthorityOwner, body));

    [Function("ListAuthorityContacts")]
    [OpenApiOperation(Summary = "The authority's contacts", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ContactList))]
    public Task<IActionResult> ListOfAuthority([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "authority/contacts")] HttpRequest request)
        => api.RunAsync(request, AuthorityOnly, call => ListAsync(call, AuthorityOwner));

    [Function("GetAuthorityContact")]
    [OpenApiOperation(Summary = "One of the authority's contacts", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ContactView))]
    public Task<IActionResult> GetOfAuthority([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "authority/contacts/{contactId}")] HttpRequest request, string contactId)
        => api.RunAsync(request, AuthorityOnly, call => GetAsync(call, AuthorityOwner, contactId));

    [Function("UpdateAuthorityContact")]
    [OpenApiOperation(Summary = "Replace one of the authority's contacts; If-Match guards concurrent edits", Tags = ["contacts"])]
    [OpenApiRequestBody(typeof(ContactRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(ContactView))]
    public Task<IActionResult> UpdateOfAuthority([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "authority/contacts/{contactId}")] HttpRequest request, string contactId)
        => api.RunAsync<ContactRequest>(request, AuthorityOnly, (call, body) => UpdateAsync(call, AuthorityOwner, contactId, body));

    [Function("RemoveAuthorityContact")]
    [OpenApiOperation(Summary = "Remove one of the authority's contacts", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status204NoContent)]
    public Task<IActionResult> RemoveOfAuthority([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "authority/contacts/{contactId}")] HttpRequest request, string contactId)
        => api.RunAsync(request, AuthorityOnly, call => RemoveAsync(call, AuthorityOwner, contactId));

    [Function("SetAuthorityWebhook")]
    [OpenApiOperation(Summary = "Set the authority's webhook", Tags = ["contacts"])]
    [OpenApiRequestBody(typeof(WebhookRequest))]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(WebhookView))]
    public Task<IActionResult> SetAuthorityWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "authority/webhook")] HttpRequest request)
        => api.RunAsync<WebhookRequest>(request, AuthorityOnly, (call, body) => SetWebhookAsync(call, AuthorityOwner, body));

    [Function("GetAuthorityWebhook")]
    [OpenApiOperation(Summary = "The authority's webhook", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(WebhookView))]
    public Task<IActionResult> GetAuthorityWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "authority/webhook")] HttpRequest request)
        => api.RunAsync(request, AuthorityOnly, call => GetWebhookAsync(call, AuthorityOwner));

    [Function("RemoveAuthorityWebhook")]
    [OpenApiOperation(Summary = "Remove the authority's webhook", Tags = ["contacts"])]
    [OpenApiResponse(StatusCodes.Status204NoContent)]
    public Task<IActionResult> RemoveAuthorityWebhook([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "authority/webhook")] HttpRequest request)
        => api.RunAsync(request, AuthorityOnly, call => RemoveWebhookAsync(call, AuthorityOwner));

    private static Recipient AuthorityOwner => Recipient.Role(Roles.Authority);

    private static Recipient Org(ApiRequestContext call, string id) => Recipient.Organization(call.RouteId(id, OrganizationFunctions.IdPrefix));

    private async Task<IActionResult> AddAsync(ApiRequestContext call, Recipient owner, ContactRequest body)
    {
        var created = await contacts.AddAsync(owner, ids.New(IdPrefix), new ContactInput(body.Name, body.Email, body.Mobile, body.Duties), call.Caller, call.CancellationToken);
        return ApiResults.Created(LocationOf(owner, created.Value.Id), ContactView.From(created.Value), created.ETag);
    }

    private async Task<IActionResult> ListAsync(ApiRequestContext call, Recipient owner)
        => ApiResults.Ok(new ContactList((await contacts.ListAsync(owner, call.Caller, call.CancellationToken)).Select(ContactView.From).ToList()));

    private async Task<IActionResult> GetAsync(ApiRequestContext call, Recipient owner, string contactId)
    {
        var found = await contacts.GetAsync(owner, call.RouteId(contactId, IdPrefix, "contactId"), call.Caller, call.CancellationToken);
        return ApiResults.Ok(ContactView.From(found.Value), found.ETag);
    }

    private async Task<IActionResult> UpdateAsync(ApiRequestContext call, Recipient owner, string contactId, ContactRequest body)
    {
        var updated = await contacts.UpdateAsync(owner, call.RouteId(contactId, IdPrefix, "contactId"), new ContactInput(body.Name, body.Email, body.Mobile, body.Duties), call.IfMatch(), call.Caller, call.CancellationToken);
        return ApiResults.Ok(ContactView.From(updated.Value), updated.ETag);
    }

    private async Task<IActionResult> RemoveAsync(ApiRequestContext call, Recipient owner, string contactId)
    {
        await contacts.DeleteAsync(owner, call.RouteId(contactId, IdPrefix, "contactId"), call.IfMatch(), call.Caller, call.CancellationToken);
        return ApiResults.NoContent();
    }

    private async Task<IActionResult> SetWebhookAsync(ApiRequestContext call, Recipient owner, WebhookRequest body)
        => ApiResults.Ok(WebhookView.From(await contacts.SetWebhookAsync(owner, new WebhookInput(body.Url, body.SecretName), call.Caller, call.CancellationToken)));

    private async Task<IActionResult> GetWebhookAsync(ApiRequestContext call, Recipient owner)
        => await contacts.GetWebhookAsync(owner, call.Caller, call.CancellationToken) is { } webhook
            ? ApiResults.Ok(WebhookView.From(webhook))
            : throw new Platform.Domain.Errors.DomainException(Platform.Domain.Errors.FailureKind.NotFound, "webhook.not_found", "No webhook is set.");

    private async Task<IActionResult> RemoveWebhookAsync(ApiRequestContext call, Recipient owner)
    {
        await contacts.RemoveWebhookAsync(owner, call.Caller, call.CancellationToken);
        return ApiResults.NoContent();
    }

    private static string LocationOf(Recipient owner, string id)
        => owner.Kind == "org" ? ApiRequestContext.LocationOf("organizations", owner.Value, "contacts", id) : ApiRequestContext.LocationOf("authority", "contacts", id);
}
