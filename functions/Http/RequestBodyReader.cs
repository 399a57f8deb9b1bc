using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Domain.Errors;

namespace Platform.Functions.Http;

/// <summary>
/// Reads request bodies so that every way a body can be wrong becomes a 4xx with a stable code (docs/api.md): wrong media
/// type, too large (counted while streaming, since Content-Length may be absent or lie), empty, malformed JSON,
/// unknown enum values and type mismatches.
/// </summary>
public sealed partial class RequestBodyReader(IOptions<PlatformHttpOptions> options)
{
    public const string JsonMediaType = "application/json";
    public const string FormMediaType = "application/x-www-form-urlencoded";

    private const int ChunkSize = 16 * 1024;

    private readonly long maxBytes = options.Value.MaxRequestBodyBytes;

    public async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        RequireMediaType(request, JsonMediaType);
        var body = await ReadLimitedAsync(request, cancellationToken);
        var json = SkipByteOrderMark(body);
        if (IsBlank(json))
        {
            throw BodyRequired();
        }

        EnsureWellFormed(json);

        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(json, PlatformJson.RequestOptions);
        }
        catch (UnknownEnumValueException unknown)
        {
            var field = FieldName(unknown.Path);
            var message = $"'{unknown.ReceivedValue}' is not an allowed value; use one of: {string.Join(", ", unknown.AllowedValues)}.";
            throw new DomainException(FailureKind.BadRequest, "request.invalid_enum_value",
                $"Field '{field}' has an unknown value. {message}",
                new Dictionary<string, string[]> { [field] = [message] });
        }
        catch (JsonException mismatch)
        {
            throw FieldError(mismatch, typeof(T));
        }

        return value ?? throw BodyRequired();
    }

    /// <summary>An HTML form post (<c>application/x-www-form-urlencoded</c>, UTF-8), e.g. a decision on a signed approval page.</summary>
    public async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        RequireMediaType(request, FormMediaType);
        var body = await ReadLimitedAsync(request, cancellationToken);
        try
        {
            using var reader = new FormReader(new MemoryStream(body, writable: false), Encoding.UTF8);
            return new FormCollection(await reader.ReadFormAsync(cancellationToken));
        }
        catch (InvalidDataException tooMany)
        {
            throw new DomainException(FailureKind.BadRequest, "request.invalid_form", $"The form could not be read: {tooMany.Message}");
        }
    }

    /// <summary>The whole body, refusing it as soon as it exceeds <c>Platform:MaxRequestBodyBytes</c>.</summary>
    public async Task<byte[]> ReadLimitedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// True when the request declares <paramref name="mediaType"/>; a charset, if given, must be UTF-8 because that
    /// is the only encoding the platform reads.
    /// </summary>
    public static bool HasMediaType(HttpRequest request, string mediaType)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            || !parsed.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charset = HeaderUtilities.RemoveQuotes(parsed.Charset);
        return !charset.HasValue
               || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
               || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    private void RequireMediaType(HttpRequest request, string mediaType)
    {
        if (HasMediaType(request, mediaType))
        {
            return;
        }

        // A POST with no body and no content type is missing its body, which is the more useful thing to say.
        if (string.IsNullOrEmpty(request.ContentType) && request.ContentLength == 0)
        {
            throw BodyRequired();
        }

        var declared = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type '{request.ContentType}'";
        throw new DomainException(FailureKind.UnsupportedMediaType, "request.unsupported_media_type",
            $"The body must be sent as {mediaType} (UTF-8); the request has {declared}.");
    }

    private static void EnsureWellFormed(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException malformed)
        {
            var line = (malformed.LineNumber ?? 0) + 1;
            var position = (malformed.BytePositionInLine ?? 0) + 1;
            throw new DomainException(FailureKind.BadRequest, "request.malformed_json",
                $"The body is not valid JSON (line {line}, position {position}).");
        }
    }

    private static DomainException FieldError(JsonException exception, Type bodyType)
    {
        var missing = MissingPropertiesPattern().Match(exception.Message);
        if (missing.Success)
        {
            var names = QuotedNamePattern().Matches(missing.Groups["names"].Value).Select(match => match.Groups["name"].Value).ToArray();
            return new DomainException(FailureKind.BadRequest, "request.missing_field",
                $"Required field(s) missing: {string.Join(", ", names)}.",
                names.ToDictionary(name => name, _ => new[] { "This field is required." }));
        }

        var field = FieldName(exception.Path);
        var expectation = Expectation(exception.Message, TypeAtPath(bodyType, exception.Path));
        var location = exception.LineNumber is { } line
            ? $" (line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1})"
            : "";
        return new DomainException(FailureKind.BadRequest, "request.invalid_field",
            $"Field '{field}' {expectation}{location}.",
            new Dictionary<string, string[]> { [field] = [$"This field {expectation}."] });
    }

    // The serializer's messages name .NET types; callers get a description in JSON terms instead.
    private static string Expectation(string message, Type? fieldType)
    {
        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("doesn't allow", StringComparison.OrdinalIgnoreCase))
        {
            return "must not be null";
        }

        if (fieldType is null)
        {
            return "has a value of the wrong type";
        }

        fieldType = Nullable.GetUnderlyingType(fieldType) ?? fieldType;
        var expected = fieldType switch
        {
            _ when fieldType == typeof(DateTimeOffset) || fieldType == typeof(DateTime) => "a UTC date-time such as 2025-10-13T08:00:00Z",
            _ when fieldType == typeof(DateOnly) => "a date such as 2025-10-13",
            _ when fieldType == typeof(TimeOnly) => "a time such as 08:30:00",
            _ when fieldType == typeof(bool) => "true or false",
            _ when fieldType == typeof(string) || fieldType == typeof(char) => "a string",
            _ when fieldType == typeof(Guid) => "a GUID string",
            _ when fieldType.IsPrimitive || fieldType == typeof(decimal) => "a number",
            _ => PlatformJson.RequestOptions.GetTypeInfo(fieldType).Kind switch
            {
                JsonTypeInfoKind.Enumerable => "an array",
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
                _ => null,
            },
        };
        return expected is null ? "has a value of the wrong type" : $"must be {expected}";
    }

    /// <summary>Follows a serializer path such as <c>$.items[0].resourceId</c> through the body type's JSON contract.</summary>
    private static Type? TypeAtPath(Type bodyType, string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$')
        {
            return null;
        }

        var current = bodyType;
        foreach (Match segment in PathSegmentPattern().Matches(path[1..]))
        {
            var typeInfo = PlatformJson.RequestOptions.GetTypeInfo(Nullable.GetUnderlyingType(current) ?? current);
            Type? next = typeInfo.Kind switch
            {
                JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => typeInfo.ElementType,
                JsonTypeInfoKind.Object when segment.Groups["name"].Success || segment.Groups["quoted"].Success
                    => typeInfo.Properties.FirstOrDefault(property => string.Equals(
                        property.Name,
                        segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value,
                        StringComparison.OrdinalIgnoreCase))?.PropertyType,
                _ => null,
            };
            if (next is null)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static ReadOnlySpan<byte> SkipByteOrderMark(byte[] body)
        => body.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? body.AsSpan(Encoding.UTF8.Preamble.Length) : body;

    private static bool IsBlank(ReadOnlySpan<byte> json)
    {
        foreach (var b in json)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static DomainException BodyRequired()
        => new(FailureKind.BadRequest, "request.body_required", "The request needs a JSON body.");

    private DomainException TooLarge()
        => new(FailureKind.PayloadTooLarge, "request.too_large", $"The body exceeds the limit of {maxBytes} bytes.");

    [GeneratedRegex(@"missing required properties including: (?<names>.+?)\.?\s*(Path:|$)")]
    private static partial Regex MissingPropertiesPattern();

    [GeneratedRegex(@"'(?<name>[^']+)'")]
    private static partial Regex QuotedNamePattern();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegmentPattern();
}
