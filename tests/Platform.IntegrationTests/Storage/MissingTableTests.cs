using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Platform.Adapters.Audit;
using Platform.Adapters.Storage;
using Platform.Domain.Audit;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Health;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Storage;

/// <summary>
/// Issue 20 item 9: a table the platform expects that disappears (storage reset, fresh account) is created again by the
/// stores on their next call — reads, queries, transactions and audit appends — instead of failing with TableNotFound.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MissingTableTests(AzuriteFixture azurite)
{
    private sealed record Note(string Id, string Text);

    private readonly TableServiceClient _platformTables = new StorageConnectionOptions { ConnectionString = azurite.StorageConnectionString }.CreateTableServiceClient();
    private readonly TableServiceClient _admin = new(AzuriteFixture.ConnectionString);

    [Fact]
    public async Task JsonTableStore_TableDeletedBetweenCalls_RecreatedByReadsQueriesAndTransactions()
    {
        var table = "miss" + Guid.NewGuid().ToString("N")[..16];
        var store = new JsonTableStore<Note>(_platformTables, table, "notes", "note");
        try
        {
            await store.AddAsync("n1", new Note("n1", "湖北"));
            Assert.NotNull(await store.GetAsync("n1"));

            await _admin.DeleteTableAsync(table);
            Assert.Null(await store.GetAsync("n1"));

            await _admin.DeleteTableAsync(table);
            Assert.Empty(await store.QueryAllAsync(null));

            await _admin.DeleteTableAsync(table);
            await store.AddAsync("n2", new Note("n2", "武汉"), new Dictionary<string, string> { ["text"] = "武汉" });
            Assert.Equal("武汉", (await store.GetAsync("n2"))!.Value.Text);
        }
        finally
        {
            await _admin.DeleteTableAsync(table);
        }
    }

    [Fact]
    public async Task TableAuditLog_TableDeletedUnderARunningLog_NextAppendRecreatesItAndTheNewChainVerifies()
    {
        var table = "audmiss" + Guid.NewGuid().ToString("N")[..16];
        var log = new TableAuditLog(_platformTables, Options.Create(new AuditOptions { TableName = table }), new SystemClock());
        var actor = new Caller("official-1", Roles.Authority, "湖北省数据局");
        try
        {
            await log.AppendAsync(new AuditRecord(actor, "plan.approved", "plans/1", null));
            await log.AppendAsync(new AuditRecord(actor, "plan.approved", "plans/2", null));

            await _admin.DeleteTableAsync(table);
            var first = await log.AppendAsync(new AuditRecord(actor, "plan.approved", "plans/3", null));

            Assert.Equal(1, first.Sequence);
            var verification = await log.VerifyAsync();
            Assert.True(verification.Valid, verification.Reason);
            Assert.Equal(1, verification.EntriesChecked);
        }
        finally
        {
            await _admin.DeleteTableAsync(table);
        }
    }
}
