using System.Globalization;
using Platform.Domain.Errors;

namespace Platform.Domain.Sandbox;

/// <summary>
/// A grant's ε budget (issue 14 item 5): the ε each <c>full</c> job spends, the grant's total, what its jobs have spent and
/// what is left. Shown on the grant and on its release control.
/// </summary>
public sealed record SandboxNoiseBudgetView(double EpsilonPerJob, double EpsilonTotal, double EpsilonSpent, double EpsilonRemaining, int NoisyJobs);

/// <summary>One job's spend of a grant's ε budget: slot 1, 2, ... in the order they were taken.</summary>
public sealed record SandboxNoiseSpend(int Slot, string JobId, double Epsilon);

/// <summary>
/// The spends of grants' ε budgets, one row per job, numbered. Taking slot n + 1 is a conditional insert made only after
/// reading slots 1..n, so two submissions at the same instant cannot both spend the last of a budget.
/// </summary>
public interface ISandboxNoiseBudgetStore
{
    /// <summary>The grant's spends, in slot order.</summary>
    Task<IReadOnlyList<SandboxNoiseSpend>> ListAsync(string grantId, CancellationToken cancellationToken = default);

    /// <summary>Takes slot <paramref name="spend"/>.Slot; false when another job holds it (true when this job already does).</summary>
    Task<bool> TryReserveAsync(string grantId, SandboxNoiseSpend spend, CancellationToken cancellationToken = default);
}

/// <summary>The rules of the ε budget (issue 14 item 5; M5.1).</summary>
public static class SandboxNoiseBudgetRules
{
    public const string ExhaustedCode = "sandbox.noise_budget_exhausted";

    // Sums of decimal fractions (0.1 + 0.2) must not refuse the last job of a budget that holds it exactly.
    private const double Tolerance = 1e-9;

    public static SandboxNoiseBudgetView Of(SandboxReleaseControl control, IReadOnlyList<SandboxNoiseSpend> spends)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(spends);
        var perJob = control.NoiseEpsilonPerJob ?? 0;
        var total = control.NoiseEpsilonTotal ?? 0;
        var spent = spends.Sum(spend => spend.Epsilon);
        return new SandboxNoiseBudgetView(perJob, total, Math.Round(spent, 9), Math.Max(0, Math.Round(total - spent, 9)), spends.Count);
    }

    /// <summary>
    /// M5.1: a <c>full</c> job that would spend more ε than the grant has left is refused (409 <see cref="ExhaustedCode"/>); the
    /// budget does not renew — the authority decides whether to raise it.
    /// </summary>
    public static void EnsureAvailable(SandboxNoiseBudgetView budget, string grantId)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.EpsilonSpent + budget.EpsilonPerJob > budget.EpsilonTotal + Tolerance)
        {
            throw new DomainException(FailureKind.Conflict, ExhaustedCode,
                $"Grant '{grantId}' has spent {Show(budget.EpsilonSpent)} of its noise budget of ε = {Show(budget.EpsilonTotal)}; a full job needs {Show(budget.EpsilonPerJob)}. Only the authority can raise the budget.");
        }
    }

    private static string Show(double epsilon) => epsilon.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>Reads and spends a grant's ε budget, as its release control sets it (issue 14 item 5).</summary>
public sealed class SandboxNoiseBudget(ISandboxReleaseControlStore controls, ISandboxNoiseBudgetStore spends)
{
    /// <summary>The grant's ε budget; null when the grant adds no noise.</summary>
    public async Task<SandboxNoiseBudgetView?> OfAsync(string grantId, CancellationToken cancellationToken = default) =>
        await OfAsync(grantId, (await controls.GetAsync(grantId, cancellationToken))?.Value, cancellationToken);

    /// <summary>The ε budget under <paramref name="control"/>, the grant's release control already read (null: none set).</summary>
    public async Task<SandboxNoiseBudgetView?> OfAsync(string grantId, SandboxReleaseControl? control, CancellationToken cancellationToken = default) =>
        control is { AddsNoise: true } ? SandboxNoiseBudgetRules.Of(control, await spends.ListAsync(grantId, cancellationToken)) : null;

    /// <summary>
    /// M5.1: spends the grant's ε per job for <paramref name="jobId"/> and returns it, or null when the grant adds no noise;
    /// 409 when the budget cannot hold it. A resubmission of the same job spends nothing more.
    /// </summary>
    public async Task<double?> ReserveAsync(string grantId, string jobId, SandboxReleaseControl? control, CancellationToken cancellationToken = default)
    {
        if (control is not { AddsNoise: true })
        {
            return null;
        }

        while (true)
        {
            var taken = await spends.ListAsync(grantId, cancellationToken);
            if (taken.FirstOrDefault(spend => spend.JobId == jobId) is { } own)
            {
                return own.Epsilon;
            }

            SandboxNoiseBudgetRules.EnsureAvailable(SandboxNoiseBudgetRules.Of(control, taken), grantId);
            var epsilon = control.NoiseEpsilonPerJob!.Value;
            if (await spends.TryReserveAsync(grantId, new SandboxNoiseSpend(taken.Count + 1, jobId, epsilon), cancellationToken))
            {
                return epsilon;
            }
        }
    }
}

/// <summary>
/// What a <c>full</c> submission spends before its job exists (issue 14 item 5; M5.1): a slot of the grant's daily query budget,
/// then, where the authority set noise, the job's ε — in that order, so a refused day does not cost ε.
/// </summary>
public sealed class SandboxFullJobBudgets(ISandboxReleaseControlStore controls, SandboxBudget daily, SandboxNoiseBudget noise)
{
    /// <summary>Spends both for <paramref name="jobId"/>, under one reading of the grant's release control; returns the job's ε, or null when the grant adds no noise.</summary>
    public async Task<double?> ReserveAsync(string grantId, string jobId, CancellationToken cancellationToken = default)
    {
        var control = (await controls.GetAsync(grantId, cancellationToken))?.Value;
        await daily.ReserveAsync(grantId, jobId, control, cancellationToken);
        return await noise.ReserveAsync(grantId, jobId, control, cancellationToken);
    }
}
