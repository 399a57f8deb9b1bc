namespace Platform.Functions.Auth;

/// <summary>The token claims the platform reads (docs/api.md#roles).</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Role = "role";

    /// <summary>Microsoft Entra ID app roles arrive as an array under this name.</summary>
    public const string Roles = "roles";

    public const string Organization = "org";
}
