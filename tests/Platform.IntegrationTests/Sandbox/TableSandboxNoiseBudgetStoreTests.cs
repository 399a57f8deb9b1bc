using Azure.Data.Tables;
using Platform.Adapters.Sandbox;
using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Sandbox;

/// <summary>Issue 14 item 5: a grant's ε budget is spent by numbered conditional inserts, so a race cannot overspend it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableSandboxNoiseBudgetStoreTests(AzuriteFixture azurite)
{
    private readonly TableSandboxNoiseBudgetStore _store = new(new TableServiceClient(AzuriteFixture.ConnectionString));
    private readonly TableSandboxReleaseControlStore _controls = new(new TableServiceClient(AzuriteFixture.ConnectionString));
    private readonly string _grant = $"grt-{Guid.NewGuid():N}";

    [Fact]
    public async Task ReserveAsync_TwentySubmissionsAtOnceForFiveJobsOfEpsilon_ExactlyFiveSpend()
    {
        Assert.NotNull(azurite);
        var control = new SandboxReleaseControl(_grant, false, [], "auth", DateTimeOffset.UtcNow, null, 0.2, 1.0);
        await _controls.SaveAsync(control, null);
        var budget = new SandboxNoiseBudget(_controls, _store);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 20).Select(async i =>
        {
            try
            {
                return await budget.ReserveAsync(_grant, $"sbx-{i}", control) is not null;
            }
            catch (DomainException e) when (e.Code == SandboxNoiseBudgetRules.ExhaustedCode)
            {
                return false;
            }
        }));

        Assert.Equal(5, outcomes.Count(spent => spent));
        var spends = await _store.ListAsync(_grant);
        Assert.Equal([1, 2, 3, 4, 5], spends.Select(s => s.Slot));
        Assert.Equal(5, spends.Select(s => s.JobId).Distinct().Count());
        var view = await budget.OfAsync(_grant);
        Assert.Equal((1.0, 0.0, 5), (view!.EpsilonSpent, view.EpsilonRemaining, view.NoisyJobs));
    }

    [Fact]
    public async Task TryReserveAsync_SameJobAgain_HoldsItsSlotAnotherJobDoesNot()
    {
        Assert.NotNull(azurite);

        Assert.True(await _store.TryReserveAsync(_grant, new SandboxNoiseSpend(1, "sbx-a", 0.5)));
        Assert.True(await _store.TryReserveAsync(_grant, new SandboxNoiseSpend(1, "sbx-a", 0.5)));
        Assert.False(await _store.TryReserveAsync(_grant, new SandboxNoiseSpend(1, "sbx-b", 0.5)));
        Assert.Equal([new SandboxNoiseSpend(1, "sbx-a", 0.5)], await _store.ListAsync(_grant));
    }
}
