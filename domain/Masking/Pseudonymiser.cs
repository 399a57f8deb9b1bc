using System.Buffers;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Identifiers;

namespace Platform.Domain.Masking;

/// <summary>
/// Keyed pseudonyms (GB/T 37964-2019 A.4, M4.4): <c>{prefix}_{16 base32 characters}</c>, the first 80 bits of
/// HMAC-SHA256(key, prefix ":" canonical value). Deterministic under one key, unrelated across keys.
/// The value is canonicalised first (mobile without +86 and separators, bank card without spaces, upper-case
/// ID check character and credit code, lower-case e-mail, plate without separator) so that one identifier
/// written two ways joins. An instance keeps the key's HMAC pad blocks compressed once (<see cref="HmacSha256Pads"/>,
/// issue 18.3) and allocates nothing per value but the pseudonym itself.
/// </summary>
public sealed class Pseudonymiser : IDisposable
{
    public const int CodeLength = 16;

    // RFC 4648 base32 alphabet, lower case: readable and case-insensitive-safe.
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    // Values up to this many UTF-8 bytes (with the prefix) are hashed from the stack; longer ones from a rented array.
    private const int StackBytes = 256;

    private readonly HmacSha256Pads hmac;

    public Pseudonymiser(PseudonymisationKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        hmac = new HmacSha256Pads(key.Material);
    }

    /// <summary>A pseudonym of <paramref name="value"/>; null and empty values are returned unchanged.</summary>
    public static string? Apply(PseudonymisationKey key, IdentifierKind? kind, string? value)
    {
        using var pseudonymiser = new Pseudonymiser(key);
        return pseudonymiser.Apply(kind, value);
    }

    /// <summary>The short prefix naming the kind: idn, mob, nam, card, addr, mail, ucc, plate, dob, text, or psn without kind.</summary>
    public static string PrefixOf(IdentifierKind? kind) => kind switch
    {
        IdentifierKind.IdNumber => "idn",
        IdentifierKind.Mobile => "mob",
        IdentifierKind.Name => "nam",
        IdentifierKind.BankCard => "card",
        IdentifierKind.Address => "addr",
        IdentifierKind.Email => "mail",
        IdentifierKind.CreditCode => "ucc",
        IdentifierKind.Plate => "plate",
        IdentifierKind.BirthDate => "dob",
        IdentifierKind.FreeText => "text",
        _ => "psn",
    };

    public string? Apply(IdentifierKind? kind, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        var prefix = PrefixOf(kind);
        var canonical = Canonicalise(kind, value);
        var length = prefix.Length + 1 + Encoding.UTF8.GetMaxByteCount(canonical.Length);
        byte[]? rented = null;
        Span<byte> message = length <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        Span<byte> hash = stackalloc byte[HmacSha256Pads.HashBytes];
        try
        {
            // The prefix is ASCII: one byte per character.
            var written = Encoding.ASCII.GetBytes(prefix, message);
            message[written++] = (byte)':';
            written += Encoding.UTF8.GetBytes(canonical, message[written..]);
            hmac.Compute(message[..written], hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return Format(prefix, hash);
    }

    /// <summary>
    /// The pseudonyms of <paramref name="values"/> into <paramref name="pseudonyms"/>, the same as <see cref="Apply(IdentifierKind?, string?)"/>
    /// one by one, but hashing eight values at once (<see cref="HmacSha256Pads.ComputeEight"/>) when their prefixed canonical
    /// form fits one SHA-256 block, as identifiers do (issue 18.3).
    /// </summary>
    public void ApplyMany(IdentifierKind? kind, ReadOnlySpan<string?> values, Span<string?> pseudonyms)
    {
        if (pseudonyms.Length < values.Length)
        {
            throw new ArgumentException("There must be room for a pseudonym per value.", nameof(pseudonyms));
        }

        var prefix = PrefixOf(kind);
        const int Lanes = HmacSha256Pads.Lanes;
        Span<byte> slots = stackalloc byte[Lanes * HmacSha256Pads.BlockBytes];
        Span<int> lengths = stackalloc int[Lanes];
        Span<int> indexes = stackalloc int[Lanes];
        Span<byte> hashes = stackalloc byte[Lanes * HmacSha256Pads.HashBytes];
        var filled = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (string.IsNullOrEmpty(value))
            {
                pseudonyms[i] = value;
                continue;
            }

            var slot = slots.Slice(filled * HmacSha256Pads.BlockBytes, HmacSha256Pads.MaxLaneMessageBytes);
            var written = Encoding.ASCII.GetBytes(prefix, slot);
            slot[written++] = (byte)':';
            if (!Encoding.UTF8.TryGetBytes(Canonicalise(kind, value), slot[written..], out var canonicalBytes))
            {
                // Longer than a block: hashed alone.
                pseudonyms[i] = Apply(kind, value);
                continue;
            }

            lengths[filled] = written + canonicalBytes;
            indexes[filled++] = i;
            if (filled == Lanes)
            {
                hmac.ComputeEight(slots, lengths, hashes);
                for (var lane = 0; lane < Lanes; lane++)
                {
                    pseudonyms[indexes[lane]] = Format(prefix, hashes.Slice(lane * HmacSha256Pads.HashBytes, HmacSha256Pads.HashBytes));
                }

                filled = 0;
            }
        }

        for (var lane = 0; lane < filled; lane++)
        {
            var hash = hashes.Slice(lane * HmacSha256Pads.HashBytes, HmacSha256Pads.HashBytes);
            hmac.Compute(slots.Slice(lane * HmacSha256Pads.BlockBytes, lengths[lane]), hash);
            pseudonyms[indexes[lane]] = Format(prefix, hash);
        }
    }

    public void Dispose() => hmac.Dispose();

    /// <summary>The form of <paramref name="value"/> that is hashed; two spellings of one identifier share it.</summary>
    public static string Canonicalise(IdentifierKind? kind, string value)
    {
        var trimmed = value.Trim();
        return kind switch
        {
            IdentifierKind.IdNumber or IdentifierKind.CreditCode => trimmed.ToUpperInvariant(),
            IdentifierKind.Mobile => MobileNumber.Validate(trimmed).Normalized ?? trimmed,
            IdentifierKind.BankCard => WithoutDigitSeparators(trimmed),
            IdentifierKind.Plate => VehiclePlate.Validate(trimmed).Normalized ?? trimmed,
            IdentifierKind.Email => trimmed.ToLowerInvariant(),
            _ => trimmed,
        };
    }

    // {prefix}_{the first 80 bits of the hash in base32}
    private static string Format(string prefix, ReadOnlySpan<byte> hash)
    {
        Span<char> pseudonym = stackalloc char[prefix.Length + 1 + CodeLength];
        prefix.CopyTo(pseudonym);
        pseudonym[prefix.Length] = '_';
        WriteBase32(hash[..10], pseudonym[(prefix.Length + 1)..]);
        return new string(pseudonym);
    }

    /// <summary>Digits written in groups ("6222 0212 3456 7890") without the separators, whether or not the check digit is right.</summary>
    private static string WithoutDigitSeparators(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (' ' or '-'))
            {
                return value;
            }
        }

        return value.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
    }

    // 10 bytes = 80 bits = 16 base32 characters of 5 bits each.
    private static void WriteBase32(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        ulong buffer = 0;
        var bits = 0;
        var index = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                destination[index++] = Base32Alphabet[(int)((buffer >> bits) & 31)];
            }
        }
    }
}
