using System.Globalization;
using System.Text;
using Platform.Domain.Identifiers;

namespace Platform.Domain.Masking;

/// <summary>
/// The per-kind masking functions of the sample rules (GB/T 37964-2019, JR/T 0171-2020; M4.4). Each keeps a
/// well-known low-risk part and replaces the rest with <c>*</c> of the same length, so that a reader sees the
/// shape of the data. A value that does not have the shape of its kind gets <see cref="MaskGeneric"/>. Every
/// function returns a value that does not contain its non-empty input (unless the input is nothing but mask
/// characters); empty stays empty.
/// </summary>
public static class ValueMasks
{
    public const char MaskCharacter = '*';

    /// <summary>
    /// Keeps the six-digit area code (province, city, county of first registration) and masks birth date,
    /// sequence and check character: <c>42010219900307123X</c> → <c>420102************</c>. The check character
    /// is masked too because with the other 17 digits known it adds nothing, and with them masked it would
    /// narrow the search.
    /// </summary>
    public static string MaskIdNumber(string value)
    {
        var text = value.AsSpan().Trim();
        if (IsIdShaped(text))
        {
            return KeepPrefix(text, 6);
        }

        return MaskGeneric(value);
    }

    /// <summary>Keeps the first three (carrier) and last four digits: <c>13812345678</c> → <c>138****5678</c>.</summary>
    public static string MaskMobile(string value)
    {
        var validation = MobileNumber.Validate(value);
        if (!validation.IsValid)
        {
            return MaskGeneric(value);
        }

        var digits = validation.Normalized!;
        return string.Concat(digits.AsSpan(0, 3), "****", digits.AsSpan(7, 4));
    }

    /// <summary>
    /// Keeps the six-digit issuer identification number and the last four digits (PCI DSS truncation, JR/T
    /// 0171-2020): <c>6222021234567890123</c> → <c>622202*********0123</c>. Separators are removed.
    /// </summary>
    public static string MaskBankCard(string value)
    {
        Span<char> digits = stackalloc char[BankCardNumber.MaxLength];
        var length = 0;
        foreach (var c in value.AsSpan().Trim())
        {
            if (char.IsAsciiDigit(c) && length < digits.Length)
            {
                digits[length++] = c;
            }
            else if (c is not (' ' or '-') || length == digits.Length)
            {
                return MaskGeneric(value);
            }
        }

        if (length < BankCardNumber.MinLength)
        {
            return MaskGeneric(value);
        }

        var result = new string(MaskCharacter, length).ToCharArray();
        digits[..6].CopyTo(result);
        digits.Slice(length - 4, 4).CopyTo(result.AsSpan(length - 4));
        return new string(result);
    }

    /// <summary>
    /// Keeps the surname and masks each given-name character: <c>张三</c> → <c>张*</c>, <c>欧阳修文</c> → <c>欧阳**</c>.
    /// A one-character name is masked entirely. The middle dot of transliterated names (买买提·艾力) is kept.
    /// Names not written in Chinese characters get <see cref="MaskGeneric"/>.
    /// </summary>
    public static string MaskName(string value)
    {
        var text = value.AsSpan().Trim();
        if (!ChineseName.StartsWithHan(text))
        {
            return MaskGeneric(value);
        }

        var surname = ChineseName.SurnameLength(text);
        if (surname >= text.Length)
        {
            return Stars(text);
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text[..surname]);
        foreach (var rune in text[surname..].EnumerateRunes())
        {
            builder.Append(rune.Value is '·' or '•' or '・' ? (char)rune.Value : MaskCharacter);
        }

        return builder.ToString();
    }

    /// <summary>Truncates to the district: see <see cref="ChineseAddress.TruncateToDistrict"/>.</summary>
    public static string TruncateAddress(string value) =>
        value.Length == 0 ? value : ChineseAddress.TruncateToDistrict(value);

    /// <summary>Keeps the first character of the local part and the domain: <c>zhangsan@example.cn</c> → <c>z***@example.cn</c>.</summary>
    public static string MaskEmail(string value)
    {
        var text = value.AsSpan().Trim();
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return MaskGeneric(value);
        }

        var first = text[..(char.IsHighSurrogate(text[0]) && at > 1 ? 2 : 1)];
        return string.Concat(first, "***", text[at..]);
    }

    /// <summary>
    /// Keeps registration authority, organisation category and the six-digit division code (the first eight
    /// characters of a GB 32100 code) and masks the organisation body and check: <c>91420100MA4K0000X1</c> →
    /// <c>91420100**********</c>.
    /// </summary>
    public static string MaskCreditCode(string value)
    {
        var text = value.AsSpan().Trim();
        if (text.Length == UnifiedSocialCreditCode.Length && IsAsciiAlphanumeric(text))
        {
            return KeepPrefix(text, 8);
        }

        return MaskGeneric(value);
    }

    /// <summary>Keeps the province and the issuing-office letter: <c>鄂A12345</c> → <c>鄂A*****</c>.</summary>
    public static string MaskPlate(string value)
    {
        var validation = VehiclePlate.Validate(value);
        return validation.IsValid ? KeepPrefix(validation.Normalized, 2) : MaskGeneric(value);
    }

    /// <summary>
    /// Generalises a birth date to its year: <c>1990-03-07</c>, <c>19900307</c>, <c>1990年3月7日</c> or
    /// <c>1990-03-07T08:00:00</c> → <c>1990</c>. A value that is not such a date gets <see cref="MaskGeneric"/>.
    /// </summary>
    public static string GeneraliseBirthDate(string value)
    {
        var text = value.Trim();
        if (BirthDateText.TryParse(text, out var date))
        {
            return Year(date);
        }

        var timeSeparator = text.IndexOfAny(['T', ' ']);
        if (timeSeparator > 0 && BirthDateText.TryParse(text[..timeSeparator], out date))
        {
            return Year(date);
        }

        return MaskGeneric(value);
    }

    /// <summary>
    /// Keeps the first character and masks the rest (one mask per character): <c>工程师</c> → <c>工**</c>; a
    /// single character becomes <c>*</c>. Used for personal fields without an identifier kind and as the
    /// fallback of the kind-specific masks.
    /// </summary>
    public static string MaskGeneric(string value)
    {
        var text = value.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return value.Length == 0 ? value : "*";
        }

        var runes = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            runes++;
        }

        if (runes == 1)
        {
            return "*";
        }

        var firstLength = char.IsHighSurrogate(text[0]) && text.Length > 1 ? 2 : 1;
        return string.Concat(text[..firstLength], new string(MaskCharacter, runes - 1));
    }

    private static string Year(DateOnly date) => date.Year.ToString("D4", CultureInfo.InvariantCulture);

    private static string KeepPrefix(ReadOnlySpan<char> text, int keep)
    {
        Span<char> buffer = text.Length <= 64 ? stackalloc char[text.Length] : new char[text.Length];
        text[..keep].CopyTo(buffer);
        buffer[keep..].Fill(MaskCharacter);
        return new string(buffer);
    }

    private static string Stars(ReadOnlySpan<char> text)
    {
        var runes = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            runes++;
        }

        return new string(MaskCharacter, runes);
    }

    // Second-generation (18) and first-generation (15) numbers: digits, the last possibly X.
    private static bool IsIdShaped(ReadOnlySpan<char> text)
    {
        if (text.Length is not (ResidentIdNumber.Length or 15))
        {
            return false;
        }

        return IdentifierTextDigits(text[..^1]) && (char.IsAsciiDigit(text[^1]) || text[^1] is 'X' or 'x');
    }

    private static bool IdentifierTextDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAsciiAlphanumeric(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
