namespace Platform.Domain.Sandbox;

/// <summary>
/// What one sandbox job may consume (M5.1: time, memory and row limits). The memory limit covers the
/// loaded tables as well as the query, since both live in the engine's buffer pool.
/// </summary>
public sealed record SandboxLimits(TimeSpan Timeout, int MemoryLimitMb, int MaxThreads, int MaxResultRows)
{
    public const int MinMemoryLimitMb = 32;
    public const int MaxResultRowsCeiling = 1_000_000;

    public static SandboxLimits Default { get; } = new(TimeSpan.FromSeconds(30), MemoryLimitMb: 1024, MaxThreads: 2, MaxResultRows: 10_000);

    /// <summary>Problems with the limits, keyed by property name; empty when usable.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(1))
        {
            errors[nameof(Timeout)] = "must be more than 0 and at most 1 hour";
        }

        if (MemoryLimitMb < MinMemoryLimitMb)
        {
            errors[nameof(MemoryLimitMb)] = $"must be at least {MinMemoryLimitMb}";
        }

        if (MaxThreads < 1 || MaxThreads > 64)
        {
            errors[nameof(MaxThreads)] = "must be between 1 and 64";
        }

        if (MaxResultRows < 1 || MaxResultRows > MaxResultRowsCeiling)
        {
            errors[nameof(MaxResultRows)] = $"must be between 1 and {MaxResultRowsCeiling}";
        }

        return errors;
    }
}
