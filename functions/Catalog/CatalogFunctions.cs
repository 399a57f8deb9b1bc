using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Functions.Auth;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Resources;

namespace Platform.Functions.Catalog;

/// <param name="SampleMasking">How the field's values are treated in the sample (keep, mask, truncate, generalise, suppress).</param>
/// <param name="SampleRule">The masking rule's stable name, e.g. <c>mask-id-number</c>.</param>
public sealed record CatalogFieldView(
    string Name,
    FieldType Type,
    FieldClassification Classification,
    FieldGrade Grade,
    IdentifierKind? IdentifierKind,
    bool QuasiIdentifier,
    MaskingTechnique SampleMasking,
    string SampleRule);

/// <param name="Rows">Masked sample rows, field name → value, at most Resources:CatalogSampleRows.</param>
/// <param name="TotalRows">Rows in the whole sample.</param>
/// <param name="WithheldFields">Fields whose values are not shown: the masking scan saw identifier-like values in them.</param>
public sealed record CatalogSampleView(IReadOnlyList<IReadOnlyDictionary<string, JsonElement?>> Rows, long TotalRows, IReadOnlyList<string> WithheldFields);

/// <summary>A published resource as anyone sees it: metadata, fields and the masked sample (M4.1 含样例数据).</summary>
public sealed record CatalogEntryView(
    string Id,
    string Name,
    string Description,
    string Domain,
    string UpdateFrequency,
    string ProviderId,
    bool ObtainedThroughSharing,
    DateTimeOffset? PublishedAt,
    IReadOnlyList<CatalogFieldView> Fields,
    CatalogSampleView Sample);

/// <summary>The public catalogue (M4.1): published resources only, for anyone, with paging and text search.</summary>
public sealed class CatalogFunctions(ApiHandler api, CatalogService catalog, CatalogSampleReader samples)
{
    [Function("ListCatalog")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "The public data resource catalogue: published resources with field metadata and masked samples", Tags = ["catalog"])]
    [OpenApiQueryParameter("q", typeof(string), Description = "Text searched in name and description (case-insensitive; Chinese by substring).")]
    [OpenApiPaging]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(Page<CatalogEntryView>))]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var paging = call.Paging();
            var query = QueryValues.OptionalText(call.Request.Query, "q", CatalogSearch.MaxQueryLength);
            var (items, next) = await catalog.ListAsync(query, paging.PageSize, paging.ContinuationToken, call.CancellationToken);
            var entries = await samples.ViewsAsync(items, call.CancellationToken);
            return ApiResults.Ok(new Page<CatalogEntryView>(entries, next));
        });

    [Function("GetCatalogEntry")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "One published resource of the catalogue (404 unless published)", Tags = ["catalog"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(CatalogEntryView))]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/{id}")] HttpRequest request, string id)
        => api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            var resource = await catalog.GetAsync(call.RouteId(id, ResourceFunctions.IdPrefix), call.CancellationToken);
            return ApiResults.Ok(await samples.ViewAsync(resource, call.CancellationToken));
        });
}

/// <summary>
/// Builds catalogue entries, reading each masked sample (JSON Lines written by the sample job) up to the configured
/// number of rows. A published sample never changes, so parsed samples are kept in a small cache by job id.
/// </summary>
public sealed class CatalogSampleReader(IMaskingArtifactStore artifacts, ResourceOptions options)
{
    private const int CacheCapacity = 512;
    private const int ParallelReads = 8;

    private readonly ConcurrentDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, JsonElement?>>> _cache = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<CatalogEntryView>> ViewsAsync(IReadOnlyList<Resource> resources, CancellationToken cancellationToken)
    {
        var views = new CatalogEntryView[resources.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, resources.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (index, ct) => views[index] = await ViewAsync(resources[index], ct));
        return views;
    }

    public async Task<CatalogEntryView> ViewAsync(Resource resource, CancellationToken cancellationToken)
    {
        var fields = resource.Fields.Select(field =>
        {
            var rule = MaskingPolicy.RuleFor(field, MaskingPurpose.Sample);
            return new CatalogFieldView(field.Name, field.Type, field.Classification, field.Grade, field.IdentifierKind, field.IsQuasiIdentifier, rule.Technique, rule.Name);
        }).ToList();
        var withheld = resource.Sample?.SuspectedIdentifierFields ?? [];
        var rows = resource.Sample is { Status: SampleStatus.Ready } sample ? await RowsAsync(sample.JobId, cancellationToken) : [];
        var shown = rows.Select(row => Withhold(row, withheld)).ToList();
        return new CatalogEntryView(
            resource.Id, resource.Name, resource.Description, resource.Domain, resource.UpdateFrequency, resource.ProviderId, resource.SharedFrom is not null,
            resource.PublishedAt, fields, new CatalogSampleView(shown, resource.Sample?.RowsOut ?? 0, withheld));
    }

    private static IReadOnlyDictionary<string, JsonElement?> Withhold(IReadOnlyDictionary<string, JsonElement?> row, IReadOnlyList<string> withheld)
    {
        if (withheld.Count == 0)
        {
            return row;
        }

        // A field that looked like it held identifiers although none was declared is not shown (M4.4, defence in depth).
        var copy = new Dictionary<string, JsonElement?>(row.Count, StringComparer.Ordinal);
        foreach (var (name, value) in row)
        {
            copy[name] = withheld.Contains(name, StringComparer.OrdinalIgnoreCase) ? null : value;
        }

        return copy;
    }

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, JsonElement?>>> RowsAsync(string jobId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(jobId, out var cached))
        {
            return cached;
        }

        var rows = new List<IReadOnlyDictionary<string, JsonElement?>>();
        await using (var stream = await artifacts.OpenOutputReadAsync(jobId, DataFormat.JsonLines, cancellationToken))
        {
            if (stream is null)
            {
                return rows;
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (rows.Count < options.CatalogSampleRows && await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                var row = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    row[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.Clone();
                }

                rows.Add(row);
            }
        }

        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        _cache[jobId] = rows;
        return rows;
    }
}
