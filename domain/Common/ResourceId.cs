using System.Buffers.Binary;
using System.Security.Cryptography;
using Platform.Domain.Errors;

namespace Platform.Domain.Common;

/// <summary>
/// Record ids: a lower-case prefix naming the kind of record, a hyphen, then 26 lower-case Crockford base32
/// characters (a ULID: 48-bit millisecond timestamp then 80 random bits), e.g. <c>agr-01jd8x3kq7m4r6t9v2w5y8z1ab</c>.
/// Ids sort by creation time, which keeps Table storage row keys in a useful order, and their shape is checked
/// before any storage call so a mistyped id is a 400, never a storage error.
/// </summary>
public static class ResourceId
{
    public const int UlidLength = 26;

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>
    /// Whether a value taken from a request may be used to look a record up at all: at most 128 characters, none that a
    /// table key cannot hold or that would change the storage URL (<c>/ \ # ?</c>, control characters). A value that is
    /// not is simply not found; shape rules with their 422 are in <see cref="Parse"/> and the body reader.
    /// </summary>
    public static bool IsLookupKey(string id)
        => id.Length is > 0 and <= 128 && !id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    /// <summary>Returns the canonical (lower-case) id, or throws 400 <c>request.invalid_id</c> naming <paramref name="field"/>.</summary>
    public static string Parse(string? value, string prefix, string field = "id")
        => TryParse(value, prefix, out var id)
            ? id
            : throw new DomainException(FailureKind.BadRequest, "request.invalid_id",
                $"'{value}' is not a valid {field}: expected '{prefix}-' followed by {UlidLength} base32 characters.",
                new Dictionary<string, string[]> { [field] = [$"Expected an id of the form {prefix}-<{UlidLength} base32 characters>."] });

    public static bool TryParse(string? value, string prefix, out string id)
    {
        id = "";
        if (value is null || value.Length != prefix.Length + 1 + UlidLength
            || !value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || value[prefix.Length] != '-')
        {
            return false;
        }

        var body = value.AsSpan(prefix.Length + 1);
        // The first character carries only the top 3 bits of the 48-bit timestamp (26 × 5 = 130 bits for 128).
        if (body[0] is > '7')
        {
            return false;
        }

        foreach (var character in body)
        {
            if (Alphabet.IndexOf(char.ToLowerInvariant(character)) < 0)
            {
                return false;
            }
        }

        id = value.ToLowerInvariant();
        return true;
    }

    public static string New(string prefix, DateTimeOffset now)
    {
        if (prefix.Length == 0 || !prefix.All(character => character is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') || !char.IsAsciiLetterLower(prefix[0]))
        {
            throw new ArgumentException($"Id prefix '{prefix}' must be lower-case letters, digits or '-', starting with a letter.", nameof(prefix));
        }

        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = (ulong)now.ToUnixTimeMilliseconds();
        Span<byte> timestamp = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(timestamp, milliseconds);
        timestamp[2..].CopyTo(bytes);
        RandomNumberGenerator.Fill(bytes[6..]);
        return $"{prefix}-{EncodeBase32(bytes)}";
    }

    private static string EncodeBase32(ReadOnlySpan<byte> bytes)
    {
        var high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var value = ((UInt128)high << 64) | low;
        Span<char> characters = stackalloc char[UlidLength];
        for (var index = UlidLength - 1; index >= 0; index--)
        {
            characters[index] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(characters);
    }
}
