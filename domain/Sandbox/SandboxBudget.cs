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

/// <summary>
/// The slots of a grant's daily budget of <c>full</c> jobs (issue 14 item 5): one row per job and China day, numbered 1, 2, ...
/// Reserving a slot is a conditional insert, so two submissions at the same instant cannot both take the last one.
/// </summary>
public interface ISandboxBudgetStore
{
    /// <summary>How many slots of <paramref name="day"/> (a China date) the grant has used.</summary>
    Task<int> CountAsync(string grantId, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Takes slot <paramref name="slot"/> of <paramref name="day"/> for <paramref name="jobId"/>; false when another job holds it.</summary>
    Task<bool> TryReserveAsync(string grantId, DateOnly day, int slot, string jobId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Reads and spends a grant's budget: the authority's per-grant figure (from the grant's release control, read by the caller),
/// else the setting; used = slots taken today (China time).
/// </summary>
public sealed class SandboxBudget(ISandboxBudgetStore slots, SandboxJobOptions options, IClock clock)
{
    /// <summary>The budget under <paramref name="control"/>, the grant's release control already read (null: none set).</summary>
    public async Task<SandboxBudgetView> OfAsync(string grantId, SandboxReleaseControl? control, CancellationToken cancellationToken = default)
    {
        var now = clock.UtcNow;
        return SandboxBudgetRules.Of(PerDay(control), await slots.CountAsync(grantId, ChinaTime.LegalDate(now), cancellationToken), now);
    }

    /// <summary>
    /// M5.1: takes the next slot of today's budget for <paramref name="jobId"/>, or refuses with 429 when none is left. A slot
    /// lost to a submission at the same instant sends it to the next one; the budget bounds the attempts.
    /// </summary>
    public async Task ReserveAsync(string grantId, string jobId, SandboxReleaseControl? control, CancellationToken cancellationToken = default)
    {
        var now = clock.UtcNow;
        var day = ChinaTime.LegalDate(now);
        var perDay = PerDay(control);
        var used = await slots.CountAsync(grantId, day, cancellationToken);
        while (true)
        {
            SandboxBudgetRules.EnsureAvailable(SandboxBudgetRules.Of(perDay, used, now), grantId, now);
            if (await slots.TryReserveAsync(grantId, day, used + 1, jobId, cancellationToken))
            {
                return;
            }

            used++;
        }
    }

    private int PerDay(SandboxReleaseControl? control) => control?.FullJobsPerDay ?? options.FullJobsPerDay;
}
