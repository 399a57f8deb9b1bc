using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Platform.Functions.Http;

/// <summary>
/// The one set of JSON rules for the wire: camelCase names, enums as kebab-case strings, times in UTC with 'Z',
/// and Chinese text written as itself rather than as \u escapes (house style: UTF-8 everywhere, docs/api.md).
/// </summary>
public static class PlatformJson
{
    /// <summary>For writing answers and for any internal (de)serialisation.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(forRequests: false);

    /// <summary>
    /// For reading request bodies: the same rules, plus an explicit null for a non-nullable member is refused as a
    /// field error rather than slipping into the domain. Kept apart from <see cref="Options"/> so that an imprecise
    /// nullability annotation on an answer type can never turn a good answer into a 500.
    /// </summary>
    public static JsonSerializerOptions RequestOptions { get; } = CreateOptions(forRequests: true);

    private static JsonSerializerOptions CreateOptions(bool forRequests)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            // Chinese and other text pass as themselves, not as \u escapes. The relaxed encoder also leaves characters
            // like ' + < > alone: bodies are served as application/json and never spliced into HTML unencoded.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // "12" is not a number: a client sending strings for numbers has a bug we should tell them about.
            NumberHandling = JsonNumberHandling.Strict,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            // Unknown members are ignored, so clients may send more fields (docs/api.md).
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            RespectNullableAnnotations = forRequests,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new WireEnumConverterFactory());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.MakeReadOnly();
        return options;
    }
}
