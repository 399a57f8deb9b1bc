using Azure.Data.Tables;
using Platform.Adapters.Sandbox;
using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Platform.Domain.Time;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Sandbox;

/// <summary>Issue 14 item 5: a grant's daily budget slots are taken by conditional inserts, so a race cannot overspend it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableSandboxBudgetStoreTests(AzuriteFixture azurite)
{
    private readonly TableSandboxBudgetStore _store = new(new TableServiceClient(AzuriteFixture.ConnectionString));
    private readonly string _grant = $"grt-{Guid.NewGuid():N}";

    [Fact]
    public async Task ReserveAsync_TwentySubmissionsAtOnceForFiveSlots_ExactlyFiveTaken()
    {
        Assert.NotNull(azurite);
        var clock = new FixedClock(new DateTimeOffset(2026, 12, 6, 15, 59, 0, TimeSpan.Zero));
        var budget = new SandboxBudget(_store, new SandboxJobOptions { FullJobsPerDay = 5 }, clock);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 20).Select(async i =>
        {
            try
            {
                await budget.ReserveAsync(_grant, $"sbx-{i}", control: null);
                return true;
            }
            catch (RateLimitedException e) when (e.Code == SandboxBudgetRules.ExhaustedCode)
            {
                return false;
            }
        }));

        Assert.Equal(5, outcomes.Count(taken => taken));
        Assert.Equal(5, await _store.CountAsync(_grant, ChinaTime.LegalDate(clock.UtcNow)));
        Assert.Equal(0, await _store.CountAsync(_grant, ChinaTime.LegalDate(clock.UtcNow).AddDays(1)));
        Assert.Equal(5, (await budget.OfAsync(_grant, control: null)).UsedToday);
    }

    [Fact]
    public async Task TryReserveAsync_SameJobAgain_HoldsItsSlotAnotherJobDoesNot()
    {
        Assert.NotNull(azurite);
        var day = new DateOnly(2026, 12, 7);

        Assert.True(await _store.TryReserveAsync(_grant, day, 1, "sbx-a"));
        Assert.True(await _store.TryReserveAsync(_grant, day, 1, "sbx-a"));
        Assert.False(await _store.TryReserveAsync(_grant, day, 1, "sbx-b"));
        Assert.Equal(1, await _store.CountAsync(_grant, day));
    }

    private sealed class FixedClock(DateTimeOffset now) : IClock
    {
        public DateTimeOffset UtcNow => now;
    }
}
