using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Platform.Adapters.Audit;
using Platform.Domain.Audit;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Audit;

[Collection(AzuriteCollection.Name)]
public sealed class TableAuditLogTests : IAsyncLifetime
{
    private static readonly Caller Authority = new("official-1", Roles.Authority, "湖北省数据局");
    private static readonly Caller Operator = new("staff-7", Roles.Operator, "op-1");

    private readonly TableServiceClient _service = new(AzuriteFixture.ConnectionString);
    private readonly string _tableName = "audit" + Guid.NewGuid().ToString("N")[..20];

    public TableAuditLogTests(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DeleteTableAsync(_tableName);

    [Fact]
    public async Task AppendAsync_ParallelWritersInTwoProcesses_ProduceOneGaplessValidChain()
    {
        // Two instances stand for two Function hosts sharing one table: they only meet through ETags.
        var first = CreateLog();
        var second = CreateLog();
        const int Writers = 16;
        const int AppendsPerWriter = 200 / Writers + 1;
        var total = 0;

        var appended = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var log = writer % 2 == 0 ? first : second;
            var entries = new List<AuditEntry>();
            for (var i = 0; i < AppendsPerWriter && Interlocked.Increment(ref total) <= 200; i++)
            {
                entries.Add(await log.AppendAsync(new AuditRecord(Authority, "test.append", $"writers/{writer}/{i}", new { Writer = writer, Index = i })));
            }

            return entries;
        })));

        var sequences = appended.SelectMany(e => e).Select(e => e.Sequence).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), sequences);

        var stored = await ReadAllAsync(first);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), stored.Select(e => e.Sequence));

        var verification = await second.VerifyAsync();
        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(200, verification.EntriesChecked);
        Assert.Equal(200, verification.HeadSequence);
    }

    [Fact]
    public async Task AppendAsync_TwoLogsTakingTurns_EachSeesTheOthersHead()
    {
        // Each log caches the head it wrote last; the other's write makes that cache stale (412) and forces a re-read.
        var first = CreateLog();
        var second = CreateLog();

        var written = new List<AuditEntry>();
        for (var i = 0; i < 6; i++)
        {
            written.Add(await (i % 2 == 0 ? first : second).AppendAsync(new AuditRecord(Operator, "turn", $"turns/{i}", null)));
        }

        Assert.Equal([1, 2, 3, 4, 5, 6], written.Select(e => e.Sequence));
        Assert.All(written.Skip(1).Zip(written), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
        Assert.True((await first.VerifyAsync()).Valid);
    }

    [Fact]
    public async Task VerifyAsync_StoredActionEditedThroughTheTable_NamesExactlyThatSequence()
    {
        var log = CreateLog();
        for (var i = 0; i < 12; i++)
        {
            await log.AppendAsync(new AuditRecord(Authority, "plan.approved", $"plans/{i}", null));
        }

        Assert.True((await log.VerifyAsync()).Valid);

        var table = _service.GetTableClient(_tableName);
        var row = (await table.GetEntityAsync<TableEntity>("chain", TableAuditLog.RowKeyOf(7))).Value;
        row["Action"] = "plan.rejected";
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        var verification = await CreateLog().VerifyAsync();

        Assert.False(verification.Valid);
        Assert.Equal(7, verification.FirstBrokenSequence);
        Assert.Contains("7", verification.Reason);
    }

    [Fact]
    public async Task VerifyAsync_StoredEntryDeleted_NamesTheMissingSequence()
    {
        var log = CreateLog();
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync(new AuditRecord(Authority, "plan.approved", $"plans/{i}", null));
        }

        await _service.GetTableClient(_tableName).DeleteEntityAsync("chain", TableAuditLog.RowKeyOf(3));

        var verification = await log.VerifyAsync();

        Assert.False(verification.Valid);
        Assert.Equal(3, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task VerifyAsync_LastEntryDeleted_ReportsTruncation()
    {
        var log = CreateLog();
        for (var i = 0; i < 4; i++)
        {
            await log.AppendAsync(new AuditRecord(Authority, "plan.approved", $"plans/{i}", null));
        }

        await _service.GetTableClient(_tableName).DeleteEntityAsync("chain", TableAuditLog.RowKeyOf(4));

        var verification = await log.VerifyAsync();

        Assert.False(verification.Valid);
        Assert.Equal(4, verification.FirstBrokenSequence);
        Assert.Equal(4, verification.HeadSequence);
    }

    [Fact]
    public async Task VerifyAsync_EmptyLog_IsValid()
    {
        var verification = await CreateLog().VerifyAsync();

        Assert.True(verification.Valid);
        Assert.Equal(0, verification.EntriesChecked);
    }

    [Fact]
    public async Task AppendAsync_ChineseFields_RoundTripAndVerify()
    {
        var log = CreateLog();
        var written = await log.AppendAsync(new AuditRecord(Authority, "resource.published", "资源/人口基础信息", new { 名称 = "人口" }));

        var page = await log.QueryAsync(new AuditQuery(Target: "资源/人口基础信息"));

        var read = Assert.Single(page.Items);
        Assert.Equal(written, read);
        Assert.Equal("湖北省数据局", read.Organization);
        Assert.True((await log.VerifyAsync()).Valid);
    }

    [Fact]
    public async Task QueryAsync_PagesThroughFilteredEntries_InSequenceOrder()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(1));
        var log = CreateLog(clock);
        for (var i = 1; i <= 30; i++)
        {
            var actor = i % 3 == 0 ? Operator : Authority;
            await log.AppendAsync(new AuditRecord(actor, i % 2 == 0 ? "even.action" : "odd.action", $"items/{i}", null));
        }

        var operatorSequences = new List<long>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await log.QueryAsync(new AuditQuery(Actor: Operator.Subject, PageSize: 4, ContinuationToken: token));
            Assert.True(page.Items.Count <= 4);
            operatorSequences.AddRange(page.Items.Select(e => e.Sequence));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal([3, 6, 9, 12, 15, 18, 21, 24, 27, 30], operatorSequences);
        Assert.Equal(3, pages);

        var evenByOperator = await log.QueryAsync(new AuditQuery(Actor: Operator.Subject, Action: "even.action", Organization: "op-1"));
        Assert.Equal([6, 12, 18, 24, 30], evenByOperator.Items.Select(e => e.Sequence));
        Assert.Null(evenByOperator.ContinuationToken);

        // Entry n was stamped at 00:0n; From is inclusive and To exclusive.
        var window = await log.QueryAsync(new AuditQuery(
            From: new DateTimeOffset(2026, 3, 1, 0, 10, 0, TimeSpan.Zero),
            To: new DateTimeOffset(2026, 3, 1, 0, 15, 0, TimeSpan.Zero)));
        Assert.Equal([10, 11, 12, 13, 14], window.Items.Select(e => e.Sequence));

        var exact = await log.QueryAsync(new AuditQuery(Target: "items/17"));
        Assert.Equal(17, Assert.Single(exact.Items).Sequence);

        var none = await log.QueryAsync(new AuditQuery(Actor: "nobody"));
        Assert.Empty(none.Items);
        Assert.Null(none.ContinuationToken);
    }

    [Fact]
    public async Task QueryAsync_LastPageExactlyFull_HasNoContinuationToken()
    {
        var log = CreateLog();
        for (var i = 0; i < 6; i++)
        {
            await log.AppendAsync(new AuditRecord(Authority, "a", $"t/{i}", null));
        }

        var firstPage = await log.QueryAsync(new AuditQuery(PageSize: 3));
        var secondPage = await log.QueryAsync(new AuditQuery(PageSize: 3, ContinuationToken: firstPage.ContinuationToken));

        Assert.Equal([1, 2, 3], firstPage.Items.Select(e => e.Sequence));
        Assert.NotNull(firstPage.ContinuationToken);
        Assert.Equal([4, 5, 6], secondPage.Items.Select(e => e.Sequence));
        Assert.Null(secondPage.ContinuationToken);
    }

    [Fact]
    public async Task AppendAsync_ClockRunsBackwards_KeepsTimesNonDecreasingAlongTheChain()
    {
        var late = new SteppingClock(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), TimeSpan.Zero);
        var early = new SteppingClock(new DateTimeOffset(2026, 5, 1, 11, 59, 0, TimeSpan.Zero), TimeSpan.Zero);

        var first = await CreateLog(late).AppendAsync(new AuditRecord(Authority, "a", "t", null));
        var second = await CreateLog(early).AppendAsync(new AuditRecord(Authority, "b", "t", null));

        Assert.True(second.Time >= first.Time);
        Assert.True((await CreateLog().VerifyAsync()).Valid);
    }

    private TableAuditLog CreateLog(IClock? clock = null) =>
        new(_service, Options.Create(new AuditOptions { TableName = _tableName }), clock ?? new SystemClock());

    private static async Task<List<AuditEntry>> ReadAllAsync(IAuditLog log)
    {
        var all = new List<AuditEntry>();
        string? token = null;
        do
        {
            var page = await log.QueryAsync(new AuditQuery(PageSize: TableAuditLog.MaxPageSize, ContinuationToken: token));
            all.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return all;
    }

    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : IClock
    {
        private long _calls;

        public DateTimeOffset UtcNow => start + (step * Interlocked.Increment(ref _calls));
    }
}
