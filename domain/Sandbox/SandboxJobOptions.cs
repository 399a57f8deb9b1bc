
namespace Platform.Domain.Sandbox;

/// <summary>
/// Sandbox settings (M5.1), bound from the <c>Sandbox</c> section and validated at start-up: the output-check k,
/// the limits every job runs under, and how the worker runs jobs.
/// </summary>
public sealed class SandboxJobOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>k: the fewest source records behind a released row of a <c>full</c> job (M5.1, default 10).</summary>
    public int MinRecordsPerRow { get; set; } = OutputCheckPolicy.DefaultMinRecordsPerRow;

    /// <summary>n of the (n, p) dominance rule (issue 14 item 3, default 2).</summary>
    public int DominanceContributors { get; set; } = OutputCheckPolicy.DefaultDominanceContributors;

    /// <summary>p of the (n, p) dominance rule, in percent (default 85).</summary>
    public double DominancePercent { get; set; } = OutputCheckPolicy.DefaultDominanceShare * 100;

    /// <summary>Released counts are rounded to a multiple of this (default 5; 1 = not rounded).</summary>
    public int RoundingBase { get; set; } = OutputCheckPolicy.DefaultRoundingBase;

    /// <summary>How long the user's statement may run.</summary>
    public double TimeoutSeconds { get; set; } = SandboxLimits.Default.Timeout.TotalSeconds;

    /// <summary>The engine's memory, for the loaded tables and the query together.</summary>
    public int MemoryLimitMb { get; set; } = SandboxLimits.Default.MemoryLimitMb;

    /// <summary>The engine's threads per job.</summary>
    public int MaxThreads { get; set; } = SandboxLimits.Default.MaxThreads;

    /// <summary>The row cap of a result (a <c>full</c> result over it is withheld, a <c>sample</c> result is cut).</summary>
    public int MaxResultRows { get; set; } = SandboxLimits.Default.MaxResultRows;

    /// <summary>Jobs one worker instance runs at once; others wait their turn (still queued).</summary>
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>How often a running job looks whether it must stop (cancelled, operator suspended, grant revoked).</summary>
    public double CancellationPollSeconds { get; set; } = 1;

    /// <summary>Issue 14 item 5: default query budget of a grant — <c>full</c> jobs per China day (the authority may set another per grant).</summary>
    public int FullJobsPerDay { get; set; } = SandboxBudgetRules.DefaultFullJobsPerDay;

    public SandboxLimits ToLimits() => new(TimeSpan.FromSeconds(TimeoutSeconds), MemoryLimitMb, MaxThreads, MaxResultRows);

    public OutputCheckPolicy ToPolicy() => new(MinRecordsPerRow)
    {
        DominanceContributors = DominanceContributors,
        DominanceShare = DominancePercent / 100,
        RoundingBase = RoundingBase,
    };

    /// <summary>Problems with the settings, each naming its setting; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (MinRecordsPerRow is < 1 or > 1_000_000)
        {
            failures.Add($"{SectionName}:{nameof(MinRecordsPerRow)} must be a whole number from 1 to 1000000; it is {MinRecordsPerRow}.");
        }

        if (DominanceContributors is < 1 or > 100)
        {
            failures.Add($"{SectionName}:{nameof(DominanceContributors)} must be from 1 to 100; it is {DominanceContributors}.");
        }

        if (!double.IsFinite(DominancePercent) || DominancePercent is <= 0 or > 100)
        {
            failures.Add($"{SectionName}:{nameof(DominancePercent)} must be more than 0 and at most 100; it is {DominancePercent}.");
        }

        if (RoundingBase is < 1 or > 1000)
        {
            failures.Add($"{SectionName}:{nameof(RoundingBase)} must be from 1 to 1000; it is {RoundingBase}.");
        }

        var timeoutValid = double.IsFinite(TimeoutSeconds) && TimeoutSeconds > 0 && TimeoutSeconds <= 3600;
        if (!timeoutValid)
        {
            failures.Add($"{SectionName}:{nameof(TimeoutSeconds)} must be more than 0 and at most 3600 seconds; it is {TimeoutSeconds}.");
        }

        var names = new Dictionary<string, string>
        {
            [nameof(SandboxLimits.MemoryLimitMb)] = nameof(MemoryLimitMb),
            [nameof(SandboxLimits.MaxThreads)] = nameof(MaxThreads),
            [nameof(SandboxLimits.MaxResultRows)] = nameof(MaxResultRows),
        };
        var limits = new SandboxLimits(timeoutValid ? TimeSpan.FromSeconds(TimeoutSeconds) : SandboxLimits.Default.Timeout, MemoryLimitMb, MaxThreads, MaxResultRows);
        foreach (var (property, problem) in limits.Validate())
        {
            failures.Add($"{SectionName}:{names.GetValueOrDefault(property, property)} {problem}.");
        }

        if (MaxConcurrentJobs is < 1 or > 64)
        {
            failures.Add($"{SectionName}:{nameof(MaxConcurrentJobs)} must be from 1 to 64; it is {MaxConcurrentJobs}.");
        }

        if (!double.IsFinite(CancellationPollSeconds) || CancellationPollSeconds < 0.05 || CancellationPollSeconds > 60)
        {
            failures.Add($"{SectionName}:{nameof(CancellationPollSeconds)} must be from 0.05 to 60 seconds; it is {CancellationPollSeconds}.");
        }

        if (FullJobsPerDay is < 1 or > SandboxBudgetRules.MaxFullJobsPerDay)
        {
            failures.Add($"{SectionName}:{nameof(FullJobsPerDay)} must be from 1 to {SandboxBudgetRules.MaxFullJobsPerDay}; it is {FullJobsPerDay}.");
        }

        return failures;
    }
}
