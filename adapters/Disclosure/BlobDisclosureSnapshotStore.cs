using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Adapters.Storage;
using Platform.Domain.Disclosure;

namespace Platform.Adapters.Disclosure;

/// <summary>
/// Published disclosure snapshots (M4.7.4) in a private container (<c>Disclosure:SnapshotContainer</c>):
/// <c>{year}/disclosure.json</c> and <c>{year}/disclosure.csv</c> (UTF-8 with BOM, so spreadsheets read the Chinese
/// right). Both are created with If-None-Match: *, so a published year is never overwritten.
/// </summary>
public sealed class BlobDisclosureSnapshotStore(BlobServiceClient blobs, DisclosureSnapshotOptions options) : IDisclosureSnapshotStore
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(options.SnapshotContainer);
    private int _created;

    public static string JsonName(int year) => $"{year.ToString("D4", CultureInfo.InvariantCulture)}/disclosure.json";

    public static string CsvName(int year) => $"{year.ToString("D4", CultureInfo.InvariantCulture)}/disclosure.csv";

    public Task<bool> TryCreateAsync(DisclosureSnapshot snapshot, CancellationToken cancellationToken = default)
        => TryCreateAsync(JsonName(snapshot.Year), JsonSerializer.SerializeToUtf8Bytes(snapshot, StorageJson.Options), "application/json; charset=utf-8", cancellationToken);

    public async Task<DisclosureSnapshot?> GetAsync(int year, CancellationToken cancellationToken = default)
    {
        var content = await ReadAsync(JsonName(year), cancellationToken);
        return content is null ? null : JsonSerializer.Deserialize<DisclosureSnapshot>(content.ToMemory().Span, StorageJson.Options);
    }

    public Task CreateCsvIfMissingAsync(int year, string csv, CancellationToken cancellationToken = default)
        => TryCreateAsync(CsvName(year), [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)], "text/csv; charset=utf-8", cancellationToken);

    public async Task<string?> GetCsvAsync(int year, CancellationToken cancellationToken = default)
    {
        var content = await ReadAsync(CsvName(year), cancellationToken);
        return content is null ? null : new UTF8Encoding(false).GetString(content.ToArray()).TrimStart('\uFEFF');
    }

    private async Task<bool> TryCreateAsync(string name, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        try
        {
            await _container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private async Task<BinaryData?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content;
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
