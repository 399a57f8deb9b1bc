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

    /// <summary><c>Audit:CheckpointInterval</c>: a verification leaves a signed checkpoint once this many entries verified past the last one.</summary>
    public long CheckpointInterval { get; set; } = 10_000;

    /// <summary><c>Audit:CheckpointKeyName</c>: the secret (Key Vault) that signs checkpoints.</summary>
    public string CheckpointKeyName { get; set; } = "audit-checkpoint-key";

    /// <summary><c>Audit:VerificationQueue</c>: the queue of the full verification job (its trigger reads it as %Audit:VerificationQueue%).</summary>
    public string VerificationQueue { get; set; } = "audit-verification";

    /// <summary><c>Audit:SecurityEventTableName</c>: per-minute counts of refused signed-link attempts.</summary>
    public string SecurityEventTableName { get; set; } = "securityevents";
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

        if (string.IsNullOrEmpty(options.SecurityEventTableName) || !TableNamePattern().IsMatch(options.SecurityEventTableName))
        {
            failures.Add($"Audit:SecurityEventTableName '{options.SecurityEventTableName}' is not a valid Azure table name (a letter, then 2 to 62 letters or digits).");
        }

        if (options.CheckpointInterval is < 1)
        {
            failures.Add($"Audit:CheckpointInterval must be at least 1 (got {options.CheckpointInterval}).");
        }

        if (string.IsNullOrWhiteSpace(options.CheckpointKeyName) || !SecretNamePattern().IsMatch(options.CheckpointKeyName))
        {
            failures.Add($"Audit:CheckpointKeyName '{options.CheckpointKeyName}' must name a secret (letters, digits and '-').");
        }

        if (string.IsNullOrEmpty(options.VerificationQueue) || !QueueNamePattern().IsMatch(options.VerificationQueue))
        {
            failures.Add($"Audit:VerificationQueue '{options.VerificationQueue}' is not a valid queue name (3 to 63 lower-case letters, digits and single hyphens).");
        }

        if (options.MaxAppendAttempts is < 1 or > 1000)
        {
            failures.Add($"Audit:MaxAppendAttempts must be between 1 and 1000 (got {options.MaxAppendAttempts}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[A-Za-z0-9-]{1,127}$")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueNamePattern();
}
