using System.Text;
using Platform.Domain.Agreements;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;

namespace Platform.Domain.Grants;

/// <summary>The rules of grants and the authorized data library, as pure functions.</summary>
public static class GrantRules
{
    public const string ContainerPrefix = "library-";
    public const int MaxContainerNameLength = 63;
    public const int MaxTableNameLength = 63;

    /// <summary>
    /// M3.4: a grant never outlives the agreement it is issued under. The grant runs to the agreement's end,
    /// or to <paramref name="requestedUntil"/> when that comes first.
    /// </summary>
    public static DateTimeOffset ExpiryFor(Agreement agreement, DateTimeOffset? requestedUntil = null)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var end = agreement.ExpiresAtUtc;
        return requestedUntil is { } until && until < end ? until.ToUniversalTime() : end;
    }

    /// <summary>
    /// The library container of an agreement (M4.3 授权数据资源库, one per agreement): <c>library-{agreementId}</c> made a
    /// valid container name — lower case, letters, digits and single hyphens, 3 to 63 characters.
    /// </summary>
    public static string ContainerFor(string agreementId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agreementId);
        var name = new StringBuilder(ContainerPrefix);
        foreach (var c in agreementId.ToLowerInvariant())
        {
            var next = char.IsAsciiLetterOrDigit(c) ? c : '-';
            if (next == '-' && name[^1] == '-')
            {
                continue;
            }

            name.Append(next);
        }

        var text = name.ToString();
        if (text.Length > MaxContainerNameLength)
        {
            text = text[..MaxContainerNameLength];
        }

        return text.TrimEnd('-');
    }

    /// <summary>Where the copy of one resource for one data request lies in the library.</summary>
    public static string BlobPathFor(string dataRequestId, string resourceId) => $"{dataRequestId}/{resourceId}.csv";

    /// <summary>
    /// The name SQL uses for a resource's table: a safe identifier derived from the resource id (<c>res-01j…</c> →
    /// <c>res_01j…</c>), so it needs no quoting in any engine and never collides between two resources.
    /// </summary>
    public static string TableNameFor(string resourceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceId);
        var name = new StringBuilder();
        foreach (var c in resourceId.ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        if (!char.IsAsciiLetterLower(name[0]))
        {
            name.Insert(0, "t_");
        }

        return name.Length > MaxTableNameLength ? name.ToString(0, MaxTableNameLength) : name.ToString();
    }

    /// <summary>The granted fields, in the order approved, with their catalogue facts; throws when one is not on the resource.</summary>
    public static IReadOnlyList<FieldDefinition> GrantedFields(IReadOnlyList<FieldDefinition> resourceFields, IReadOnlyList<string> approved)
    {
        var byName = resourceFields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        return approved.Select(name => byName.TryGetValue(name, out var field)
            ? field
            : throw new InvalidOperationException($"Field '{name}' is not a field of the resource.")).ToList();
    }

    public static GrantField ToGrantField(FieldDefinition field) => new(field.Name, field.Type, field.Classification, field.Grade, field.IdentifierKind);

    public static Grant Revoke(Grant grant, string reason, DateTimeOffset now)
    {
        if (grant.Status != GrantStatus.Active)
        {
            return grant;
        }

        // M3.6: an agreement that ran out takes its grants with it as expired; any other ending revokes them.
        var status = reason == "expired" ? GrantStatus.Expired : GrantStatus.Revoked;
        return grant with { Status = status, RevokedAt = now, RevokeReason = reason };
    }

    public static DomainException NotFound(string id) => new(FailureKind.NotFound, "grant.not_found", $"Grant '{id}' does not exist.");
}
