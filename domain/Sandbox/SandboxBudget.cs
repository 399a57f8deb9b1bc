using Platform.Domain.Errors;
using Platform.Domain.Time;

namespace Platform.Domain.Sandbox;

/// <summary>A grant's query budget today: <c>full</c> jobs allowed per China day, used so far, left, and when it renews (UTC).</summary>
public sealed record SandboxBudgetView(int PerDay, int UsedToday, int Remaining, DateTimeOffset RenewsAt);

/// <summary>Issue 14 item 5: the per-grant query budget of <c>full</c> jobs (M5.1: unlimited repetition would let results be differenced).</summary>
public static class SandboxBudgetRules
{
    public const int DefaultFullJobsPerDay = 50;
    public const int MaxFullJobsPerDay = 10_000;
    public const string ExhaustedCode = "sandbox.budget_exhausted";

    /// <summary>M5.1: the budget of a China day; it renews at 00:00 CST.</summary>
    public static SandboxBudgetView Of(int perDay, int usedToday, DateTimeOffset now)
        => new(perDay, usedToday, Math.Max(0, perDay - usedToday), ChinaTime.EndOfDayUtc(ChinaTime.LegalDate(now)));

    /// <summary>M5.1: a <c>full</c> job over a spent budget is refused, 429 <see cref="ExhaustedCode"/> with <c>Retry-After</c> until the budget renews.</summary>
    public static void EnsureAvailable(SandboxBudgetView budget, string grantId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.Remaining <= 0)
        {
            throw new RateLimitedException(ExhaustedCode,
                $"Grant '{grantId}' has used its query budget of {budget.PerDay} full job(s) today (China time); it renews at {budget.RenewsAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}.",
                budget.RenewsAt - now);
        }
    }
}

/// <summary>Reads a grant's budget: the authority's per-grant figure, else the setting; used = full jobs submitted since 00:00 CST.</summary>
public sealed class SandboxBudget(ISandboxReleaseControlStore controls, ISandboxJobStore jobs, SandboxJobOptions options, IClock clock)
{
    public async Task<SandboxBudgetView> OfAsync(string grantId, CancellationToken cancellationToken = default)
    {
        var now = clock.UtcNow;
        var perDay = (await controls.GetAsync(grantId, cancellationToken))?.Value.FullJobsPerDay ?? options.FullJobsPerDay;
        var used = await jobs.CountFullSubmittedSinceAsync(grantId, ChinaTime.StartOfDayUtc(ChinaTime.LegalDate(now)), cancellationToken);
        return SandboxBudgetRules.Of(perDay, used, now);
    }

    public async Task EnsureAvailableAsync(string grantId, CancellationToken cancellationToken = default)
        => SandboxBudgetRules.EnsureAvailable(await OfAsync(grantId, cancellationToken), grantId, clock.UtcNow);
}
