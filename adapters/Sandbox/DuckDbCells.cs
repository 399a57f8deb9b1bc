using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>Column type names and invariant cell text for sandbox results.</summary>
internal static class DuckDbCells
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions NestedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The engine's type name as SQL spells it (DuckDB.NET reports names such as <c>BigInt</c>).</summary>
    public static string TypeName(DbDataReader reader, int ordinal, System.Data.DataTable? schema)
    {
        var name = reader.GetDataTypeName(ordinal);
        switch (name.ToUpperInvariant())
        {
            case "DECIMAL" when schema is not null:
                var row = schema.Rows[ordinal];
                return row["NumericPrecision"] is int or short or byte && row["NumericScale"] is int or short or byte
                    ? $"DECIMAL({Convert.ToInt32(row["NumericPrecision"], Invariant)},{Convert.ToInt32(row["NumericScale"], Invariant)})"
                    : "DECIMAL";
            case "TIMESTAMPTZ":
                return "TIMESTAMP WITH TIME ZONE";
            case var upper:
                return upper;
        }
    }

    /// <summary>Invariant text of one cell; null for SQL NULL. Timestamps with a time zone are UTC with 'Z'.</summary>
    public static string? Format(object? value, bool utc)
    {
        switch (value)
        {
            case null or DBNull:
                return null;
            case string text:
                return text;
            case bool flag:
                return flag ? "true" : "false";
            case double number:
                return number.ToString("R", Invariant);
            case float number:
                return number.ToString("R", Invariant);
            case decimal number:
                return number.ToString(Invariant);
            case DateOnly date:
                return date.ToString("yyyy-MM-dd", Invariant);
            case TimeOnly time:
                return time.ToString("HH:mm:ss.FFFFFFF", Invariant).TrimEnd('.');
            case DateTime moment:
                var text2 = moment.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", Invariant).TrimEnd('.');
                return utc || moment.Kind == DateTimeKind.Utc ? text2 + "Z" : text2;
            case DateTimeOffset offset:
                return offset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", Invariant).TrimEnd('.') + "Z";
            case TimeSpan span:
                return span.ToString("c", Invariant);
            case BigInteger big:
                return big.ToString(Invariant);
            case byte[] bytes:
                return Convert.ToBase64String(bytes);
            case Stream stream:
                using (var copy = new MemoryStream())
                {
                    stream.CopyTo(copy);
                    return Convert.ToBase64String(copy.ToArray());
                }

            case IDictionary or IEnumerable:
                return JsonSerializer.Serialize(value, value.GetType(), NestedJson);
            case IFormattable formattable:
                return formattable.ToString(null, Invariant);
            default:
                return Convert.ToString(value, Invariant);
        }
    }
}
