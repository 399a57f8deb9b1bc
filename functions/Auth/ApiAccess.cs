using Platform.Domain.Security;

namespace Platform.Functions.Auth;

/// <summary>Who may call a route: anyone, any signed-in user, or callers holding one of a set of roles (docs/api.md#roles).</summary>
public sealed class ApiAccess
{
    private ApiAccess(bool allowsAnonymous, IReadOnlySet<string> allowedRoles)
    {
        AllowsAnonymous = allowsAnonymous;
        AllowedRoles = allowedRoles;
    }

    /// <summary>No token needed. A token that is sent is still validated, so a caller who signs in is known.</summary>
    public static ApiAccess Anonymous { get; } = new(true, Roles.Assignable);

    /// <summary>Any valid token with a platform role.</summary>
    public static ApiAccess SignedIn { get; } = new(false, Roles.Assignable);

    public bool AllowsAnonymous { get; }

    public IReadOnlySet<string> AllowedRoles { get; }

    public static ApiAccess RolesOf(params string[] roles)
    {
        if (roles.Length == 0)
        {
            throw new ArgumentException("Name at least one role, or use ApiAccess.SignedIn.", nameof(roles));
        }

        var unknown = roles.Where(role => !Roles.Assignable.Contains(role)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Not platform roles: {string.Join(", ", unknown)}.", nameof(roles));
        }

        return new ApiAccess(false, new HashSet<string>(roles, StringComparer.Ordinal));
    }

    public bool Permits(Caller caller)
        => caller.IsAnonymous ? AllowsAnonymous : AllowedRoles.Contains(caller.Role);
}
