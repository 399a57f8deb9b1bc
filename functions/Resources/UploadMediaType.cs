using Microsoft.Net.Http.Headers;
using Platform.Domain.Errors;
using Platform.Domain.Masking;

namespace Platform.Functions.Resources;

/// <summary>
/// Reads the Content-Type of a data upload (M4.1): <c>text/csv</c> or <c>application/x-ndjson</c>, with an optional
/// charset of UTF-8 or GB18030 (also declared as GBK or GB2312, its subsets). Without a charset the masking engine
/// detects the encoding (a BOM, else valid UTF-8, else GB18030).
/// </summary>
public static class UploadMediaType
{
    public const string Csv = "text/csv";
    public const string JsonLines = "application/x-ndjson";

    /// <summary>Other names JSON Lines goes by.</summary>
    private static readonly string[] JsonLinesAliases = [JsonLines, "application/jsonl", "application/jsonlines", "application/x-jsonlines"];

    public static (DataFormat Format, InputEncoding Encoding, string ContentType) Parse(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType.Value is not { } mediaType)
        {
            throw Unsupported(string.IsNullOrEmpty(contentType) ? "no Content-Type" : $"Content-Type '{contentType}'");
        }

        DataFormat format;
        if (mediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase))
        {
            format = DataFormat.Csv;
        }
        else if (JsonLinesAliases.Any(alias => mediaType.Equals(alias, StringComparison.OrdinalIgnoreCase)))
        {
            format = DataFormat.JsonLines;
        }
        else
        {
            throw Unsupported($"Content-Type '{contentType}'");
        }

        var charset = HeaderUtilities.RemoveQuotes(parsed.Charset).Value;
        var encoding = InputEncoding.Auto;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            // `out var` matters: with a typed variable the call would bind to the inherited Enum.TryParse<T>, which knows
            // member names only, instead of the wire-name parser with its aliases.
            if (!InputEncoding.TryParse(charset, out var declared) || declared == InputEncoding.Auto)
            {
                throw new DomainException(FailureKind.UnsupportedMediaType, "request.unsupported_media_type",
                    $"charset '{charset}' is not read: declare utf-8 or gb18030 (gbk and gb2312 are read as gb18030), or leave the charset out to have it detected.");
            }

            encoding = declared;
        }

        var canonical = format == DataFormat.Csv ? Csv : JsonLines;
        return (format, encoding, encoding == InputEncoding.Auto ? canonical : $"{canonical}; charset={encoding.ToWire()}");
    }

    private static DomainException Unsupported(string declared)
        => new(FailureKind.UnsupportedMediaType, "request.unsupported_media_type",
            $"Send the file as {Csv} (with a header row) or {JsonLines} (one JSON object per line); the request has {declared}.");
}
