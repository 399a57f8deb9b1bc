using System.Security.Cryptography;
using Azure.Storage.Blobs;
using DuckDB.NET.Data;
using Platform.Adapters.Sandbox;
using Platform.Domain.Sandbox;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Sandbox;

/// <summary>Released sandbox results in blob storage (M5.1: kept inside the platform as CSV and Parquet).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobSandboxResultStoreTests(AzuriteFixture azurite) : IDisposable
{
    private readonly BlobServiceClient _blobs = new(AzuriteFixture.ConnectionString);
    private readonly string _copy = Path.Combine(Path.GetTempPath(), $"result-store-test-{Guid.NewGuid():N}.parquet");

    [Fact]
    public async Task Write_ChineseTextAndNulls_ParquetReadsBackWithTheSameRowsAndColumns()
    {
        Assert.NotNull(azurite);
        var store = new BlobSandboxResultStore(_blobs);
        var columns = new[] { new SandboxColumn("区县", "VARCHAR"), new SandboxColumn("人数", "BIGINT"), new SandboxColumn("平均年龄", "DOUBLE"), new SandboxColumn("登记日", "DATE") };
        IReadOnlyList<IReadOnlyList<string?>> rows =
        [
            ["武昌区", "25", "47.36", "2026-11-01"],
            ["江岸区，临江", "12", null, null],
            [null, "10", "60.5", "2026-01-31"],
        ];
        var hash = ResultCsv.Hash(columns, rows);
        var jobId = $"sbx-{Guid.NewGuid():N}";

        await store.WriteAsync(new SandboxResultDocument(jobId, columns, rows, false, hash));
        var parquet = await store.OpenParquetAsync(jobId);

        Assert.NotNull(parquet);
        await using (var file = File.Create(_copy))
        await using (parquet.Content)
        {
            await parquet.Content.CopyToAsync(file);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(_copy))), parquet.Sha256);
        var (readColumns, readRows, footerHash) = await ReadParquetAsync(_copy);
        Assert.Equal([("区县", "VARCHAR"), ("人数", "BIGINT"), ("平均年龄", "DOUBLE"), ("登记日", "DATE")], readColumns);
        Assert.Equal(rows.Select(r => string.Join("|", r.Select(c => c ?? "<null>"))), readRows);
        Assert.Equal(hash, footerHash);
        // The audited form is unchanged: the CSV's bytes still hash to the result hash.
        await using var csv = await store.OpenCsvAsync(jobId);
        using var buffer = new MemoryStream();
        await csv!.CopyToAsync(buffer);
        Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray())));
    }

    [Fact]
    public async Task Delete_WrittenResult_ParquetGoneWithTheOthers()
    {
        var store = new BlobSandboxResultStore(_blobs);
        var jobId = $"sbx-{Guid.NewGuid():N}";
        var columns = new[] { new SandboxColumn("n", "BIGINT") };
        IReadOnlyList<IReadOnlyList<string?>> rows = [["42"]];
        await store.WriteAsync(new SandboxResultDocument(jobId, columns, rows, false, ResultCsv.Hash(columns, rows)));

        await store.DeleteAsync(jobId);

        Assert.Null(await store.OpenParquetAsync(jobId));
        Assert.Null(await store.OpenCsvAsync(jobId));
        Assert.False(await _blobs.GetBlobContainerClient(BlobSandboxResultStore.ContainerName).GetBlobClient(BlobSandboxResultStore.ParquetName(jobId)).ExistsAsync());
    }

    /// <summary>Reads a Parquet file back with the engine: column names and types, rows as text joined by '|', and the footer's result hash.</summary>
    public static async Task<(List<(string Name, string Type)> Columns, List<string> Rows, string? ResultHash)> ReadParquetAsync(string path)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        var columns = new List<(string, string)>();
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = $"DESCRIBE SELECT * FROM read_parquet('{path}')";
            await using var reader = await describe.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var rows = new List<string>();
        await using (var select = connection.CreateCommand())
        {
            var cells = string.Join(", ", columns.Select(c => $"CAST(\"{c.Item1}\" AS VARCHAR)"));
            select.CommandText = $"SELECT {cells} FROM read_parquet('{path}')";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "<null>" : reader.GetString(i))));
            }
        }

        await using var footer = connection.CreateCommand();
        footer.CommandText = $"SELECT decode(value) FROM parquet_kv_metadata('{path}') WHERE decode(key) = 'result_sha256'";
        return (columns, rows, await footer.ExecuteScalarAsync() as string);
    }

    public void Dispose() => File.Delete(_copy);
}
