using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Platform.Domain.Errors;
using Platform.Domain.Resources;

namespace Platform.Adapters.Resources;

/// <summary>
/// Uploaded resource files in the <c>resource-data</c> container, one folder per provider (its own area, M4.1).
/// An upload stages blocks as it reads and commits them only when the whole body was read within the limit, so a
/// refused or broken upload leaves no blob behind (uncommitted blocks expire on their own).
/// </summary>
public sealed class BlobResourceDataStore(BlobServiceClient blobs) : IResourceDataStore
{
    public const string ContainerName = "resource-data";

    /// <summary>Block size while uploading; also the memory one upload holds.</summary>
    public const int BlockBytes = 4 * 1024 * 1024;

    private const int ReadBufferBytes = 4 * 1024 * 1024;

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private int _created;

    public async Task<StoredData> SaveAsync(string providerId, string resourceId, Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerId);
        ArgumentException.ThrowIfNullOrEmpty(resourceId);
        await EnsureContainerAsync(cancellationToken);

        // A new name per upload: the record switches to it only once the upload is complete and recorded.
        var name = $"{Uri.EscapeDataString(providerId)}/{resourceId}/{Guid.NewGuid():N}";
        var blob = _container.GetBlockBlobClient(name);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            var blockIds = new List<string>();
            long total = 0;
            while (true)
            {
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, BlockBytes), BlockBytes, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    throw new DomainException(FailureKind.PayloadTooLarge, "resource.data_too_large",
                        $"The file is larger than the limit of {maxBytes} bytes (setting Resources:MaxUploadBytes).");
                }

                hash.AppendData(buffer, 0, read);
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(blockIds.Count.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)));
                using (var block = new MemoryStream(buffer, 0, read, writable: false))
                {
                    await blob.StageBlockAsync(blockId, block, cancellationToken: cancellationToken);
                }

                blockIds.Add(blockId);
                if (read < BlockBytes)
                {
                    break;
                }
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                Metadata = new Dictionary<string, string> { ["sha256"] = sha256, ["resource"] = resourceId },
            }, cancellationToken);
            return new StoredData(name, total, sha256);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<Stream> OpenReadAsync(string storageName, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _container.GetBlobClient(storageName).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = ReadBufferBytes }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"The uploaded data '{storageName}' is gone.", storageName, e);
        }
    }

    public async Task DeleteAsync(string storageName, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        await _container.GetBlobClient(storageName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
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
