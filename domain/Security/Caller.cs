namespace Platform.Domain.Security;

/// <summary>Who is calling: from the bearer token's <c>sub</c>, <c>role</c> and <c>org</c> claims.</summary>
public sealed record Caller(string Subject, string Role, string Organization)
{
    public static readonly Caller Anonymous = new("anonymous", Roles.Anonymous, "");

    /// <summary>The platform itself acting (timers, orchestrations, workers).</summary>
    public static readonly Caller System = new("system", Roles.System, "platform");

    public bool IsAnonymous => Role == Roles.Anonymous;
}

/// <summary>Role names (docs/api.md#roles); part of the public API.</summary>
public static class Roles
{
    public const string Authority = "authority";
    public const string Provider = "provider";
    public const string Operator = "operator";
    public const string Developer = "developer";
    public const string Personnel = "personnel";
    public const string Reviewer = "reviewer";
    public const string Supervisor = "supervisor";
    public const string Anonymous = "anonymous";
    public const string System = "system";

    public static readonly IReadOnlySet<string> Assignable = new HashSet<string>(StringComparer.Ordinal)
    {
        Authority, Provider, Operator, Developer, Personnel, Reviewer, Supervisor,
    };
}
