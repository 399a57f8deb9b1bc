using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Platform.Adapters.Storage;
using Platform.Domain.Sandbox;
using Platform.Domain.SandboxJobs;

namespace Platform.Adapters.SandboxJobs;

/// <summary>
/// Released sandbox results in the private <c>sandbox-results</c> container (SPEC §2.7: results stay inside the
/// platform and leave only through the result route): <c>{jobId}/result.csv</c>, the canonical CSV whose SHA-256 is
/// the audited hash, and <c>{jobId}/result.json</c>. A rerun of a job writes the same names.
/// </summary>
public sealed class BlobSandboxResultStore(BlobServiceClient blobs) : ISandboxResultStore
{
    public const string ContainerName = "sandbox-results";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private int _created;

    public static string CsvName(string jobId) => $"{jobId}/result.csv";

    public static string JsonName(string jobId) => $"{jobId}/result.json";

    public async Task WriteAsync(SandboxResultDocument result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        await EnsureContainerAsync(cancellationToken);
        await using (var csv = await _container.GetBlockBlobClient(CsvName(result.JobId)).OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" },
            Metadata = new Dictionary<string, string> { ["sha256"] = result.ResultHash },
        }, cancellationToken))
        {
            await ResultCsv.WriteAsync(csv, result.Columns, result.Rows, utf8Bom: false, cancellationToken);
        }

        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(result, StorageJson.Options));
        await _container.GetBlobClient(JsonName(result.JobId)).UploadAsync(json, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
        }, cancellationToken);
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
