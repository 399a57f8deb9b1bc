using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Platform.Adapters.Grants;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Sandbox;

/// <summary>Issue 18.1: the authorized data library keeps copies as Parquet; CSV copies stay readable and convert once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobAuthorizedDataLibraryTests(AzuriteFixture azurite)
{
    private const string Csv = "区县,人数,收入\n武昌区,25,1000.5\n\"江岸区，临江\",,\n洪山区,7,-3\n";

    private static readonly IReadOnlyList<FieldDefinition> Fields =
    [
        new("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, false),
        new("人数", FieldType.Integer, FieldClassification.Internal, FieldGrade.General, null, false),
        new("收入", FieldType.Decimal, FieldClassification.SensitivePersonal, FieldGrade.General, null, false),
    ];

    private readonly BlobAuthorizedDataLibrary _library = new(new BlobServiceClient(AzuriteFixture.ConnectionString));
    private readonly string _container = $"library-test-{Guid.NewGuid():N}";

    [Fact]
    public async Task WriteColumnarAsync_CsvCopy_StoredAsParquetWithItsHashAndReadBackAsCsv()
    {
        Assert.NotNull(azurite);

        var result = await _library.WriteColumnarAsync(_container, "req-1/res-1.csv", Fields, null, WriteCsv);

        Assert.Equal(LibraryFormat.Parquet, result.Format);
        Assert.Equal("req-1/res-1.parquet", result.BlobPath);
        Assert.Equal(3, result.RowCount);
        Assert.Equal(1, result.MalformedRowCount);
        var stored = await StoredBytesAsync(result.BlobPath!);
        Assert.Equal("PAR1", Encoding.ASCII.GetString(stored[..4]));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), result.Sha256);
        Assert.Equal(stored.Length, result.Bytes);
        Assert.Equal("区县,人数,收入\n武昌区,25,1000.5\n江岸区，临江,,\n洪山区,7,-3.0\n", await ReadTextAsync(result.BlobPath!));
    }

    [Fact]
    public async Task ConvertToColumnarAsync_CsvCopyTwice_SameParquetAndTheCsvStillReadable()
    {
        Assert.NotNull(azurite);
        await _library.WriteAsync(_container, "req-2/res-2.csv", async (output, token) =>
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(Csv), token);
            return new LibraryCopyResult("", 0, 3, 0);
        });

        var first = await _library.ConvertToColumnarAsync(_container, "req-2/res-2.csv", Fields, null);
        var second = await _library.ConvertToColumnarAsync(_container, "req-2/res-2.csv", Fields, null);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(first with { NullFreeFields = null, FieldMagnitudes = null, NonNegativeFields = null }, second with { NullFreeFields = null, FieldMagnitudes = null, NonNegativeFields = null });
        Assert.Equal(first.NullFreeFields, second.NullFreeFields);
        Assert.Equal(first.NonNegativeFields, second.NonNegativeFields);
        Assert.Equal(first.FieldMagnitudes, second.FieldMagnitudes);
        Assert.Equal(1000.5, first.FieldMagnitudes!["收入"]);
        Assert.Equal(3, first.RowCount);
        Assert.Equal(Csv, await ReadTextAsync("req-2/res-2.csv"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await StoredBytesAsync(first.BlobPath!))), first.Sha256);
        await _library.DeleteAsync(_container, "req-2/res-2.csv");
        await Assert.ThrowsAsync<FileNotFoundException>(() => _library.OpenReadAsync(_container, "req-2/res-2.csv"));
    }

    [Fact]
    public async Task WriteColumnarAsync_WithSubjectKey_IndexedAndMostRecordsCountedRangesReadBack()
    {
        Assert.NotNull(azurite);
        const string People = "区县,手机\n武昌区,mob_a\n洪山区,mob_b\n武昌区,mob_a\n江岸区,\n洪山区,mob_a\n";
        IReadOnlyList<FieldDefinition> fields =
        [
            Fields[0],
            new("手机", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Mobile, false),
        ];

        var result = await _library.WriteColumnarAsync(_container, "req-3/res-3.csv", fields, "手机", async (output, token) =>
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(People), token);
            return new LibraryCopyResult("csv-hash", People.Length, 5, 0);
        });

        Assert.True(result.SubjectIndexed);
        Assert.Equal(3, result.MaxRecordsPerSubject);
        // mob_a's three records and the record without a subject are the copy's tail.
        Assert.Equal(4, result.RecordsWithoutUniqueSubject);
        var stored = await StoredBytesAsync(result.BlobPath!);
        Assert.Equal(stored.Length, await _library.LengthAsync(_container, result.BlobPath!));
        using var tail = new MemoryStream();
        await _library.CopyRangeToAsync(_container, result.BlobPath!, stored.Length - 8, 8, tail);
        Assert.Equal(stored[^8..], tail.ToArray());
        await using var csv = await _library.OpenReadAsync(_container, result.BlobPath!);
        var text = await new StreamReader(csv, Encoding.UTF8).ReadToEndAsync();
        Assert.DoesNotContain(SubjectIndex.Column, text);
        Assert.Contains("洪山区,mob_a", text);
    }

    [Fact]
    public async Task SandboxEngine_ColumnChunksReadFromBlobStorage_SameResultAsTheWholeCopy()
    {
        Assert.NotNull(azurite);
        var csv = new StringBuilder("区县,人数,收入\n");
        var random = new Random(5);
        for (var i = 0; i < 30_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(i % 3 == 0 ? "武昌区" : "洪山区")},{random.Next(1, 90)},{random.Next(1, 100_000) / 10.0}\n");
        }

        var text = csv.ToString();
        var copy = await _library.WriteColumnarAsync(_container, "req-4/res-4.csv", Fields, null, async (output, token) =>
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(text), token);
            return new LibraryCopyResult("csv-hash", text.Length, 30_000, 0);
        });
        var whole = new Platform.Domain.Sandbox.SandboxTable("t", Fields, _ => throw new InvalidOperationException("read as a stream"))
        {
            Format = LibraryFormat.Parquet,
            CopyCsvToAsync = (file, token) => _library.CopyToAsync(_container, copy.BlobPath!, file, token),
        };
        var ranged = whole with
        {
            Ranges = new Platform.Domain.Sandbox.SandboxTableRanges(
                async token => await _library.LengthAsync(_container, copy.BlobPath!, token) ?? -1,
                (offset, length, destination, token) => _library.CopyRangeToAsync(_container, copy.BlobPath!, offset, length, destination, token)),
        };
        const string Sql = "SELECT 区县, count(*) AS n, avg(人数) AS mean FROM t GROUP BY 区县 ORDER BY 区县";

        var fromWhole = await RunAsync(whole, Sql, long.MaxValue);
        var fromChunks = await RunAsync(ranged, Sql, 0);

        Assert.True(fromChunks.Released, fromChunks.Detail);
        Assert.Equal(2, fromChunks.Rows.Count);
        Assert.Equal(fromWhole.Rows, fromChunks.Rows);
    }

    private static Task<Platform.Domain.Sandbox.SandboxResult> RunAsync(Platform.Domain.Sandbox.SandboxTable table, string sql, long rangedReadMinBytes) =>
        new Platform.Adapters.Sandbox.SandboxEngine(null, rangedReadMinBytes).RunAsync(
            new Platform.Domain.Sandbox.SandboxRequest([table], sql, Platform.Domain.Sandbox.SandboxMode.Full,
                new Platform.Domain.Sandbox.SandboxLimits(TimeSpan.FromSeconds(30), MemoryLimitMb: 256, MaxThreads: 1, MaxResultRows: 100),
                new Platform.Domain.Sandbox.OutputCheckPolicy(10)),
            CancellationToken.None);

    private static async Task<LibraryCopyResult> WriteCsv(Stream output, CancellationToken token)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(Csv), token);
        return new LibraryCopyResult("csv-hash", Csv.Length, 3, 1);
    }

    private async Task<byte[]> StoredBytesAsync(string blobPath)
    {
        using var bytes = new MemoryStream();
        await _library.CopyToAsync(_container, blobPath, bytes);
        return bytes.ToArray();
    }

    private async Task<string> ReadTextAsync(string blobPath)
    {
        await using var stream = await _library.OpenReadAsync(_container, blobPath);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return (await reader.ReadToEndAsync()).Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
