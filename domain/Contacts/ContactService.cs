using Platform.Domain.Common;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Secrets;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Contacts;

/// <summary>
/// The address book (issue 17): an organisation keeps its own contacts and the authority keeps every organisation's
/// and its own (its reviewers, and the output checkers and experts it appoints). Contacts are personal data (PIPL):
/// nobody else reads them, and audit entries carry ids and duties only.
/// </summary>
public sealed class ContactService(IContactStore store, IOrganizationStore organizations, ISecretStore secrets, IAuditTrail audit, IClock clock)
{
    public const string NotFoundCode = "contact.not_found";

    public async Task<Versioned<Contact>> AddAsync(Recipient owner, string id, ContactInput input, Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(owner, caller, cancellationToken);
        var (name, email, mobile, duties) = ContactRules.Validate(input);
        if ((await store.ListAsync(owner.Key, cancellationToken)).Count >= ContactRules.MaxContactsPerOwner)
        {
            throw new DomainException(FailureKind.Conflict, "contact.limit_reached", $"An organisation keeps at most {ContactRules.MaxContactsPerOwner} contacts.");
        }

        var now = clock.UtcNow;
        var contact = new Contact(id, owner.Key, name, email, mobile, duties, now, caller.Subject, now, caller.Subject);
        var etag = await store.AddAsync(contact, cancellationToken);
        await audit.RecordAsync(caller, "contact.added", TargetOf(owner, id), new { duties }, cancellationToken);
        return new Versioned<Contact>(contact, etag);
    }

    public async Task<IReadOnlyList<Contact>> ListAsync(Recipient owner, Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(owner, caller, cancellationToken);
        return (await store.ListAsync(owner.Key, cancellationToken)).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<Versioned<Contact>> GetAsync(Recipient owner, string id, Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(owner, caller, cancellationToken);
        return await store.GetAsync(owner.Key, id, cancellationToken)
            ?? throw new DomainException(FailureKind.NotFound, NotFoundCode, $"Contact '{id}' does not exist.");
    }

    public async Task<Versioned<Contact>> UpdateAsync(Recipient owner, string id, ContactInput input, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(owner, id, caller, cancellationToken);
        var (name, email, mobile, duties) = ContactRules.Validate(input);
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The contact changed since you read it; read it again and retry.");
        }

        var updated = current.Value with { Name = name, Email = email, Mobile = mobile, Duties = duties, UpdatedAt = clock.UtcNow, UpdatedBy = caller.Subject };
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "contact.updated", TargetOf(owner, id), new { duties }, cancellationToken);
        return new Versioned<Contact>(updated, etag);
    }

    public async Task DeleteAsync(Recipient owner, string id, string? ifMatch, Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(owner, caller, cancellationToken);
        if (!await store.DeleteAsync(owner.Key, id, ifMatch, cancellationToken))
        {
            throw new DomainException(FailureKind.NotFound, NotFoundCode, $"Contact '{id}' does not exist.");
        }

        await audit.RecordAsync(caller, "contact.removed", TargetOf(owner, id), new { }, cancellationToken);
    }

    public async Task<WebhookEndpoint?> GetWebhookAsync(Recipient owner, Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(owner, caller, cancellationToken);
        return await store.GetWebhookAsync(owner.Key, cancellationToken);
    }

    /// <summary>Sets the owner's webhook; the signing secret must already be in the secret store (422 <c>webhook.secret_not_found</c>).</summary>
    public async Task<WebhookEndpoint> SetWebhookAsync(Recipient owner, WebhookInput input, Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(owner, caller, cancellationToken);
        var (url, secretName) = ContactRules.ValidateWebhook(input);
        try
        {
            await secrets.GetSecretAsync(secretName, cancellationToken);
        }
        catch (SecretNotFoundException)
        {
            throw new DomainException(FailureKind.Unprocessable, "webhook.secret_not_found", $"No secret named '{secretName}' is in the secret store; put the robot's signing secret there first.",
                new Dictionary<string, string[]> { ["secretName"] = ["Not in the secret store."] });
        }

        var webhook = new WebhookEndpoint(owner.Key, url.AbsoluteUri, secretName, clock.UtcNow, caller.Subject);
        await store.PutWebhookAsync(webhook, cancellationToken);
        await audit.RecordAsync(caller, "webhook.set", $"{TargetOf(owner)}/webhook", new { host = url.Host, secretName }, cancellationToken);
        return webhook;
    }

    public async Task RemoveWebhookAsync(Recipient owner, Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(owner, caller, cancellationToken);
        if (!await store.DeleteWebhookAsync(owner.Key, cancellationToken))
        {
            throw new DomainException(FailureKind.NotFound, "webhook.not_found", "No webhook is set.");
        }

        await audit.RecordAsync(caller, "webhook.removed", $"{TargetOf(owner)}/webhook", new { }, cancellationToken);
    }

    /// <summary>
    /// The organisation itself and the authority maintain an organisation's contacts; only the authority its own.
    /// Anyone else learns nothing (404), not even whether the organisation exists.
    /// </summary>
    private async Task AuthorizeAsync(Recipient owner, Caller caller, CancellationToken cancellationToken)
    {
        var permitted = owner.Kind switch
        {
            "role" => owner.Value == Roles.Authority && caller.Role == Roles.Authority,
            "org" => caller.Role == Roles.Authority
                || (caller.Organization == owner.Value && caller.Role is Roles.Provider or Roles.Operator or Roles.Developer or Roles.Reviewer),
            _ => false,
        };
        if (!permitted)
        {
            throw new DomainException(FailureKind.NotFound, "organization.not_found", $"Organisation '{owner.Value}' does not exist.");
        }

        if (owner.Kind == "org" && await organizations.GetAsync(owner.Value, cancellationToken) is null)
        {
            throw new DomainException(FailureKind.NotFound, "organization.not_found", $"Organisation '{owner.Value}' does not exist.");
        }
    }

    private static string TargetOf(Recipient owner) => owner.Kind == "org" ? $"organizations/{owner.Value}" : "authority";

    private static string TargetOf(Recipient owner, string id) => $"{TargetOf(owner)}/contacts/{id}";
}

/// <summary>The address book over the contact store: a recipient's contacts holding a duty, and its webhook.</summary>
public sealed class ContactDirectory(IContactStore store) : IRecipientAddressBook
{
    public async Task<IReadOnlyList<string>> AddressesOfAsync(Recipient recipient, string duty, CancellationToken cancellationToken = default)
        => (await store.ListAsync(ContactRules.OwnerOf(recipient), cancellationToken))
            .Where(c => c.Duties.Contains(duty, StringComparer.Ordinal))
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => c.Email).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public Task<WebhookEndpoint?> WebhookOfAsync(Recipient recipient, CancellationToken cancellationToken = default)
        => store.GetWebhookAsync(ContactRules.OwnerOf(recipient), cancellationToken);
}
