namespace Platform.Domain.Resources;

/// <summary>Catalogue settings, bound from the <c>Resources</c> section and validated at start-up.</summary>
public sealed class ResourceOptions
{
    public const string SectionName = "Resources";

    public const long DefaultMaxUploadBytes = 256L * 1024 * 1024;

    /// <summary>The largest data file a provider may upload; counted while streaming (413 beyond it).</summary>
    public long MaxUploadBytes { get; set; } = DefaultMaxUploadBytes;

    /// <summary>Rows in the catalogue sample built at submission.</summary>
    public int SampleRows { get; set; } = 100;

    /// <summary>The seed of the catalogue sample, recorded with it, so the same file always gives the same sample.</summary>
    public long SampleSeed { get; set; } = 20251013;

    /// <summary>Sample rows shown per resource in the public catalogue.</summary>
    public int CatalogSampleRows { get; set; } = 20;
}
