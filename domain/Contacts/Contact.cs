using System.Net.Mail;
using System.Text.RegularExpressions;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;

namespace Platform.Domain.Contacts;

/// <summary>
/// The duties a contact can hold; a notification goes to the contacts of its recipient whose duty fits its kind
/// (<see cref="NotificationDuties"/>). Wire names are part of the API.
/// </summary>
public static class ContactDuties
{
    /// <summary>Reviews and their outcomes: scenario, data request, catalogue and product reviews (M4.2, M4.3, M4.5).</summary>
    public const string Review = "review";

    /// <summary>Security incidents and suspensions (M5.5).</summary>
    public const string Security = "security";

    /// <summary>Annual reports, filings and evaluations (M5.6, M5.7).</summary>
    public const string Reports = "reports";

    /// <summary>Everything else: agreements, grants, products, quality tickets, delivery failures.</summary>
    public const string General = "general";

    /// <summary>Output checkers the authority appoints for sandbox results (M5.1).</summary>
    public const string OutputCheck = "output-check";

    /// <summary>Experts the authority appoints for reviews (M4.2).</summary>
    public const string Expert = "expert";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Review, Security, Reports, General, OutputCheck, Expert };
}

/// <summary>
/// A person an organisation (or the authority) can be reached through. Name, e-mail and mobile are personal data:
/// only the organisation itself and the authority read them; the audit log records ids and duties only.
/// </summary>
public sealed record Contact(
    string Id,
    string Owner,
    string Name,
    string Email,
    string? Mobile,
    IReadOnlyList<string> Duties,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

/// <summary>What a caller writes for a contact.</summary>
public sealed record ContactInput(string? Name, string? Email, string? Mobile, IReadOnlyList<string>? Duties);

/// <summary>
/// An organisation's optional webhook (a group robot of an office messenger): JSON POSTs signed with HMAC-SHA256 under
/// the secret named <see cref="SecretName"/> in the secret store (Key Vault in Azure).
/// </summary>
public sealed record WebhookEndpoint(string Owner, string Url, string SecretName, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record WebhookInput(string? Url, string? SecretName);

public static partial class ContactRules
{
    public const int MaxNameLength = 100;
    public const int MaxContactsPerOwner = 50;

    /// <summary>Checks a contact; returns the canonical values or throws 422 <c>contact.invalid</c> naming each bad field.</summary>
    public static (string Name, string Email, string? Mobile, IReadOnlyList<string> Duties) Validate(ContactInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            errors["name"] = [$"Name is required and at most {MaxNameLength} characters."];
        }

        var email = input.Email?.Trim() ?? "";
        if (!IsEmail(email))
        {
            errors["email"] = ["A single e-mail address such as zhang.san@example.gov.cn is required."];
        }

        var mobile = string.IsNullOrWhiteSpace(input.Mobile) ? null : input.Mobile.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (mobile is not null && !MobileNumber().IsMatch(mobile))
        {
            errors["mobile"] = ["A mainland mobile number has 11 digits starting with 1 (an optional +86 prefix is allowed)."];
        }

        var duties = (input.Duties ?? []).Select(d => d?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (duties.Count == 0)
        {
            errors["duties"] = [$"At least one duty is required: {string.Join(", ", ContactDuties.All.Order(StringComparer.Ordinal))}."];
        }
        else if (duties.FirstOrDefault(d => !ContactDuties.All.Contains(d)) is { } unknown)
        {
            errors["duties"] = [$"Unknown duty '{unknown}'; use {string.Join(", ", ContactDuties.All.Order(StringComparer.Ordinal))}."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "contact.invalid", "The contact has invalid fields.", errors);
        }

        return (name, email, mobile, duties);
    }

    /// <summary>Checks a webhook: an absolute https URL (plain http only to this machine, for tests) and a secret name.</summary>
    public static (Uri Url, string SecretName) ValidateWebhook(WebhookInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string[]>();
        Uri? url = null;
        if (!Uri.TryCreate(input.Url?.Trim(), UriKind.Absolute, out url)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
            || !string.IsNullOrEmpty(url.UserInfo))
        {
            errors["url"] = ["An absolute https URL without credentials is required (http only to a loopback address)."];
        }

        var secretName = input.SecretName?.Trim() ?? "";
        if (!SecretName().IsMatch(secretName))
        {
            errors["secretName"] = ["The name of the signing secret in the secret store (letters, digits and '-', at most 127) is required."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "webhook.invalid", "The webhook has invalid fields.", errors);
        }

        return (url!, secretName);
    }

    public static bool IsEmail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 254 || value.Any(c => char.IsWhiteSpace(c) || c is ',' or ';' or '<' or '>' or '"'))
        {
            return false;
        }

        return MailAddress.TryCreate(value, out var parsed) && parsed.Address == value && value.IndexOf('@', StringComparison.Ordinal) > 0;
    }

    /// <summary>The owner key of a recipient's contacts: <c>org:{id}</c> for an organisation, <c>role:authority</c> for the authority.</summary>
    public static string OwnerOf(Recipient recipient) => recipient.Key;

    [GeneratedRegex(@"^(\+86)?1[3-9]\d{9}$")]
    private static partial Regex MobileNumber();

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,127}$")]
    private static partial Regex SecretName();
}

/// <summary>Where contacts and webhooks are kept, one partition per owner.</summary>
public interface IContactStore
{
    Task<string> AddAsync(Contact contact, CancellationToken cancellationToken = default);

    Task<Platform.Domain.Common.Versioned<Contact>?> GetAsync(string owner, string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Contact>> ListAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Replaces the contact if its ETag still matches (412 otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(Contact contact, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Deletes the contact if its ETag still matches (412 otherwise); false when it was not there.</summary>
    Task<bool> DeleteAsync(string owner, string id, string? ifMatch, CancellationToken cancellationToken = default);

    Task<WebhookEndpoint?> GetWebhookAsync(string owner, CancellationToken cancellationToken = default);

    Task PutWebhookAsync(WebhookEndpoint webhook, CancellationToken cancellationToken = default);

    Task<bool> DeleteWebhookAsync(string owner, CancellationToken cancellationToken = default);
}
