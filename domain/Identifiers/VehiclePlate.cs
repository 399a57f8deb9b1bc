namespace Platform.Domain.Identifiers;

public enum VehiclePlateKind
{
    Ordinary,
    NewEnergySmall,
    NewEnergyLarge,
    Coach,
    Police,
    HongKong,
    Macao,
    Trailer,
    Consulate,
}

/// <summary>
/// Mainland motor-vehicle plates (GA 36): province abbreviation, issuing-office letter, then a five-character
/// serial (ordinary), a six-character serial (new energy) or four characters and a 学/警/港/澳/挂/领 suffix.
/// Used by the plate masking rule (M4.4). Military, armed-police and embassy (使) plates are out of scope.
/// </summary>
public static class VehiclePlate
{
    public const int MinLength = 7;
    public const int MaxLength = 8;

    public const string Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    // Small new-energy serials start with D/A/B/C/E (battery electric) or F/G/H/J/K (other new energy).
    private const string SmallNewEnergyLetters = "DABCEFGHJK";

    public static bool IsValid(string? value)
    {
        Span<char> canonical = stackalloc char[MaxLength];
        return Check(IdentifierText.Trim(value), canonical, out _, out _) == IdentifierProblem.None;
    }

    /// <summary>
    /// Validates and returns the plate without separators and with upper-case letters; accepts a middle dot,
    /// space or dash after the issuing-office letter ("京A·12345").
    /// </summary>
    public static IdentifierValidation Validate(string? value)
    {
        Span<char> canonical = stackalloc char[MaxLength];
        var problem = Check(IdentifierText.Trim(value), canonical, out var length, out _);
        return problem == IdentifierProblem.None
            ? IdentifierValidation.Valid(IdentifierKinds.Plate, IdentifierText.Materialize(value!, canonical[..length]))
            : IdentifierValidation.Invalid(IdentifierKinds.Plate, problem);
    }

    public static bool TryGetKind(string? value, out VehiclePlateKind kind)
    {
        Span<char> canonical = stackalloc char[MaxLength];
        return Check(IdentifierText.Trim(value), canonical, out _, out kind) == IdentifierProblem.None;
    }

    internal static IdentifierProblem Check(ReadOnlySpan<char> value, Span<char> canonical, out int length, out VehiclePlateKind kind)
    {
        length = 0;
        kind = default;
        if (value.IsEmpty)
        {
            return IdentifierProblem.Empty;
        }

        var separators = 0;
        foreach (var c in value)
        {
            if (c is ' ' or '·' or '•' or '・' or '-')
            {
                // A single separator, and only between the issuing-office letter and the serial.
                if (length != 2 || ++separators > 1)
                {
                    return IdentifierProblem.InvalidFormat;
                }

                continue;
            }

            if (length == MaxLength)
            {
                return IdentifierProblem.WrongLength;
            }

            canonical[length++] = IdentifierText.ToUpperAscii(c);
        }

        if (length < MinLength)
        {
            return IdentifierProblem.WrongLength;
        }

        if (!Provinces.Contains(canonical[0]))
        {
            return IdentifierProblem.UnknownProvince;
        }

        if (!IsPlateLetter(canonical[1]))
        {
            return IdentifierProblem.InvalidCharacter;
        }

        ReadOnlySpan<char> serial = canonical[2..length];
        return serial.Length == 5 ? CheckFiveCharacterSerial(canonical[..2], serial, out kind) : CheckNewEnergySerial(serial, out kind);
    }

    private static IdentifierProblem CheckFiveCharacterSerial(ReadOnlySpan<char> prefix, ReadOnlySpan<char> serial, out VehiclePlateKind kind)
    {
        kind = serial[4] switch
        {
            '学' => VehiclePlateKind.Coach,
            '警' => VehiclePlateKind.Police,
            '港' => VehiclePlateKind.HongKong,
            '澳' => VehiclePlateKind.Macao,
            '挂' => VehiclePlateKind.Trailer,
            '领' => VehiclePlateKind.Consulate,
            _ => VehiclePlateKind.Ordinary,
        };

        var alphanumerics = kind == VehiclePlateKind.Ordinary ? serial : serial[..4];
        foreach (var c in alphanumerics)
        {
            if (!IsPlateLetter(c) && !IdentifierText.IsAsciiDigit(c))
            {
                return IdentifierProblem.InvalidCharacter;
            }
        }

        // Cross-border plates for Hong Kong and Macao vehicles are issued only by Guangdong's 粤Z office.
        if (kind is VehiclePlateKind.HongKong or VehiclePlateKind.Macao && !prefix.SequenceEqual("粤Z"))
        {
            return IdentifierProblem.InvalidFormat;
        }

        return IdentifierProblem.None;
    }

    private static IdentifierProblem CheckNewEnergySerial(ReadOnlySpan<char> serial, out VehiclePlateKind kind)
    {
        kind = default;
        foreach (var c in serial)
        {
            if (!IsPlateLetter(c) && !IdentifierText.IsAsciiDigit(c))
            {
                return IdentifierProblem.InvalidCharacter;
            }
        }

        if (SmallNewEnergyLetters.Contains(serial[0]) && IdentifierText.AreAsciiDigits(serial[2..]))
        {
            kind = VehiclePlateKind.NewEnergySmall;
            return IdentifierProblem.None;
        }

        if (IdentifierText.AreAsciiDigits(serial[..5]) && serial[5] is 'D' or 'F')
        {
            kind = VehiclePlateKind.NewEnergyLarge;
            return IdentifierProblem.None;
        }

        return IdentifierProblem.InvalidFormat;
    }

    private static bool IsPlateLetter(char c) => c is >= 'A' and <= 'Z' and not 'I' and not 'O';
}
