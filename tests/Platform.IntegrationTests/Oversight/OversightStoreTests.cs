using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Platform.Adapters.Disclosure;
using Platform.Adapters.Oversight;
using Platform.Domain.Disclosure;
using Platform.Domain.Errors;
using Platform.Domain.Oversight;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Oversight;

[Collection(AzuriteCollection.Name)]
public sealed class OversightStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 1, 0, 0, TimeSpan.Zero);
    private readonly TableServiceClient _tables = new(AzuriteFixture.ConnectionString);
    private readonly BlobServiceClient _blobs = new(AzuriteFixture.ConnectionString);
    private readonly string _container = $"snapshots-{Guid.NewGuid():N}"[..30];
    private readonly string _unique = Guid.NewGuid().ToString("N")[..12];

    public OversightStoreTests(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _blobs.GetBlobContainerClient(_container).DeleteIfExistsAsync();

    [Fact]
    public async Task TryMarkAsync_SameStepAndItemTwice_OnlyTheFirstCreatesAndOtherStepsAreSeparate()
    {
        var store = new TableSweepMarkStore(_tables);
        var item = $"plan-{_unique}";

        var before = await store.IsMarkedAsync("filing-overdue", item);
        var first = await store.TryMarkAsync("filing-overdue", item, Now);
        var second = await store.TryMarkAsync("filing-overdue", item, Now.AddDays(1));
        var otherStep = await store.TryMarkAsync("evaluation-overdue", item, Now);

        Assert.Equal((false, true, false, true), (before, first, second, otherStep));
        Assert.True(await store.IsMarkedAsync("filing-overdue", item));
    }

    [Fact]
    public async Task AddAsync_SecondEvaluationOfTheSameYear_409AndTheFirstIsKept()
    {
        var store = new TableEvaluationStore(_tables);
        var agreementId = $"agr-{_unique}";
        var first = new OperatorEvaluation(agreementId, "org-op-1", 2025, EvaluationGrade.Excellent, 92, "数据安全管理规范，产品丰富", "鄂数评〔2026〕1号", Now, "authority-1");
        await store.AddAsync(first);
        await store.AddAsync(first with { Year = 2024, Grade = EvaluationGrade.Pass, Score = 65 });

        var error = await Assert.ThrowsAsync<DomainException>(() => store.AddAsync(first with { Grade = EvaluationGrade.Fail, Score = 10 }));
        var listed = await store.ListAsync(agreementId);
        var read = await store.GetAsync(agreementId, 2025);

        Assert.Equal((FailureKind.Conflict, "evaluation.already_recorded"), (error.Kind, error.Code));
        Assert.Equal([2024, 2025], listed.Select(e => e.Year));
        Assert.Equal(first, read);
        Assert.Null(await store.GetAsync(agreementId, 2026));
    }

    [Fact]
    public async Task TryCreateAsync_YearAlreadyPublished_FalseAndNeitherJsonNorCsvOverwritten()
    {
        var store = new BlobDisclosureSnapshotStore(_blobs, new DisclosureSnapshotOptions { SnapshotContainer = _container });
        var first = Snapshot("湖北数据运营有限公司");

        var created = await store.TryCreateAsync(first);
        await store.CreateCsvIfMissingAsync(2026, DisclosureCsv.ForSnapshot(first));
        var again = await store.TryCreateAsync(Snapshot("另一家公司"));
        await store.CreateCsvIfMissingAsync(2026, DisclosureCsv.ForSnapshot(Snapshot("另一家公司")));
        var read = await store.GetAsync(2026);
        var csv = await store.GetCsvAsync(2026);

        Assert.Equal((true, false), (created, again));
        Assert.Equal("湖北数据运营有限公司", read!.Operators.Single().OperatorName);
        Assert.Equal(first.Authorizations, read.Authorizations);
        Assert.Equal(DisclosureCsv.ForSnapshot(first), csv);
        Assert.Null(await store.GetAsync(2025));
        Assert.Null(await store.GetCsvAsync(2025));
    }

    private static DisclosureSnapshot Snapshot(string operatorName)
    {
        var authorization = new AuthorizationDisclosure("agr-1", "org-op-1", operatorName, "91420100MA4K0000XX", "湖北省公共数据授权运营实施方案",
            Platform.Domain.Plans.PlanMode.Whole, "420000", Platform.Domain.Agreements.SelectionMethod.PublicTender, new DateOnly(2026, 2, 1), new DateOnly(2029, 1, 31),
            Platform.Domain.Agreements.AgreementStatus.Active);
        return new DisclosureSnapshot(2026, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), Now, [authorization],
            [new OperatorDisclosure("org-op-1", operatorName, "91420100MA4K0000XX", "420100", [authorization], [], [])]);
    }
}
