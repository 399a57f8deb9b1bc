using Platform.Domain.Organizations;

namespace Platform.Domain.Resources;

/// <summary>Where catalogue records are kept (Table storage, ETag concurrency).</summary>
public interface IResourceStore
{
    Task<string> AddAsync(Resource resource, CancellationToken cancellationToken = default);

    Task<Versioned<Resource>?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record if its ETag still matches (412 otherwise); returns the new ETag.</summary>
    Task<string> ReplaceAsync(Resource resource, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>A page of resources in id (= creation) order, optionally of one provider and/or in one state.</summary>
    Task<(IReadOnlyList<Resource> Items, string? ContinuationToken)> ListAsync(string? providerId, ResourceStatus? status, int pageSize, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="count"/> resources in <paramref name="status"/> whose id is greater than <paramref name="afterId"/>, in id order.</summary>
    Task<IReadOnlyList<Resource>> ListAfterAsync(ResourceStatus status, string? afterId, int count, CancellationToken cancellationToken = default);
}

/// <summary>What the data store kept of an upload.</summary>
public sealed record StoredData(string StorageName, long Bytes, string Sha256);

/// <summary>
/// The provider's own area for uploaded files (M4.1). Files go in and are read only by masking jobs; nothing
/// here serves them to a caller.
/// </summary>
public interface IResourceDataStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into a new file of the provider's area, computing its SHA-256 on the way.
    /// More than <paramref name="maxBytes"/> is refused with 413 <c>resource.data_too_large</c> as soon as it is seen,
    /// and nothing is kept of a refused or interrupted upload.
    /// </summary>
    Task<StoredData> SaveAsync(string providerId, string resourceId, Stream content, long maxBytes, CancellationToken cancellationToken = default);

    Task<Stream> OpenReadAsync(string storageName, CancellationToken cancellationToken = default);

    /// <summary>Removes a file; a missing one is fine.</summary>
    Task DeleteAsync(string storageName, CancellationToken cancellationToken = default);
}
