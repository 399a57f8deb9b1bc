using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Platform.Adapters.Storage;
using Platform.Domain.Masking;
using Platform.Domain.Resources;

namespace Platform.Adapters.Masking;

/// <summary>
/// Masking outputs and reports in the <c>masking-output</c> container under the job id: <c>{jobId}/output.csv</c> or
/// <c>.jsonl</c> and <c>{jobId}/report.json</c>. A rerun of a job writes the same names, so redelivery never duplicates.
/// </summary>
public sealed class BlobMaskingArtifactStore(BlobServiceClient blobs) : IMaskingArtifactStore
{
    public const string ContainerName = "masking-output";

    private const int BufferBytes = 4 * 1024 * 1024;

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private int _created;

    public static string OutputName(string jobId, DataFormat format) => $"{jobId}/output.{(format == DataFormat.Csv ? "csv" : "jsonl")}";

    public static string ReportName(string jobId) => $"{jobId}/report.json";

    public async Task<Stream> OpenOutputWriteAsync(MaskingJob job, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var contentType = job.OutputFormat == DataFormat.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        return await _container.GetBlockBlobClient(OutputName(job.Id, job.OutputFormat)).OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions
        {
            BufferSize = BufferBytes,
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken);
    }

    public async Task DeleteOutputAsync(MaskingJob job, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        await _container.GetBlobClient(OutputName(job.Id, job.OutputFormat)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    public async Task<Stream?> OpenOutputReadAsync(string jobId, DataFormat format, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _container.GetBlobClient(OutputName(jobId, format)).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteReportAsync(MaskingJob job, MaskingReport report, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(report, StorageJson.Options));
        await _container.GetBlobClient(ReportName(job.Id)).UploadAsync(json, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
        }, cancellationToken);
    }

    public async Task<MaskingReport?> ReadReportAsync(string jobId, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await _container.GetBlobClient(ReportName(jobId)).DownloadContentAsync(cancellationToken);
            return JsonSerializer.Deserialize<MaskingReport>(content.Value.Content.ToMemory().Span, StorageJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
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
