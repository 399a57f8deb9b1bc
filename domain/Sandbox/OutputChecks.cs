using System.Text.Json.Serialization;
using Platform.Domain.Catalog;

namespace Platform.Domain.Sandbox;

/// <summary>The disclosure-control settings of <c>full</c> results (domain/Sandbox/README.md, issue 14 items 2–3).</summary>
/// <param name="MinRecordsPerRow">k: the fewest distinct data subjects behind a released row and behind each released cell (default 10).</param>
public sealed record OutputCheckPolicy(int MinRecordsPerRow)
{
    public const int DefaultMinRecordsPerRow = 10;
    public const int DefaultDominanceContributors = 2;
    public const double DefaultDominanceShare = 0.85;
    public const int DefaultRoundingBase = 5;

    public static OutputCheckPolicy Default { get; } = new(DefaultMinRecordsPerRow);

    /// <summary>n of the (n, p) dominance rule: a sum/avg/max/min cell whose n largest contributors hold more than p of the total is suppressed.</summary>
    public int DominanceContributors { get; init; } = DefaultDominanceContributors;

    /// <summary>p of the (n, p) dominance rule, as a share (0.85 = 85 %).</summary>
    public double DominanceShare { get; init; } = DefaultDominanceShare;

    /// <summary>Released counts are rounded to a multiple of this (1 = not rounded).</summary>
    public int RoundingBase { get; init; } = DefaultRoundingBase;

    /// <summary>
    /// Issue 14 item 5: the ε of Laplace noise the job's released aggregates carry (reserved from the grant's budget when the job
    /// was submitted); null = no noise.
    /// </summary>
    public double? NoiseEpsilon { get; init; }

    /// <summary>Where the noise draws from: null = the operating system's cryptographic generator (tests pass a fixed one).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public INoiseSource? NoiseSource { get; init; }

    /// <summary>Problems with the policy, each naming its property; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (MinRecordsPerRow < 1)
        {
            failures.Add($"{nameof(MinRecordsPerRow)} must be at least 1.");
        }

        if (DominanceContributors is < 1 or > 100)
        {
            failures.Add($"{nameof(DominanceContributors)} must be from 1 to 100.");
        }

        if (!double.IsFinite(DominanceShare) || DominanceShare is <= 0 or > 1)
        {
            failures.Add($"{nameof(DominanceShare)} must be more than 0 and at most 1.");
        }

        if (RoundingBase is < 1 or > 1000)
        {
            failures.Add($"{nameof(RoundingBase)} must be from 1 to 1000.");
        }

        if (NoiseEpsilon is { } epsilon && !(double.IsFinite(epsilon) && epsilon > 0))
        {
            failures.Add($"{nameof(NoiseEpsilon)} must be a positive number when set.");
        }

        return failures;
    }
}

[JsonConverter(typeof(WireEnumConverter<OutputRuleStatus>))]
public enum OutputRuleStatus
{
    [JsonStringEnumMemberName("passed")]
    Passed,

    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not evaluated because an earlier rule already withheld the result.</summary>
    [JsonStringEnumMemberName("not_evaluated")]
    NotEvaluated,
}

/// <param name="Rule">One of <see cref="OutputRules"/>.</param>
public sealed record OutputRuleResult(string Rule, OutputRuleStatus Status, IReadOnlyList<string> Reasons);

/// <summary>How a <c>full</c> job's output fared against the output checks (domain/Sandbox/README.md).</summary>
/// <param name="SuppressedRows">Rows withheld because fewer than k records stood behind them (how many, never which).</param>
public sealed record OutputCheckOutcome(
    bool Passed,
    int MinRecordsPerRow,
    long SuppressedRows,
    long ReleasedRows,
    IReadOnlyList<OutputRuleResult> Rules)
{
    /// <summary>How many cells each rule suppressed (never which, never their values); keyed by rule name.</summary>
    public IReadOnlyDictionary<string, long> SuppressedCells { get; init; } = new Dictionary<string, long>();

    /// <summary>The base released counts were rounded to.</summary>
    public int RoundingBase { get; init; } = 1;

    /// <summary>Issue 14 item 5: the ε of the Laplace noise the released aggregates carry; null when the grant adds none.</summary>
    public double? NoiseEpsilon { get; init; }

    public IEnumerable<OutputRuleResult> Failures => Rules.Where(rule => rule.Status == OutputRuleStatus.Failed);
}

