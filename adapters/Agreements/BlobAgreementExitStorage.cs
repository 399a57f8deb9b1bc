using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Adapters.Masking;
using Platform.Adapters.Sandbox;
using Platform.Domain.Agreements;
using Platform.Domain.Grants;

namespace Platform.Adapters.Agreements;

/// <summary>
/// What a grant left in Blob storage (docs/lifecycles.md exit): the library copy of each table (<c>library-{agreementId}</c>),
/// every blob of the masked-sample job of each table (<c>masking-output/{sampleJobId}/</c>) and every stored result of
/// the sandbox jobs run on the grant (<c>sandbox-results/{jobId}/</c>, the jobs found by their <c>GrantId</c> column).
/// Each blob is read whole to hash it before anything is deleted; deletion skips blobs already gone.
/// </summary>
public sealed class BlobAgreementExitStorage(BlobServiceClient blobs, TableServiceClient tables) : IAgreementExitStorage
{
    public async Task<IReadOnlyList<DestroyedBlob>> InventoryAsync(Grant grant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var found = new List<DestroyedBlob>();
        foreach (var table in grant.Tables)
        {
            if (await HashAsync(table.Container, table.BlobPath, cancellationToken) is { } copy)
            {
                found.Add(copy);
            }
        }

        foreach (var sampleJobId in grant.Tables.Select(t => t.SampleJobId).Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal))
        {
            found.AddRange(await HashAllAsync(BlobMaskingArtifactStore.ContainerName, $"{sampleJobId}/", cancellationToken));
        }

        foreach (var jobId in await SandboxJobIdsAsync(grant.Id, cancellationToken))
        {
            found.AddRange(await HashAllAsync(BlobSandboxResultStore.ContainerName, $"{jobId}/", cancellationToken));
        }

        return found;
    }

    public async Task DeleteAsync(IReadOnlyList<DestroyedBlob> blobsToDelete, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobsToDelete);
        foreach (var blob in blobsToDelete)
        {
            await blobs.GetBlobContainerClient(blob.Container).GetBlobClient(blob.Name)
                .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
    }

    private async Task<IReadOnlyList<DestroyedBlob>> HashAllAsync(string container, string prefix, CancellationToken cancellationToken)
    {
        var client = blobs.GetBlobContainerClient(container);
        var found = new List<DestroyedBlob>();
        try
        {
            await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
            {
                if (await HashAsync(container, item.Name, cancellationToken) is { } blob)
                {
                    found.Add(blob);
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container was never created: nothing was stored there.
        }

        return found;
    }

    private async Task<DestroyedBlob?> HashAsync(string container, string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = await blobs.GetBlobContainerClient(container).GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var content = download.Value.Content;
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long bytes = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                bytes += read;
            }

            return new DestroyedBlob(container, name, bytes, Convert.ToHexStringLower(sha256.GetCurrentHash()));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<string>> SandboxJobIdsAsync(string grantId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        try
        {
            var table = tables.GetTableClient(TableSandboxJobStore.TableName);
            await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"GrantId eq {grantId}"), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                ids.Add(entity.RowKey);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No sandbox job was ever stored.
        }

        return ids;
    }
}
