using Azure.Data.Tables;
using Platform.Adapters.Sandbox;
using Platform.Domain.Sandbox;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Sandbox;

/// <summary>
/// Issue 14 item 5: a job reads the fingerprints of its own cells only. A grant that has released many results is read key by
/// key, so the differencing check does not slow down with the grant's history.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableSandboxCellFingerprintStoreTests(AzuriteFixture azurite)
{
    private readonly string _grant = $"grt-{Guid.NewGuid():N}";

    /// <summary>20 cells, each released twice with different subject counts (40 rows).</summary>
    private static readonly IReadOnlyList<CellFingerprint> History =
        [.. Enumerable.Range(0, 20).SelectMany(i => new[] { new CellFingerprint($"{i:x2}{new string('a', 30)}", 10 + i), new CellFingerprint($"{i:x2}{new string('a', 30)}", 100 + i) })];

    [Theory]
    [InlineData(1_000)]
    [InlineData(10)]
    public async Task ListAsync_GrantWithHistory_OnlyTheCellsAskedForWithEveryCount(int scanLimit)
    {
        Assert.NotNull(azurite);
        var store = new TableSandboxCellFingerprintStore(new TableServiceClient(AzuriteFixture.ConnectionString), scanLimit);
        await store.AddAsync(_grant, History);
        await store.AddAsync($"{_grant}-other", [new CellFingerprint(History[0].Key, 7)]);
        string[] asked = [History[0].Key, History[10].Key, $"ff{new string('a', 30)}"];

        var found = await store.ListAsync(_grant, asked);

        Assert.Equal(
            [new CellFingerprint(History[0].Key, 10), new CellFingerprint(History[0].Key, 100), new CellFingerprint(History[10].Key, 15), new CellFingerprint(History[10].Key, 105)],
            found.OrderBy(c => c.Key, StringComparer.Ordinal).ThenBy(c => c.Subjects));
        Assert.Empty(await store.ListAsync(_grant, []));
    }
}
