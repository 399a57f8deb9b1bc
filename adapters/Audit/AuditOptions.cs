using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Platform.Adapters.Audit;

/// <summary>Settings section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary><c>Audit:TableName</c>: the Azure table that holds the chain.</summary>
    public string TableName { get; set; } = "audit";

    /// <summary><c>Audit:MaxAppendAttempts</c>: how often an append retries when another process moved the chain's head first.</summary>
    public int MaxAppendAttempts { get; set; } = 30;
}

public sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.TableName) || !TableNamePattern().IsMatch(options.TableName))
        {
            failures.Add($"Audit:TableName '{options.TableName}' is not a valid Azure table name (a letter, then 2 to 62 letters or digits).");
        }

        if (options.MaxAppendAttempts is < 1 or > 1000)
        {
            failures.Add($"Audit:MaxAppendAttempts must be between 1 and 1000 (got {options.MaxAppendAttempts}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
