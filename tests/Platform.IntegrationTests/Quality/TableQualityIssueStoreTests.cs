using Azure.Data.Tables;
using Platform.Adapters.Quality;
using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Platform.Domain.Quality;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Quality;

[Collection(AzuriteCollection.Name)]
public sealed class TableQualityIssueStoreTests(AzuriteFixture azurite)
{
    private readonly TableQualityIssueStore _store = new(new TableServiceClient(azurite.StorageConnectionString));
    private readonly string _provider = "org-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task QualityIssueStore_AddReplaceAndList_ChineseTextRoundTripsAndSweepCandidatesFollowTheState()
    {
        var raisedAt = new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
        var first = NewIssue("qis-" + Guid.NewGuid().ToString("N")[..12], raisedAt);
        var second = NewIssue("qis-" + Guid.NewGuid().ToString("N")[..12], raisedAt.AddDays(1));
        var etag = await _store.AddAsync(first);
        await _store.AddAsync(second);

        var escalated = QualityIssueRules.MarkOverdue(first, raisedAt.AddDays(8));
        await _store.ReplaceAsync(escalated, etag);
        var stale = await Assert.ThrowsAsync<DomainException>(() => _store.ReplaceAsync(first, etag));
        var read = await _store.GetAsync(first.Id);
        var ofYear = await _store.ListForProviderAsync(_provider, 2026);
        var candidates = (await _store.ListAwaitingUnescalatedAsync()).Where(i => i.ProviderId == _provider).ToList();
        var open = await _store.ListAsync(new QualityIssueQuery(ProviderId: _provider, Status: QualityIssueStatus.Open), 50, null);

        Assert.Equal("concurrency.etag_mismatch", stale.Code);
        Assert.Equal(("区县名称错误", true), (read!.Value.Description, read.Value.Overdue));
        Assert.Equal(2, ofYear.Count);
        Assert.Empty(await _store.ListForProviderAsync(_provider, 2025));
        Assert.Equal([second.Id], candidates.Select(i => i.Id));
        Assert.Equal(2, open.Items.Count);
    }

    private QualityIssue NewIssue(string id, DateTimeOffset raisedAt)
    {
        var deadline = ReviewDeadline.Compute(raisedAt, 5, ShippedCalendars.Calendar);
        var valid = QualityIssueRules.Validate(new QualityIssueDraft("res-1", QualityIssueKind.Fields, ["区县"], null, "区县名称错误", null));
        return QualityIssueRules.Create(id, valid, "社区养老服务登记", _provider, ["区县"], new Caller("u", Roles.Operator, "org-operator"), deadline, raisedAt);
    }
}
