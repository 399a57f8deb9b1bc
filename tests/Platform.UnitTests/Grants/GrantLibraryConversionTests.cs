using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Security;
using Platform.UnitTests.DataRequests;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Grants;

/// <summary>Issue 18.1: the one-off conversion of a grant's CSV library copies to Parquet.</summary>
public sealed class GrantLibraryConversionTests
{
    private static readonly Caller Authority = new("auth-1", Roles.Authority, "org-authority");
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    private readonly InMemoryGrantStore _grants = new();
    private readonly ColumnarLibrary _library = new();
    private readonly RecordingAuditTrail _audit = new();

    private GrantLibraryConversion Conversion => new(_grants, _library, _audit);

    [Fact]
    public async Task ConvertAsync_CsvTable_RecordsParquetCopyAuditsAndRemovesTheCsv()
    {
        await _grants.AddAsync(Grant("grt-1", Table("people", LibraryFormat.Csv, "drq-1/res-1.csv")));

        var outcome = await Conversion.ConvertAsync("grt-1", Authority);

        Assert.Equal(["people"], outcome.Converted);
        var table = Assert.Single((await _grants.GetAsync("grt-1"))!.Value.Tables);
        Assert.Equal((LibraryFormat.Parquet, "drq-1/res-1.parquet", "parquet-sha"), (table.Format, table.BlobPath, table.Sha256));
        Assert.Equal(["lib-agr-1/drq-1/res-1.csv"], _library.Deleted);
        var record = Assert.Single(_audit.Records);
        Assert.Equal(("grant.library_converted", "grants/grt-1"), (record.Action, record.Target));
    }

    [Fact]
    public async Task ConvertAsync_Repeated_ConvertsNothingTheSecondTime()
    {
        await _grants.AddAsync(Grant("grt-2", Table("people", LibraryFormat.Csv, "drq-2/res-1.csv"), Table("firms", LibraryFormat.Parquet, "drq-2/res-2.parquet")));

        var first = await Conversion.ConvertAsync("grt-2", Authority);
        var second = await Conversion.ConvertAsync("grt-2", Authority);

        Assert.Equal(["people"], first.Converted);
        Assert.Equal(["firms"], first.AlreadyColumnar);
        Assert.Empty(second.Converted);
        Assert.Equal(["people", "firms"], second.AlreadyColumnar);
        Assert.Equal(1, _library.Conversions);
        Assert.Single(_audit.Records);
    }

    [Fact]
    public async Task ConvertAsync_RowCountDiffers_NothingRecordedOrRemoved()
    {
        await _grants.AddAsync(Grant("grt-3", Table("people", LibraryFormat.Csv, "drq-3/res-1.csv") with { RowCount = 41 }));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Conversion.ConvertAsync("grt-3", Authority));

        Assert.Equal(LibraryFormat.Csv, Assert.Single((await _grants.GetAsync("grt-3"))!.Value.Tables).Format);
        Assert.Empty(_library.Deleted);
        Assert.Empty(_audit.Records);
    }

    [Fact]
    public async Task ConvertAsync_OperatorCaller_NotFound()
    {
        await _grants.AddAsync(Grant("grt-4", Table("people", LibraryFormat.Csv, "drq-4/res-1.csv")));

        var error = await Assert.ThrowsAsync<DomainException>(() => Conversion.ConvertAsync("grt-4", new Caller("op-1", Roles.Operator, "org-op")));

        Assert.Equal("grant.not_found", error.Code);
        Assert.Equal(0, _library.Conversions);
    }

    private static Grant Grant(string id, params GrantTable[] tables) =>
        new(id, "agr-1", "scn-1", "org-op", "drq-1", "org-pv", tables, Now, Now.AddYears(1), GrantStatus.Active, null, null);

    private static GrantTable Table(string name, LibraryFormat format, string blobPath) =>
        new GrantTable(name, "res-1", "居民养老服务登记", "org-pv",
            [new GrantField("district", FieldType.String, FieldClassification.Public, FieldGrade.General, null),
             new GrantField("age", FieldType.Integer, FieldClassification.Public, FieldGrade.General, null)],
            "lib-agr-1", blobPath, "csv-sha", 42, 0, "msk-1") { Format = format };

    /// <summary>A store with a columnar form: converting gives a Parquet copy of 42 rows beside the CSV.</summary>
    private sealed class ColumnarLibrary : IAuthorizedDataLibrary
    {
        public int Conversions { get; private set; }

        public List<string> Deleted { get; } = [];

        public Task<LibraryCopyResult> WriteAsync(string container, string blobPath, Func<Stream, CancellationToken, Task<LibraryCopyResult>> write, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task<Stream> OpenReadAsync(string container, string blobPath, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<LibraryCopyResult?> ConvertToColumnarAsync(string container, string csvBlobPath, IReadOnlyList<FieldDefinition> fields, string? subjectKey, CancellationToken cancellationToken = default)
        {
            Conversions++;
            Assert.Equal(["district", "age"], fields.Select(f => f.Name));
            return Task.FromResult<LibraryCopyResult?>(new LibraryCopyResult("parquet-sha", 100, 42, 0)
            {
                Format = LibraryFormat.Parquet,
                BlobPath = csvBlobPath.Replace(".csv", ".parquet", StringComparison.Ordinal),
            });
        }

        public Task DeleteAsync(string container, string blobPath, CancellationToken cancellationToken = default)
        {
            Deleted.Add($"{container}/{blobPath}");
            return Task.CompletedTask;
        }
    }
}
