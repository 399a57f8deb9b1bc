using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;

namespace Platform.Adapters.Grants;

/// <summary>
/// The authorized data library 授权数据资源库 (M4.3) in Blob storage: one private container per agreement
/// (<c>library-{agreementId}</c>), one blob per provisioned resource: Parquet typed by the catalogue since issue 18.1
/// (<see cref="LibraryParquet"/>), CSV before. Blobs are committed whole, so a reader never sees half a copy; the
/// SHA-256, row count and format are kept as metadata too. The Parquet file is made in a user-only temporary file that is
/// deleted once uploaded.
/// </summary>
public sealed class BlobAuthorizedDataLibrary(BlobServiceClient blobs) : IAuthorizedDataLibrary
{
    private const int BufferBytes = 4 * 1024 * 1024;
    private const int RangeBytes = 8 * 1024 * 1024;
    private const int ParallelRanges = 4;
    private readonly ConcurrentDictionary<string, bool> _created = new(StringComparer.Ordinal);

    public async Task<LibraryCopyResult> WriteAsync(string container, string blobPath, Func<Stream, CancellationToken, Task<LibraryCopyResult>> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var client = await ContainerAsync(container, cancellationToken);
        var blob = client.GetBlockBlobClient(blobPath);
        LibraryCopyResult result;
        await using (var output = await blob.OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions
        {
            BufferSize = BufferBytes,
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" },
        }, cancellationToken))
        {
            result = await write(output, cancellationToken);
        }

        await blob.SetMetadataAsync(new Dictionary<string, string>
        {
            ["sha256"] = result.Sha256,
            ["rows"] = result.RowCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken: cancellationToken);
        return result;
    }

    public async Task<LibraryCopyResult> WriteColumnarAsync(string container, string csvBlobPath, IReadOnlyList<FieldDefinition> fields, string? subjectKey, Func<Stream, CancellationToken, Task<LibraryCopyResult>> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var csv = TempPath(".csv");
        try
        {
            LibraryCopyResult written;
            await using (var file = CreateTemp(csv))
            {
                written = await write(file, cancellationToken);
            }

            return await StoreParquetAsync(container, LibraryParquet.ParquetPathFor(csvBlobPath), csv, fields, subjectKey, written.MalformedRowCount, cancellationToken);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    public async Task<LibraryCopyResult?> ConvertToColumnarAsync(string container, string csvBlobPath, IReadOnlyList<FieldDefinition> fields, string? subjectKey, CancellationToken cancellationToken = default)
    {
        var csv = TempPath(".csv");
        try
        {
            await using (var file = CreateTemp(csv))
            {
                await CopyToAsync(container, csvBlobPath, file, cancellationToken);
            }

            return await StoreParquetAsync(container, LibraryParquet.ParquetPathFor(csvBlobPath), csv, fields, subjectKey, 0, cancellationToken);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    public async Task DeleteAsync(string container, string blobPath, CancellationToken cancellationToken = default) =>
        await blobs.GetBlobContainerClient(container).GetBlobClient(blobPath).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);

    /// <summary>Reads the copy as CSV: a Parquet copy is written back as CSV into a temporary file deleted when the stream is closed.</summary>
    public async Task<Stream> OpenReadAsync(string container, string blobPath, CancellationToken cancellationToken = default)
    {
        if (!blobPath.EndsWith(LibraryParquet.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return await OpenStoredAsync(container, blobPath, cancellationToken);
        }

        var parquet = TempPath(LibraryParquet.Extension);
        var csv = TempPath(".csv");
        try
        {
            await using (var file = CreateTemp(parquet))
            {
                await CopyToAsync(container, blobPath, file, cancellationToken);
            }

            await Task.Run(() => LibraryParquet.ParquetToCsv(parquet, csv), cancellationToken);
            return new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.Delete, BufferBytes, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        }
        catch
        {
            File.Delete(csv);
            throw;
        }
        finally
        {
            File.Delete(parquet);
        }
    }

    private async Task<LibraryCopyResult> StoreParquetAsync(string container, string blobPath, string csv, IReadOnlyList<FieldDefinition> fields, string? subjectKey, long malformed, CancellationToken cancellationToken)
    {
        var parquet = TempPath(LibraryParquet.Extension);
        try
        {
            var rows = await Task.Run(() => LibraryParquet.CsvToParquet(csv, parquet, fields), cancellationToken);
            var subjects = subjectKey is null ? null : await Task.Run(() => LibraryParquet.IndexSubjects(parquet, subjectKey), cancellationToken);
            var statistics = LibraryParquet.ColumnStatistics(parquet);
            string sha256;
            await using (var file = File.OpenRead(parquet))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            }

            var client = (await ContainerAsync(container, cancellationToken)).GetBlobClient(blobPath);
            await client.UploadAsync(parquet, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = LibraryParquet.ContentType },
                Metadata = new Dictionary<string, string>
                {
                    ["sha256"] = sha256,
                    ["rows"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["format"] = "parquet",
                },
                TransferOptions = new StorageTransferOptions { InitialTransferSize = RangeBytes, MaximumTransferSize = RangeBytes, MaximumConcurrency = ParallelRanges },
            }, cancellationToken);
            return new LibraryCopyResult(sha256, new FileInfo(parquet).Length, rows, malformed)
            {
                Format = LibraryFormat.Parquet, BlobPath = blobPath, SubjectIndexed = subjects is not null, MaxRecordsPerSubject = subjects?.MostPerSubject,
                RecordsWithoutUniqueSubject = subjects?.RecordsWithoutUniqueSubject,
                NullFreeFields = statistics.NullFree,
                FieldMagnitudes = statistics.Magnitudes,
                NonNegativeFields = statistics.NonNegative,
            };
        }
        finally
        {
            File.Delete(parquet);
        }
    }

    private static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"library-{Guid.NewGuid():N}{extension}");

    private static FileStream CreateTemp(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = BufferBytes,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    private async Task<Stream> OpenStoredAsync(string container, string blobPath, CancellationToken cancellationToken)
    {
        try
        {
            return await blobs.GetBlobContainerClient(container).GetBlobClient(blobPath)
                .OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = BufferBytes }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"The library copy '{container}/{blobPath}' is gone.", blobPath, e);
        }
    }

    /// <summary>
    /// Reads the copy in 8 MiB ranges, several at a time, written to <paramref name="destination"/> in order: one
    /// sequential stream spends most of its time waiting on each range (issue 7's benchmark: about half of a sandbox
    /// job's load time over a 1,000,000-row table was this read).
    /// </summary>
    public async Task CopyToAsync(string container, string blobPath, Stream destination, CancellationToken cancellationToken = default)
    {
        try
        {
            await blobs.GetBlobContainerClient(container).GetBlobClient(blobPath).DownloadToAsync(destination, new BlobDownloadToOptions
            {
                TransferOptions = new StorageTransferOptions { InitialTransferSize = RangeBytes, MaximumTransferSize = RangeBytes, MaximumConcurrency = ParallelRanges },
            }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"The library copy '{container}/{blobPath}' is gone.", blobPath, e);
        }
    }

    public async Task<long?> LengthAsync(string container, string blobPath, CancellationToken cancellationToken = default)
    {
        try
        {
            var properties = await blobs.GetBlobContainerClient(container).GetBlobClient(blobPath).GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"The library copy '{container}/{blobPath}' is gone.", blobPath, e);
        }
    }

    public async Task CopyRangeToAsync(string container, string blobPath, long offset, long length, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            var download = await blobs.GetBlobContainerClient(container).GetBlobClient(blobPath)
                .DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken);
            await using var content = download.Value.Content;
            await content.CopyToAsync(destination, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"The library copy '{container}/{blobPath}' is gone.", blobPath, e);
        }
    }

    private async Task<BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(name);
        if (!_created.ContainsKey(name))
        {
            await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
            _created[name] = true;
        }

        return container;
    }
}
