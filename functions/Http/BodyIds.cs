using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Platform.Domain.Errors;

namespace Platform.Functions.Http;

/// <summary>
/// The one rule for record ids inside request bodies (docs/api.md: a wrong id format is a 4xx, never a storage error):
/// every field the platform reads as a record id — <c>agreementId</c>, <c>scenarioId</c>, <c>dataNeeds[].resourceId</c>,
/// <c>sourceJobIds[]</c>, <c>derivedFrom</c>, … at any depth — must have the shape of the id kind it names
/// (<see cref="ResourceId"/>), checked by <see cref="RequestBodyReader"/> right after the body is read, before any
/// service or store sees it. A bad one is 422 <c>request.invalid_id</c> naming each field by its path. A field that is
/// absent, null or blank is left to the service (which says it is required where it is).
/// </summary>
public static class BodyIds
{
    public const string InvalidCode = "request.invalid_id";

    private const string Organization = "org";

    /// <summary>JSON field name → the id prefixes it accepts (a list field holds ids of that kind).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Fields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["agreementId"] = ["agr"],
        ["scenarioId"] = ["scn"],
        ["planId"] = ["pln"],
        ["resourceId"] = ["res"],
        ["resourceIds"] = ["res"],
        ["grantId"] = ["grt"],
        ["grantIds"] = ["grt"],
        ["sourceJobIds"] = ["sbx"],
        ["sourceJobId"] = ["sbx"],
        ["derivedFrom"] = ["prd"],
        ["productId"] = ["prd"],
        ["dataRequestId"] = ["drq"],
        ["sampleJobId"] = ["msk"],
        ["maskingJobId"] = ["msk"],
        ["sandboxJobId"] = ["sbx"],
        ["jobId"] = ["msk", "sbx"],
        ["staffId"] = ["stf"],
        ["staffIds"] = ["stf"],
        ["personnelId"] = ["stf"],
        ["incidentId"] = ["inc"],
        ["qualityIssueId"] = ["qis"],
        ["issueId"] = ["qis"],
        ["admissionId"] = ["dva"],
        ["operatorId"] = [Organization],
        ["providerId"] = [Organization],
        ["providerIds"] = [Organization],
        ["developerId"] = [Organization],
        ["reviewerId"] = [Organization],
        ["orgId"] = [Organization],
        ["organizationId"] = [Organization],
        ["ownerOrgId"] = [Organization],
        ["sharedFrom"] = [Organization],
    };

    /// <summary>Fields whose names look like ids but are the caller's own values, never keys of platform records.</summary>
    public static readonly IReadOnlySet<string> NotRecordIds = new HashSet<string>(StringComparer.Ordinal)
    {
        "callId", // the caller's idempotency key of a product call, bounded and checked by the product rules
        "subjectId", // a data subject's reference on an authorisation, never a storage key
    };

    private static readonly ConcurrentDictionary<Type, bool> Relevant = new();

    /// <summary>Throws 422 <c>request.invalid_id</c> naming every id field of <paramref name="body"/> that is not a valid id of its kind.</summary>
    public static void Validate(object? body)
    {
        if (body is null)
        {
            return;
        }

        var errors = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
        Walk(body, "", PlatformJson.RequestOptions.GetTypeInfo, errors, depth: 0);
        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, InvalidCode,
                $"Not a valid id: {string.Join(", ", errors.Keys)}.", new Dictionary<string, string[]>(errors));
        }
    }

    /// <summary>The id-like field names (ending in Id, Ids or From, holding text) a body type holds at any depth.</summary>
    public static IEnumerable<string> IdLikeFieldNames(Type bodyType) => IdLikeFieldNames(bodyType, PlatformJson.RequestOptions.GetTypeInfo);

    private static IEnumerable<string> IdLikeFieldNames(Type bodyType, Func<Type, JsonTypeInfo> resolve)
    {
        var seen = new HashSet<Type>();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Collect(bodyType, resolve, seen, names);
        return names;
    }

    private static void Collect(Type type, Func<Type, JsonTypeInfo> resolve, HashSet<Type> seen, SortedSet<string> names)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(type) || !seen.Add(type))
        {
            return;
        }

        var info = resolve(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary when info.ElementType is { } element:
                Collect(element, resolve, seen, names);
                break;
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                {
                    if (LooksLikeId(property.Name) && IsStringOrStrings(property.PropertyType, resolve))
                    {
                        names.Add(property.Name);
                    }

                    Collect(property.PropertyType, resolve, seen, names);
                }

                break;
        }
    }

    private static bool LooksLikeId(string name)
        => name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal) || name.EndsWith("From", StringComparison.Ordinal);

    private static bool IsStringOrStrings(Type type, Func<Type, JsonTypeInfo> resolve)
        => type == typeof(string) || (!IsLeaf(type) && resolve(type) is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element } && element == typeof(string));

    private static bool IsLeaf(Type type)
        => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset)
           || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Guid) || type == typeof(TimeSpan)
           || type == typeof(object) || type.FullName?.StartsWith("System.Text.Json.", StringComparison.Ordinal) == true;

    private static bool HoldsIds(Type type, Func<Type, JsonTypeInfo> resolve)
        => Relevant.GetOrAdd(type, t => IdLikeFieldNames(t, resolve).Any(Fields.ContainsKey));

    private static void Walk(object value, string path, Func<Type, JsonTypeInfo> resolve, SortedDictionary<string, string[]> errors, int depth)
    {
        var type = value.GetType();
        if (depth > 16 || IsLeaf(type) || !HoldsIds(type, resolve))
        {
            return;
        }

        var info = resolve(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Dictionary when value is IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Value is { } item)
                    {
                        Walk(item, $"{path}['{entry.Key}']", resolve, errors, depth + 1);
                    }
                }

                break;
            case JsonTypeInfoKind.Enumerable when value is IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        Walk(item, $"{path}[{index}]", resolve, errors, depth + 1);
                    }

                    index++;
                }

                break;
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                {
                    if (property.Get?.Invoke(value) is not { } child)
                    {
                        continue;
                    }

                    var field = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (Fields.TryGetValue(property.Name, out var prefixes))
                    {
                        Check(child, field, prefixes, errors);
                    }
                    else
                    {
                        Walk(child, field, resolve, errors, depth + 1);
                    }
                }

                break;
        }
    }

    private static void Check(object value, string field, string[] prefixes, SortedDictionary<string, string[]> errors)
    {
        switch (value)
        {
            case string text:
                CheckOne(text, field, prefixes, errors);
                break;
            case IEnumerable<string?> texts:
                var index = 0;
                foreach (var text in texts)
                {
                    CheckOne(text, $"{field}[{index}]", prefixes, errors);
                    index++;
                }

                break;
        }
    }

    private static void CheckOne(string? text, string field, string[] prefixes, SortedDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text) || prefixes.Any(prefix => ResourceId.TryParse(text, prefix, out _)))
        {
            return;
        }

        var expected = string.Join(" or ", prefixes.Select(prefix => $"{prefix}-<{ResourceId.UlidLength} base32 characters>"));
        errors[field] = [$"Expected an id of the form {expected}."];
    }
}
