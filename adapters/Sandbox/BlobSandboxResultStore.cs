using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Adapters.Storage;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Released sandbox results in the private <c>sandbox-results</c> container (M5.1: results stay inside the
/// platform and leave only through the result route): <c>{jobId}/result.csv</c>, the canonical CSV whose SHA-256 is
/// the audited hash, <c>{jobId}/result.json</c> and <c>{jobId}/result.parquet</c> (written by
/// <see cref="ResultParquet"/>, its own SHA-256 in the blob's metadata). A rerun of a job writes the same names.
/// </summary>
public sealed class BlobSandboxResultStore(BlobServiceClient blobs) : ISandboxResultStore
{
    public const string ContainerName = "sandbox-results";

    private const string Sha256Key = "sha256";
    private const string ResultSha256Key = "resultsha256";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private int _created;

    public static string CsvName(string jobId) => $"{jobId}/result.csv";

    public static string JsonName(string jobId) => $"{jobId}/result.json";

    public static string ParquetName(string jobId) => $"{jobId}/result.parquet";

    public async Task WriteAsync(SandboxResultDocument result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        await EnsureContainerAsync(cancellationToken);
        // The three forms are independent; written side by side, the job is released sooner (all before the record says so).
        await Task.WhenAll(WriteCsvAsync(result, cancellationToken), WriteJsonAsync(result, cancellationToken), WriteParquetAsync(result, cancellationToken));
    }

    public async Task<SandboxResultFile?> OpenParquetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        try
        {
            var download = await _container.GetBlobClient(ParquetName(jobId)).DownloadStreamingAsync(cancellationToken: cancellationToken);
            var details = download.Value.Details;
            return new SandboxResultFile(download.Value.Content, details.Metadata.TryGetValue(Sha256Key, out var sha256) ? sha256 : throw new InvalidOperationException($"The Parquet result of sandbox job {jobId} has no {Sha256Key} metadata."));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream?> OpenCsvAsync(string jobId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _container.GetBlobClient(CsvName(jobId)).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<SandboxResultDocument?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await _container.GetBlobClient(JsonName(jobId)).DownloadContentAsync(cancellationToken);
            return JsonSerializer.Deserialize<SandboxResultDocument>(content.Value.Content.ToMemory().Span, StorageJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        await _container.GetBlobClient(CsvName(jobId)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await _container.GetBlobClient(JsonName(jobId)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await _container.GetBlobClient(ParquetName(jobId)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    private async Task WriteCsvAsync(SandboxResultDocument result, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await ResultCsv.WriteAsync(buffer, result.Columns, result.Rows, utf8Bom: false, cancellationToken);
        buffer.Position = 0;
        await _container.GetBlobClient(CsvName(result.JobId)).UploadAsync(buffer, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" },
            Metadata = new Dictionary<string, string> { [Sha256Key] = result.ResultHash },
        }, cancellationToken);
    }

    private async Task WriteJsonAsync(SandboxResultDocument result, CancellationToken cancellationToken)
    {
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(result, StorageJson.Options));
        await _container.GetBlobClient(JsonName(result.JobId)).UploadAsync(json, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
        }, cancellationToken);
    }

    /// <summary>The engine writes Parquet to a file only; it goes to a private temp file, is hashed, uploaded and deleted.</summary>
    private async Task WriteParquetAsync(SandboxResultDocument result, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sandbox-result-{Guid.NewGuid():N}.parquet");
        try
        {
            // Off the caller's thread: the engine call blocks while it writes.
            await Task.Run(() => ResultParquet.WriteAsync(result, path, cancellationToken), cancellationToken);
            string sha256;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
                file.Position = 0;
                await _container.GetBlobClient(ParquetName(result.JobId)).UploadAsync(file, new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = ResultParquet.MediaType },
                    Metadata = new Dictionary<string, string> { [Sha256Key] = sha256, [ResultSha256Key] = result.ResultHash },
                }, cancellationToken);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
